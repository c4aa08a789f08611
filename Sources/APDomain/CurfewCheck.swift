import Foundation

/// Which curfew breaches a resident's log shows on one night. No I/O: the caller brings the night's
/// curfew, the time the resident was placed, and the log.
public enum CurfewCheck {
    /// One entry of the log that counts (voided entries are left out by the caller).
    public struct Movement: Sendable, Equatable {
        public let id: UUID
        public let isOut: Bool
        public let at: Date
        public init(id: UUID, isOut: Bool, at: Date) {
            self.id = id
            self.isOut = isOut
            self.at = at
        }
    }

    public struct Breach: Sendable, Equatable {
        public let kind: AlertKind
        /// The entries it rests on: the sign-out that left the resident out.
        public let evidence: [UUID]
        public init(kind: AlertKind, evidence: [UUID]) {
            self.kind = kind
            self.evidence = evidence
        }
    }

    /// - Parameters:
    ///   - curfew: the night's curfew, as `CurfewNight.intervals` gives it (absences already cut out).
    ///   - absences: the authorised absences that night: a window that ends because one begins is not a
    ///     night spent absent.
    ///   - placed: from the arrival to the departure (or the end of time): the resident is checked only then.
    ///   - entries: the resident's log, oldest first, from the last entry before the night onwards.
    ///   - grace: how late counts as late.
    ///   - now: only what has happened by now is judged.
    ///
    /// Rules (DOMAIN.md, curfew breach): out when a window starts and still out when the grace period
    /// has passed is a late return; a sign-out after a window started is leaving during curfew; still
    /// out when the night's last window ends is absent overnight. Each kind at most once a night.
    public static func breaches(
        curfew: [DateInterval], absences: [DateInterval] = [], placed: DateInterval, entries: [Movement],
        grace: TimeInterval, now: Date
    ) -> [Breach] {
        let windows = curfew.compactMap { $0.intersection(with: placed) }.filter { $0.duration > 0 }
        var found: [AlertKind: [UUID]] = [:]

        /// The entry in force at `t` (nil: in, as on arrival).
        func state(at t: Date) -> Movement? { entries.last { $0.at <= t } }

        for (index, window) in windows.enumerated() {
            let lateAt = window.start.addingTimeInterval(grace)
            if lateAt < window.end, now >= lateAt, let atStart = state(at: window.start), atStart.isOut,
                let atLate = state(at: lateAt), atLate.isOut, atLate.id == atStart.id, found[.lateReturn] == nil
            {
                found[.lateReturn] = [atStart.id]
            }
            if let left = entries.first(where: {
                $0.isOut && $0.at > window.start && $0.at < window.end && $0.at <= now
            }), found[.leftDuringCurfew] == nil {
                found[.leftDuringCurfew] = [left.id]
            }
            if index == windows.count - 1, now >= window.end, window.end < placed.end,
                !absences.contains(where: { $0.start <= window.end && window.end < $0.end }),
                let atEnd = entries.last(where: { $0.at <= window.end }), atEnd.isOut
            {  // back at the very end is back
                found[.absentOvernight] = [atEnd.id]
            }
        }
        return AlertKind.allCases.compactMap { kind in found[kind].map { Breach(kind: kind, evidence: $0) } }
    }
}
