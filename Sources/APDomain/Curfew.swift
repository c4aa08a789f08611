import Civil
import Foundation

/// "Between HH:MM and HH:MM", in the premises' wall-clock time.
///
/// A curfew night is named by the date it starts and runs from noon that day to noon the next. A
/// window starting at noon or later starts on the night's own date; one starting before noon starts
/// the next morning (01:00 to 05:00 on the night of the 28th is the early hours of the 29th). A window
/// whose end is not after its start ends the next day (23:00 to 06:00).
public struct CurfewWindow: Hashable, Sendable, Codable, CustomStringConvertible {
    public let start: LocalTime
    public let end: LocalTime

    /// Nil when start and end are the same time (a window of no length, or of all day: say which).
    public init?(start: LocalTime, end: LocalTime) {
        guard start != end, start.microsecondsSinceMidnight < LocalTime.microsecondsPerDay,
            end.microsecondsSinceMidnight < LocalTime.microsecondsPerDay
        else { return nil }
        self.start = start
        self.end = end
    }

    public var description: String { "\(start)-\(end)" }

    /// The window's instants on `night`.
    func interval(on night: LocalDate, in zone: TimeZone) -> DateInterval? {
        let startDate = CurfewNight.date(of: start, on: night)
        let endDate = end > start ? startDate : startDate.adding(days: 1)
        let from = Zone.instant(startDate, start, in: zone)
        let to = Zone.instant(endDate, end, in: zone)
        return to > from ? DateInterval(start: from, end: to) : nil  // a window inside a skipped hour has no length
    }
}

/// The curfew part of a licence condition: one to three windows, on every night or on some days of
/// the week (ISO: 1 Monday to 7 Sunday, the weekday of the date the night starts), in force on the
/// nights from `from` up to but not including `until`.
public struct CurfewCondition: Hashable, Sendable, Codable {
    public let windows: [CurfewWindow]
    public let days: Set<Int>?
    public let from: LocalDate
    public let until: LocalDate?

    public enum Problem: Error, Equatable, Sendable, CustomStringConvertible {
        case windowCount, badDay, endsBeforeStart
        public var description: String {
            switch self {
            case .windowCount: "a curfew has one to three windows"
            case .badDay: "days of the week are 1 (Monday) to 7 (Sunday)"
            case .endsBeforeStart: "a curfew ends after the night it starts"
            }
        }
    }

    public init(windows: [CurfewWindow], days: Set<Int>? = nil, from: LocalDate, until: LocalDate? = nil)
        throws(Problem)
    {
        guard (1...3).contains(windows.count) else { throw .windowCount }
        if let days, days.isEmpty || !days.allSatisfy((1...7).contains) { throw .badDay }
        if let until, until <= from { throw .endsBeforeStart }
        self.windows = windows
        self.days = days
        self.from = from
        self.until = until
    }

    public func applies(on night: LocalDate) -> Bool {
        guard from <= night, until.map({ night < $0 }) ?? true else { return false }
        return days?.contains(night.isoWeekday) ?? true
    }
}

public enum CurfewNight {
    /// A resident's curfew on `night`, as the instants they must be in: the union of the premises'
    /// baseline window and every curfew condition in force that night, less the authorised absences.
    /// Sorted, disjoint, none empty; touching windows are joined into one.
    public static func intervals(
        night: LocalDate, baseline: CurfewWindow, conditions: [CurfewCondition],
        absences: [DateInterval], zone: TimeZone
    ) -> [DateInterval] {
        var windows = [baseline.interval(on: night, in: zone)].compactMap { $0 }
        for condition in conditions where condition.applies(on: night) {
            windows += condition.windows.compactMap { $0.interval(on: night, in: zone) }
        }
        return subtract(absences, from: union(windows))
    }

    /// Joins overlapping and touching intervals.
    static func union(_ intervals: [DateInterval]) -> [DateInterval] {
        var out: [DateInterval] = []
        for i in intervals.sorted(by: { $0.start < $1.start }) {
            if let last = out.last, i.start <= last.end {
                out[out.count - 1] = DateInterval(start: last.start, end: max(last.end, i.end))
            } else {
                out.append(i)
            }
        }
        return out
    }

    /// What is left of `intervals` outside every one of `holes`.
    static func subtract(_ holes: [DateInterval], from intervals: [DateInterval]) -> [DateInterval] {
        var pieces = intervals
        for hole in holes {
            pieces = pieces.flatMap { piece -> [DateInterval] in
                guard hole.start < piece.end, piece.start < hole.end else { return [piece] }
                var kept: [DateInterval] = []
                if piece.start < hole.start { kept.append(DateInterval(start: piece.start, end: hole.start)) }
                if hole.end < piece.end { kept.append(DateInterval(start: hole.end, end: piece.end)) }
                return kept
            }
        }
        return pieces
    }
}
