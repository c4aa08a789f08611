import APDomain
import APWire
import Civil
import Foundation
import PGDriver

extension PGRow {
    /// A fixed-list value stored as text.
    func value<E: RawRepresentable>(_ column: String, as type: E.Type = E.self) throws -> E where E.RawValue == String {
        let raw: String = try decode(column)
        guard let value = E(rawValue: raw) else {
            throw PGError(.decoding, "column \"\(column)\": not a known \(E.self)", column: column)
        }
        return value
    }

    func optionalValue<E: RawRepresentable>(_ column: String, as type: E.Type = E.self) throws -> E?
    where E.RawValue == String {
        isNull(column) ? nil : try value(column, as: E.self)
    }

    func values<E: RawRepresentable>(_ column: String, as type: E.Type = E.self) throws -> [E]
    where E.RawValue == String {
        try decode(column, as: [String].self).map {
            guard let value = E(rawValue: $0) else {
                throw PGError(.decoding, "column \"\(column)\": not a known \(E.self)", column: column)
            }
            return value
        }
    }

    /// A daterange read as two columns, `<prefix>_from` and `<prefix>_to`.
    func nights(_ prefix: String = "nights") throws -> Nights {
        guard let n = Nights(from: try decode(prefix + "_from"), to: try decode(prefix + "_to")) else {
            throw PGError(.decoding, "column \"\(prefix)\": an empty range of nights", column: prefix)
        }
        return n
    }
}

/// Checks free text that must be given before it reaches the database, so that the error names the
/// field; its length is the domain's limit for the field (`TextRules`), which the service has already
/// checked for callers over HTTP.
func requireText(_ value: String, field: String) throws {
    if value.trimmingCharacters(in: .whitespaces).isEmpty {
        throw StoreError.invalid("\(field)-required", "\(field) is required", field: field)
    }
    try limitText(value, field: field)
}

/// Checks that free text keeps to the domain's limit for its field (`TextRules`).
func limitText(_ value: String, field: String) throws {
    let max = TextRules.rule(for: String(field.split(separator: ".").last ?? "")).max
    if value.unicodeScalars.count > max {
        throw StoreError.invalid("text-too-long", "\(field) is longer than \(max) characters: shorten it", field: field)
    }
}
