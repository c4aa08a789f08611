/// A case reference number from the national case system: one letter and six digits (X320741).
public struct CRN: Hashable, Sendable, Codable, CustomStringConvertible {
    public let value: String

    /// Surrounding spaces are dropped and the letter is upper-cased, so "x320741 " is X320741.
    /// Nil for anything else.
    public init?(_ text: String) {
        let t = text.trimmingWhitespace().uppercased()
        let chars = Array(t.unicodeScalars)
        guard chars.count == 7, ("A"..."Z").contains(chars[0]),
            chars.dropFirst().allSatisfy({ ("0"..."9").contains($0) })
        else { return nil }
        value = t
    }

    private init(anonymised: Void) { value = "anonymised" }

    /// What an anonymised record's CRN reads (the retention policy): the person is no longer identified. No text
    /// typed as a CRN is ever this one; it is only read back from a stored record.
    public static let anonymised = CRN(anonymised: ())

    /// A CRN as stored: a real one, or `anonymised`.
    public init?(stored text: String) {
        if text == CRN.anonymised.value {
            self = .anonymised
        } else {
            self.init(text)
        }
    }

    public var description: String { value }
    public static let rule = "a CRN is one letter and six digits, like X320741"

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let crn = CRN(stored: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: CRN.rule))
        }
        self = crn
    }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(value)
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return String(s)
    }
}
