import Civil
import Foundation

/// A reporting condition as the check reads it: times to report to staff, on every night or on some days
/// of the week, in force on the nights from `from` up to but not including `until`.
public struct ReportingCondition: Hashable, Sendable {
    public let times: [LocalTime]
    public let days: Set<Int>?
    public let from: LocalDate
    public let until: LocalDate?

    public init(times: [LocalTime], days: Set<Int>? = nil, from: LocalDate, until: LocalDate? = nil) {
        self.times = times
        self.days = days
        self.from = from
        self.until = until
    }

    /// In force on `night` (its days of the week are those of each time's own date: see `ReportingCheck`).
    public func inForce(on night: LocalDate) -> Bool { from <= night && (until.map { night < $0 } ?? true) }
}

/// One resident's night as judged: every breach of curfew, and one missed-reporting finding however many
/// reporting times were missed. Pure: the store loads the evidence, this judges it, the store saves the
/// alerts (`CurfewCheckStore.check`).
public enum NightCheck {
    /// Everything about one placement's night that the judgement rests on.
    public struct Evidence: Sendable {
        public var night: LocalDate
        public var zone: TimeZone
        public var baseline: CurfewWindow
        /// When the resident was placed (arrival to departure, or on).
        public var placed: DateInterval
        public var curfews: [CurfewCondition]
        public var reporting: [ReportingCondition]
        /// Authorised absences; those outside the night's span are ignored.
        public var absences: [DateInterval]
        /// The entry in force before the night's span, then the span's own, in order.
        public var entries: [CurfewCheck.Movement]
        public var reports: [Date]

        public init(
            night: LocalDate, zone: TimeZone, baseline: CurfewWindow, placed: DateInterval, curfews: [CurfewCondition],
            reporting: [ReportingCondition], absences: [DateInterval], entries: [CurfewCheck.Movement], reports: [Date]
        ) {
            self.night = night
            self.zone = zone
            self.baseline = baseline
            self.placed = placed
            self.curfews = curfews
            self.reporting = reporting
            self.absences = absences
            self.entries = entries
            self.reports = reports
        }
    }

    /// What `evidence` shows by `now`, with `grace` allowed after each time.
    public static func judge(_ e: Evidence, grace: TimeInterval, now: Date) -> [CurfewCheck.Breach] {
        let span = CurfewNight.span(of: e.night, in: e.zone)
        let away = e.absences.filter { $0.intersects(span) }
        let curfew = CurfewNight.intervals(
            night: e.night, baseline: e.baseline, conditions: e.curfews, absences: away, zone: e.zone)
        var found = CurfewCheck.breaches(
            curfew: curfew, absences: away, placed: e.placed, entries: e.entries, grace: grace, now: now)
        let missed = e.reporting.filter { $0.inForce(on: e.night) }.flatMap { r in
            ReportingCheck.missed(
                times: r.times, days: r.days, night: e.night, zone: e.zone, placed: e.placed, absences: away,
                reports: e.reports, grace: grace, now: now)
        }
        if !missed.isEmpty { found.append(CurfewCheck.Breach(kind: .missedReporting, evidence: [])) }
        return found
    }
}
