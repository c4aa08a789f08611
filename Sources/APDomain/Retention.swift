import Civil
import Foundation

/// How long a resident's personal details are kept after they last left (UK GDPR article 5(1)(e): no longer than
/// is needed). The organisation decides it and writes it in a file (ops/retention.json is the example); the
/// software only applies it, and says what it would do before it does it.
public struct RetentionPolicy: Sendable, Equatable {
    /// Whole years after a resident last left (their last departure, non-arrival or cancellation; for someone never
    /// placed, when they were added) before their personal details are anonymised.
    public var anonymiseResidentsAfterYears: Int

    public static let years = 1...100
    static let key = "anonymiseResidentsAfterYears"

    public init?(anonymiseResidentsAfterYears years: Int) {
        guard Self.years.contains(years) else { return nil }
        anonymiseResidentsAfterYears = years
    }

    /// The policy written in a file, or what is wrong with the file, said so that it can be put right. A key it does
    /// not know is refused rather than ignored: a misspelt rule must not quietly leave the default in force.
    public static func read(_ data: Data) -> Result<RetentionPolicy, Problem> {
        guard let object = try? JSONSerialization.jsonObject(with: data), let fields = object as? [String: Any] else {
            return .failure(Problem("the policy is not a JSON object: write it like {\"\(key)\": 6}"))
        }
        let unknown = fields.keys.filter { $0 != key }.sorted()
        guard unknown.isEmpty else {
            return .failure(Problem("unknown setting \(unknown.joined(separator: ", ")): the policy has only \(key)"))
        }
        struct File: Decodable { let anonymiseResidentsAfterYears: Int }
        guard let file = try? JSONDecoder().decode(File.self, from: data),
            let policy = RetentionPolicy(anonymiseResidentsAfterYears: file.anonymiseResidentsAfterYears)
        else {
            return .failure(
                Problem("\(key) must be a whole number of years from \(years.lowerBound) to \(years.upperBound)"))
        }
        return .success(policy)
    }

    /// Residents who last left before this instant are due: the start of today where the premises are, the
    /// policy's years back (29 February falls back to the 28th).
    public func cutoff(now: Date, zone: TimeZone) -> Date {
        let today = Zone.local(now, in: zone).date
        let year = today.year - anonymiseResidentsAfterYears
        let day = min(today.day, LocalDate.daysIn(month: today.month, year: year))
        return Zone.instant(
            LocalDate(year: year, month: today.month, day: day)!, LocalTime(hour: 0, minute: 0)!, in: zone)
    }

    /// The policy as the retention run records it (the same JSON it is read from).
    public var json: String { "{\"\(Self.key)\": \(anonymiseResidentsAfterYears)}" }

    public struct Problem: Error, Equatable, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
    }
}
