import Civil
import Foundation

/// Which of a night's reporting times a resident missed. A reporting time belongs to the night the way a
/// curfew window does: at noon or later, the night's own date; before noon, the next morning. Days of the
/// week are those of the date the time falls on.
public enum ReportingCheck {
    /// A report counts from this long before the time.
    public static let early: TimeInterval = 30 * 60

    /// The instants of reporting times missed: no report from `early` before to `grace` after, while
    /// placed and not on an authorised absence, and only those whose grace has passed by `now`.
    public static func missed(
        times: [LocalTime], days: Set<Int>?, night: LocalDate, zone: TimeZone, placed: DateInterval,
        absences: [DateInterval], reports: [Date], grace: TimeInterval, now: Date
    ) -> [Date] {
        times.compactMap { time -> Date? in
            let date = CurfewNight.date(of: time, on: night)
            if let days, !days.contains(date.isoWeekday) { return nil }
            let due = Zone.instant(date, time, in: zone)
            guard placed.contains(due), !absences.contains(where: { $0.start <= due && due < $0.end }),
                now >= due.addingTimeInterval(grace)
            else { return nil }
            let met = reports.contains { $0 >= due.addingTimeInterval(-early) && $0 <= due.addingTimeInterval(grace) }
            return met ? nil : due
        }.sorted()
    }
}
