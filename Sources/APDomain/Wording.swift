import Civil
import Foundation

/// Ranges of nights said so that nobody can misread them. A condition's end is the first night it no longer
/// applies (as in the API): "until 30 Nov" alone reads as inclusive, so its last night is said beside it.
public enum Wording {
    /// "from 1 Mar; until 30 Nov: last night 29 Nov", or "from 1 Mar, with no end".
    public static func nights(from start: LocalDate, until end: LocalDate?) -> String {
        guard let end else { return "from \(start.dayAndMonth), with no end" }
        return "from \(start.dayAndMonth); \(until(end))"
    }

    /// "until 30 Nov: last night 29 Nov".
    public static func until(_ end: LocalDate) -> String {
        "until \(end.dayAndMonth): last night \(end.adding(days: -1).dayAndMonth)"
    }

    /// A placement's expected stay: "1 Dec to 15 Dec, 14 nights" (the second date is the morning they leave).
    public static func stay(from arrival: LocalDate, to departure: LocalDate) -> String {
        let n = Nights(from: arrival, to: departure)?.count ?? 0
        return "\(arrival.dayAndMonth) to \(departure.dayAndMonth), \(n) night\(n == 1 ? "" : "s")"
    }
}
