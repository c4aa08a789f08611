import APDomain
import APWire
import Civil
import Foundation

/// A page's form, read the way the API reads a body: its fields are written into the JSON the API would have been
/// sent (the field's name is its path on the wire, `practitioner.name`), and that JSON is decoded and held to the
/// rules by `API.decode`. A page therefore accepts exactly what the API accepts, and a refusal names a field of the
/// form. What only a form has (a date typed as 1/12/2026, a local date and time) is turned into the wire's form
/// here, with a sentence for what cannot be.
struct WebForm {
    struct Option {
        let value: String
        let label: String
    }

    enum Kind {
        case text
        case lines
        /// A date: YYYY-MM-DD, or DD/MM/YYYY as spreadsheets and people in the UK write it.
        case date
        /// A time of day, HH:MM.
        case time
        /// A local date and time at the premises (YYYY-MM-DD HH:MM, or DD/MM/YYYY HH:MM), sent as an instant.
        case dateTime
        case number
        case choice([Option])
        /// One of several, shown as radio buttons in a fieldset.
        case radios([Option])
        /// Any of several; `numbers`: the wire takes them as whole numbers.
        case checkboxes([Option], numbers: Bool)
        /// Yes or no, as radio buttons; the wire takes true or false.
        case yesNo
    }

    struct Field {
        let name: String
        let label: String
        var hint: String? = nil
        var kind: Kind = .text
        /// Other names the store's refusals give this field (`arrivedAt` for a form's `at`).
        var aliases: [String] = []
        /// What the wire is sent when the field is left empty; nil: nothing (the wire's own default, or "required").
        var blank: String? = nil
        /// A choice's first, empty option: "Choose", or what leaving it means ("None").
        var unchosen = "Choose"

        /// The key the templates know the field by: the wire path without dots or brackets.
        var key: String {
            name.replacingOccurrences(of: "[", with: "_").replacingOccurrences(of: "]", with: "")
                .replacingOccurrences(of: ".", with: "_")
        }
    }

    struct Refusal: Error {
        var errors: [(field: String, message: String)]
    }

    let fields: [Field]
    /// Put before each input's id, so that several forms on one page never share one.
    let prefix: String

    init(_ fields: [Field]) { self.init("", fields) }

    init(_ prefix: String, _ fields: [Field]) {
        self.prefix = prefix
        self.fields = fields
    }

    /// The input's id: the error summary links to it.
    func id(_ field: Field) -> String { prefix.isEmpty ? field.key : "\(prefix)-\(field.key)" }

    /// The form's fields as the API's body, decoded as `T` with the API's rules; a refusal names the form's fields.
    func read<T: Decodable>(_ type: T.Type, _ pairs: [(String, String)], zone: TimeZone, today: LocalDate)
        throws(Refusal)
        -> T
    {
        var errors: [(String, String)] = []
        var tree: [String: Any] = [:]
        for field in fields {
            let values = pairs.filter { $0.0 == field.name }.map { $0.1.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty }
            guard let text = values.last else {
                if let blank = field.blank { Self.insert(blank, at: Self.path(field.name), into: &tree) }
                continue
            }
            let value: Any
            switch field.kind {
            case .text, .lines, .choice, .radios: value = text
            case .yesNo: value = text == "true"
            case .time: value = text
            case .date:
                guard let date = Self.date(text) else {
                    errors.append((id(field), "Enter \(field.label.asObject) as a date, like 1/12/2026"))
                    continue
                }
                value = "\(date)"
            case .dateTime:
                let parts = text.split(separator: " ", omittingEmptySubsequences: true)
                guard parts.count == 2, let date = Self.date(String(parts[0])), let time = LocalTime(String(parts[1]))
                else {
                    errors.append(
                        (id(field), "Enter \(field.label.asObject) as a date and time, like 1/12/2026 22:55"))
                    continue
                }
                value = ISO8601DateFormatter().string(from: Zone.instant(date, time, in: zone))
            case .number:
                guard let n = Int(text) else {
                    errors.append((id(field), "Enter \(field.label.asObject) as a whole number, like 2"))
                    continue
                }
                value = n
            case .checkboxes(_, let numbers):
                value = numbers ? values.compactMap { Int($0) } as [Any] : values as [Any]
            }
            Self.insert(value, at: Self.path(field.name), into: &tree)
        }
        guard errors.isEmpty else { throw Refusal(errors: errors) }
        do {
            let data = try JSONSerialization.data(withJSONObject: Self.arrays(tree))
            return try API.decode(T.self, data, today: today)
        } catch let problem as Problem {
            throw Refusal(errors: [message(for: problem)])
        } catch {
            throw Refusal(errors: [(fields.first.map(id) ?? "main", "The form could not be read: check each answer")])
        }
    }

    /// A refusal from the API's rules or the store, said beside the form's field it names (the first field when it
    /// names none of them), in the form's words rather than the wire's.
    func message(for problem: Problem) -> (field: String, message: String) {
        let wire = problem.field ?? ""
        let field =
            fields.first { $0.name == wire || $0.aliases.contains(wire) }
            ?? fields.first {
                wire.hasPrefix($0.name + ".") || wire.hasPrefix($0.name + "[") || $0.name.hasPrefix(wire + ".")
            }
        guard let field else { return (fields.first.map(id) ?? "main", API.sentence(problem.detail)) }
        if problem.code == "missing-field" {
            switch field.kind {
            case .choice, .radios, .checkboxes, .yesNo: return (id(field), "Choose \(field.label.asObject)")
            default: return (id(field), "Enter \(field.label.asObject)")
            }
        }
        var detail = problem.detail
        if detail.hasPrefix(wire + ": ") { detail = "\(field.label): " + detail.dropFirst(wire.count + 2) }
        return (id(field), API.sentence(detail.replacingOccurrences(of: wire, with: field.label.lowercasedFirst)))
    }

