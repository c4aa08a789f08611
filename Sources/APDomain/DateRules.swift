import Civil
import Foundation

/// The dates and instants the records accept. Outside them a value is a typing slip (a year 9999, a
/// birth in 1066), never a fact about a resident, so it is refused with a sentence rather than stored.
public enum DateRules {
    /// The first and last dates any record holds (birth dates included).
    public static let earliest = LocalDate(year: 1900, month: 1, day: 1)!
    public static let latest = LocalDate(year: 2099, month: 12, day: 31)!
    /// Instants from the start of `earliest` to the end of `latest`, in UTC (a day's slack either side of
    /// any zone's local dates does not matter at these bounds).
    public static let earliestInstant = Date(timeIntervalSince1970: -2_208_988_800)  // 1900-01-01T00:00:00Z
    public static let latestInstant = Date(timeIntervalSince1970: 4_102_444_800)  // 2100-01-01T00:00:00Z
    /// How far ahead of the service's clock something that happened may be recorded as happening
    /// (clocks on staff devices differ by seconds, not minutes).
    public static let eventMargin: TimeInterval = 60
    /// Placements are booked at most this many days ahead (arrival and departure alike).
    public static let bookingHorizonDays = 3 * 366

    /// What is wrong with a date in a field, or nil.
    public static func fault(in date: LocalDate, field: String, today: LocalDate) -> String? {
        guard date >= earliest && date <= latest else {
            return "\(field) must be between \(earliest) and \(latest)"
        }
        switch field {
        case "dateOfBirth":
            return date > today ? "a date of birth cannot be in the future: check it" : nil
        case "expectedArrival", "expectedDeparture":
            guard date > today.adding(days: bookingHorizonDays) else { return nil }
            return "\(field) is more than three years ahead: placements are booked at most three years ahead"
        default:
            return nil
        }
    }

    /// What is wrong with an instant in a field, or nil.
    public static func fault(in instant: Date, field: String) -> String? {
        guard instant >= earliestInstant && instant < latestInstant else {
            return "\(field) must be between \(earliest) and \(latest)"
        }
        return nil
    }
}
