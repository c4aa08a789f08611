import APDomain
import Civil
import Foundation

/// Holds a decoded request body to the domain's rules for free text (`TextRules`) and dates
/// (`DateRules`), whatever its type: every string, date and instant in it is found by reflection, so a
/// field added to a body later cannot be forgotten. A refusal names the field by its path on the wire
/// (`practitioner.name`, `followUps[1].action`) and the limit, never the value.
enum BodyRules {
    static func check(_ body: Any, today: LocalDate) throws {
        try walk(body, path: "", key: "", today: today)
    }

    private static func walk(_ value: Any, path: String, key: String, today: LocalDate) throws {
        switch value {
        case let text as String:
            switch TextRules.fault(in: text, TextRules.rule(for: key)) {
            case nil: return
            case .tooLong(let max)?:
                throw Problem.invalid(
                    "text-too-long", "\(path) is longer than \(max) characters: shorten it", field: path)
            case .hiddenCharacter?:
                let lines = TextRules.rule(for: key).allowsNewLines ? "other than new lines, " : "or line breaks, "
                throw Problem.invalid(
                    "hidden-character",
                    "\(path) may not contain control characters \(lines)or text-direction "
                        + "characters: remove them", field: path)
            }
        case let date as LocalDate:
            if let fault = DateRules.fault(in: date, field: key, today: today) {
                throw Problem.invalid("date-out-of-range", fault, field: path)
            }
        case let instant as Date:
            if let fault = DateRules.fault(in: instant, field: key) {
                throw Problem.invalid("date-out-of-range", fault, field: path)
            }
        case is UUID, is LocalTime, is Bool, is any BinaryInteger, is any BinaryFloatingPoint:
            return
        default:
            let mirror = Mirror(reflecting: value)
            switch mirror.displayStyle {
            case .optional:
                if let wrapped = mirror.children.first { try walk(wrapped.value, path: path, key: key, today: today) }
            case .collection, .set:
                for (i, child) in mirror.children.enumerated() {
                    try walk(child.value, path: "\(path)[\(i)]", key: key, today: today)
                }
            case .struct, .class:
                for child in mirror.children {
                    guard let label = child.label else { continue }
                    try walk(child.value, path: path.isEmpty ? label : "\(path).\(label)", key: label, today: today)
                }
            default:
                // Enums (a fixed vocabulary, decoded from its values), tuples and dictionaries: nothing free.
                return
            }
        }
    }
}