    /// The template's view of each field, by id: its label, hint, what was typed (or `initial`), its error, and for
    /// a choice its options with the one chosen.
    func model(typed: [(String, String)], initial: [String: String] = [:], errors: [(field: String, message: String)])
        -> [String: Any]
    {
        var out: [String: Any] = [:]
        for field in fields {
            let sent = typed.filter { $0.0 == field.name }.map(\.1)
            let chosen = typed.isEmpty ? (initial[field.name].map { [$0] } ?? []) : sent
            var f: [String: Any] = [
                "id": id(field), "name": field.name, "label": field.label, "value": chosen.last ?? "",
            ]
            if let hint = field.hint { f["hint"] = hint }
            if let error = errors.first(where: { $0.field == id(field) }) { f["error"] = error.message }
            switch field.kind {
            case .lines: f["isLines"] = true
            case .choice(let options):
                f["isChoice"] = true
                f["unchosen"] = field.unchosen
                f["options"] = options.map { ["value": $0.value, "label": $0.label, "on": chosen.contains($0.value)] }
            case .radios, .checkboxes, .yesNo:
                let options: [Option] =
                    switch field.kind {
                    case .radios(let options), .checkboxes(let options, _): options
                    default: [Option(value: "true", label: "Yes"), Option(value: "false", label: "No")]
                    }
                if case .checkboxes = field.kind { f["isCheckboxes"] = true } else { f["isRadios"] = true }
                f["options"] = options.enumerated().map { i, o in
                    ["value": o.value, "label": o.label, "on": chosen.contains(o.value), "id": "\(id(field))-\(i)"]
                }
            case .number, .time:
                f["isText"] = true
                f["numeric"] = true
            default: f["isText"] = true
            }
            out[field.key] = f
        }
        return out
    }

    /// What a page's model needs of the form: its fields, and the error summary's entries.
    func page(typed: [(String, String)], initial: [String: String] = [:], errors: [(field: String, message: String)])
        -> [String: Any]
    {
        [
            "f": model(typed: typed, initial: initial, errors: errors), "hasErrors": !errors.isEmpty,
            "errors": errors.map { ["field": $0.field, "message": $0.message] },
        ]
    }

    /// A date as the forms show it, and as staff type it: 30/11/2026.
    static func typed(_ date: LocalDate) -> String { "\(date.day)/\(date.month)/\(date.year)" }

    static func date(_ text: String) -> LocalDate? { Spreadsheet.date(text) }

    /// `curfew.windows[0].start` as its steps: curfew, windows, [0], start.
    static func path(_ name: String) -> [String] {
        name.split(separator: ".").flatMap { part -> [String] in
            guard let open = part.firstIndex(of: "[") else { return [String(part)] }
            return [String(part[..<open]), String(part[open...])]
        }
    }

    static func insert(_ value: Any, at path: [String], into tree: inout [String: Any]) {
        guard let first = path.first else { return }
        if path.count == 1 {
            tree[first] = value
            return
        }
        var child = tree[first] as? [String: Any] ?? [:]
        insert(value, at: Array(path.dropFirst()), into: &child)
        tree[first] = child
    }

    /// An object whose keys are all `[n]` becomes the array of its values in order.
    static func arrays(_ value: Any) -> Any {
        guard let object = value as? [String: Any] else { return value }
        let converted = object.mapValues(arrays)
        let indexed = converted.keys.compactMap { key -> Int? in
            guard key.hasPrefix("["), key.hasSuffix("]") else { return nil }
            return Int(key.dropFirst().dropLast())
        }
        guard !converted.isEmpty, indexed.count == converted.count else { return converted }
        return indexed.sorted().map { converted["[\($0)]"]! }
    }
}

extension WebForm.Option {
    /// Every case of a vocabulary, labelled as staff say it: "planned_move_on" as "Planned move on".
    static func all<T: RawRepresentable & CaseIterable>(_: T.Type) -> [WebForm.Option] where T.RawValue == String {
        T.allCases.map { WebForm.Option(value: $0.rawValue, label: $0.rawValue.spoken) }
    }
}

extension String {
    /// A vocabulary value as words: "breach_recall_curfew" as "Breach recall curfew".
    var spoken: String {
        let words = split(separator: "_").map { $0 == "ap" ? "AP" : String($0) }.joined(separator: " ")
        return words.capitalizedFirst
    }

    /// "Given name" as "given name"; an acronym (CRN, MAPPA) is left as it is.
    var lowercasedFirst: String {
        let second = dropFirst().first
        return second?.isUppercase == true ? self : prefix(1).lowercased() + dropFirst()
    }

    /// A label as the object of "Enter" or "Choose": "when they left" as it is, "Given name" as "the given name".
    /// What is optional is required once part of it is given, so "(optional)" is dropped.
    var asObject: String {
        let label = replacingOccurrences(of: " (optional)", with: "").replacingOccurrences(of: " (if any)", with: "")
        let questions = ["When", "Why", "What", "Where", "Who", "How"]
        if questions.contains(where: { label.hasPrefix($0 + " ") }) { return label.lowercasedFirst }
        return "the " + label.lowercasedFirst
    }
}
