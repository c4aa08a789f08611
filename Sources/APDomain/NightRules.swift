import Civil
import Foundation

/// What a curfew night is in time. A night is named by the local date it starts on and runs from noon to
/// noon: a window or reporting time before noon belongs to the night before (a 23:00-06:00 curfew that
/// started on Saturday is Saturday's night until Sunday noon). The one place that rule is written.
extension CurfewNight {
    /// Where one night gives way to the next, in the premises' local time.
    public static let boundary = LocalTime(hour: 12, minute: 0)!

    /// The date a local wall-clock `time` belongs to on `night`: the night's own date from noon, the next
    /// morning's before it.
    public static func date(of time: LocalTime, on night: LocalDate) -> LocalDate {
        time < boundary ? night.adding(days: 1) : night
    }

    /// The night in progress at `instant`: until noon, the night that started the day before.
    public static func current(at instant: Date, in zone: TimeZone) -> LocalDate {
        let local = Zone.local(instant, in: zone)
        return local.time < boundary ? local.date.adding(days: -1) : local.date
    }

    /// The night staff mean by "tonight" at `instant`: the one whose curfew (the premises' own) is in progress
    /// or next to begin. At 09:05, after a 23:00-06:00 curfew has ended, tonight is today's date's night; at
    /// 03:00 it is still the night that began yesterday. The handover, the API's `tonight` and `ap` use it;
    /// the check's own bookkeeping uses `current` (a night is checked until noon, when its grace has passed).
    public static func tonight(at instant: Date, in zone: TimeZone, baseline: CurfewWindow) -> LocalDate {
        let today = Zone.local(instant, in: zone).date
        let last = today.adding(days: -1)
        if let window = baseline.interval(on: last, in: zone), instant < window.end { return last }
        return today
    }

    /// The instants that hold every window of `night`, whatever its conditions: from noon on its date to noon
    /// two days later (a window starting before the next noon may run past it).
    public static func span(of night: LocalDate, in zone: TimeZone) -> DateInterval {
        DateInterval(
            start: Zone.instant(night, boundary, in: zone), end: Zone.instant(night.adding(days: 2), boundary, in: zone)
        )
    }

    /// What to say of `night` when the clocks change in it (from its noon to the next): "the clocks go forward
    /// (GMT to BST)", "the clocks go back (BST to GMT)"; nil on every other night.
    public static func clocksChange(on night: LocalDate, in zone: TimeZone) -> String? {
        let before = Zone.instant(night, boundary, in: zone)
        let after = Zone.instant(night.adding(days: 1), boundary, in: zone)
        let (a, b) = (zone.secondsFromGMT(for: before), zone.secondsFromGMT(for: after))
        if a == b { return nil }
        let names = "(\(Zone.abbreviation(at: before, in: zone)) to \(Zone.abbreviation(at: after, in: zone)))"
        return b > a ? "the clocks go forward \(names)" : "the clocks go back \(names)"
    }

    /// Whether every window of `night` has certainly ended by `instant`, so that a check then is its last word
    /// (the worker then reconciles the night).
    public static func isOver(_ night: LocalDate, at instant: Date, in zone: TimeZone) -> Bool {
        instant >= span(of: night, in: zone).end
    }
}

/// Which alerts go to the out-of-hours manager at once.
public enum Escalation {
    /// Absent overnight at high or very high risk of serious harm: the out-of-hours manager considers recall.
    public static func applies(to kind: AlertKind, rosh: RoSH) -> Bool {
        kind == .absentOvernight && rosh >= .high
    }
}
