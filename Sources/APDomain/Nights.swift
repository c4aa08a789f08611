import Civil

/// A half-open range of nights [from, to): a night is named by the date it starts, and `to` is the
/// morning of leaving, so a stay from Monday to Wednesday occupies the nights of Monday and Tuesday.
public struct Nights: Hashable, Sendable, Codable, CustomStringConvertible {
    public let from: LocalDate
    public let to: LocalDate

    /// Nil when `to` is not after `from` (an empty or backwards range).
    public init?(from: LocalDate, to: LocalDate) {
        guard to > from else { return nil }
        self.from = from
        self.to = to
    }

    public var count: Int { from.days(until: to) }
    public func contains(_ night: LocalDate) -> Bool { from <= night && night < to }
    public func overlaps(_ other: Nights) -> Bool { from < other.to && other.from < to }
    public var description: String { "[\(from), \(to))" }
    public var nights: [LocalDate] { (0..<count).map { from.adding(days: $0) } }
}
