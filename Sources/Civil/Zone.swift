import Foundation

/// The one place where a local date and wall-clock time become an instant, and back.
///
/// The rule for local times a clock change makes odd (documented once, used everywhere):
/// - a time that does not exist (01:30 on a spring-forward night in Europe/London, when the clocks jump
///   from 01:00 to 02:00) is the instant of the jump: the first moment the clock shows that time or
///   later (02:00 BST, 01:00 UTC);
/// - a time that exists twice (01:30 on a fall-back night) is the earlier of the two (BST).
/// So a curfew never starts later than the wall-clock time staff were told. A window lying wholly
/// inside the skipped hour has no length that night.
public enum Zone {
    public static func instant(_ date: LocalDate, _ time: LocalTime, in zone: TimeZone) -> Date {
        // Seconds since 1970 the wall-clock reading would be if the zone were UTC.
        let wall = Double(Int64(date.daysSince1970) * 86_400) + Double(time.microsecondsSinceMidnight) / 1_000_000
        // Offsets in force around that reading (a day either side spans any transition).
        let before = Double(zone.secondsFromGMT(for: Date(timeIntervalSince1970: wall - 86_400)))
        let after = Double(zone.secondsFromGMT(for: Date(timeIntervalSince1970: wall + 86_400)))
        // Candidates: the wall reading under each offset; keep those that read back as the same wall time.
        let candidates = Set([wall - before, wall - after]).sorted()
        for t in candidates where Double(zone.secondsFromGMT(for: Date(timeIntervalSince1970: t))) + t == wall {
            return Date(timeIntervalSince1970: t)  // the earlier one when the time exists twice
        }
        // In a gap: the jump happens after the reading taken with the later (larger) offset.
        let early = Date(timeIntervalSince1970: wall - max(before, after))
        return zone.nextDaylightSavingTimeTransition(after: early) ?? Date(timeIntervalSince1970: wall - before)
    }

    /// The local date and wall-clock time an instant shows in a zone.
    public static func local(_ instant: Date, in zone: TimeZone) -> (date: LocalDate, time: LocalTime) {
        let us =
            Int64((instant.timeIntervalSince1970 * 1_000_000).rounded()) + Int64(zone.secondsFromGMT(for: instant))
            * 1_000_000
        let day =
            us >= 0
            ? us / LocalTime.microsecondsPerDay : (us - LocalTime.microsecondsPerDay + 1) / LocalTime.microsecondsPerDay
        let rest = us - day * LocalTime.microsecondsPerDay
        return (LocalDate(daysSince1970: Int32(day)), LocalTime(microsecondsSinceMidnight: rest)!)
    }
}
