/// The one table of limits for every free-text field a client can send, by the field's name on the wire
/// (the last part of its path: `practitioner.name` is a `name`). The service refuses what breaks them
/// (422, naming the field and the limit), the database holds the same lengths as CHECK constraints
/// (sql/0018_text_limits.sql), and openapi.yaml publishes them as `maxLength` (a test holds the three
/// together).
///
/// Lengths count Unicode scalars, as PostgreSQL's `length()` counts characters.
public enum TextRule: Sendable, Equatable {
    /// One line: no control characters at all, no line or paragraph separators, no text-direction controls.
    case singleLine(max: Int)
    /// Several lines: new lines (LF) allowed, nothing else that is a control character or changes the
    /// direction of text (a CR is refused: send LF alone).
    case multiLine(max: Int)

    public var max: Int {
        switch self {
        case .singleLine(let max), .multiLine(let max): return max
        }
    }

    public var allowsNewLines: Bool {
        if case .multiLine = self { return true }
        return false
    }
}

/// What is wrong with a piece of text under its rule.
public enum TextFault: Sendable, Equatable {
    case tooLong(max: Int)
    /// A control character, a line break where one line is asked for, or a text-direction control.
    case hiddenCharacter
}

public enum TextRules {
    /// Every text field a request body can carry. A name not listed here gets `fallback`.
    public static let fields: [String: TextRule] = [
        // Names and short labels.
        "name": .singleLine(max: 200),
        "givenName": .singleLine(max: 200),
        "familyName": .singleLine(max: 200),
        "region": .singleLine(max: 200),
        "approvedByName": .singleLine(max: 200),
        "approvedByRole": .singleLine(max: 200),
        "location": .singleLine(max: 200),
        "destination": .singleLine(max: 500),
        "code": .singleLine(max: 20),
        "crn": .singleLine(max: 20),
        "timeZone": .singleLine(max: 64),
        "characteristics": .singleLine(max: 50),
        "phone": .singleLine(max: 50),
        "email": .singleLine(max: 254),
        "policeReference": .singleLine(max: 50),
        // Reasons, notes, plans and descriptions: several lines allowed.
        "reason": .multiLine(max: 500),
        "lateReason": .multiLine(max: 500),
        "note": .multiLine(max: 2_000),
        "notes": .multiLine(max: 4_000),
        "text": .multiLine(max: 4_000),
        "wording": .multiLine(max: 4_000),
        "action": .multiLine(max: 1_000),
        "contingencyPlan": .multiLine(max: 8_000),
        "description": .multiLine(max: 20_000),
        "immediateAction": .multiLine(max: 20_000),
    ]

    public static let fallback = TextRule.singleLine(max: 200)

    public static func rule(for field: String) -> TextRule { fields[field] ?? fallback }

    /// The first thing wrong with `text` under `rule`, or nil.
    public static func fault(in text: String, _ rule: TextRule) -> TextFault? {
        var count = 0
        for scalar in text.unicodeScalars {
            count += 1
            if isHidden(scalar, allowingNewLine: rule.allowsNewLines) { return .hiddenCharacter }
        }
        return count > rule.max ? .tooLong(max: rule.max) : nil
    }

    /// Control characters (C0, DEL, C1), line and paragraph separators, and the characters that change
    /// the direction of the text around them (marks, embeddings, overrides, isolates). Any of these can
    /// split or disguise a row of a terminal table or a page. LF alone is allowed where lines are.
    public static func isHidden(_ s: Unicode.Scalar, allowingNewLine: Bool) -> Bool {
        switch s.value {
        case 0x0A: return !allowingNewLine
        case 0x00...0x1F, 0x7F...0x9F: return true
        case 0x061C, 0x200E, 0x200F, 0x2028, 0x2029, 0x202A...0x202E, 0x2066...0x2069: return true
        default: return false
        }
    }

    /// `text` with every hidden character written out as `<U+202E>`, so that something that slipped past
    /// the rules (or was stored before them) shows what it is instead of acting on the screen. New lines
    /// are kept when `keepingNewLines`.
    public static func visible(_ text: String, keepingNewLines: Bool = false) -> String {
        guard text.unicodeScalars.contains(where: { isHidden($0, allowingNewLine: keepingNewLines) }) else {
            return text
        }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if isHidden(scalar, allowingNewLine: keepingNewLines) {
                out.append(contentsOf: "<U+\(hex(scalar.value))>".unicodeScalars)
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }

    static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
