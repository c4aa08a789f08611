import APDomain
import Civil
import Foundation
import Testing

/// The night's rules (`CurfewNight.current`, `span`, `isOver`, `date(of:on:)`) and escalation, one case a row.
@Suite struct NightRulesTests {
    static let london = TimeZone(identifier: "Europe/London")!

    static func at(_ text: String) -> Date { try! Date(text, strategy: .iso8601) }

    @Test(arguments: [
        ("2026-11-30T11:59:00Z", "2026-11-29"),  // before noon: still last night
        ("2026-11-30T12:00:00Z", "2026-11-30"),  // noon: tonight begins
        ("2026-11-30T23:30:00Z", "2026-11-30"),
        ("2026-03-29T10:59:00Z", "2026-03-28"),  // 11:59 BST on the spring-forward Sunday
        ("2026-03-29T11:00:00Z", "2026-03-29"),  // 12:00 BST
        ("2026-10-25T11:59:00Z", "2026-10-24"),  // 11:59 GMT on the fall-back Sunday
        ("2026-10-25T12:00:00Z", "2026-10-25"),
    ])
    func theNightInProgress(instant: String, night: String) {
        #expect(CurfewNight.current(at: Self.at(instant), in: Self.london) == LocalDate(night))
    }

    @Test(arguments: [
        ("2026-11-28", 48.0),  // an ordinary weekend
        ("2026-03-28", 47.0),  // the clocks go forward within it
        ("2026-10-24", 49.0),  // the clocks go back within it
    ])
    func aNightsSpanRunsNoonToNoonTwoDaysLater(night: String, hours: Double) {
        let span = CurfewNight.span(of: LocalDate(night)!, in: Self.london)
        #expect(span.duration == hours * 3600)
        #expect(Zone.local(span.start, in: Self.london).time == LocalTime(hour: 12, minute: 0))
        #expect(CurfewNight.isOver(LocalDate(night)!, at: span.end, in: Self.london))
        #expect(!CurfewNight.isOver(LocalDate(night)!, at: span.end.addingTimeInterval(-1), in: Self.london))
    }

    @Test(arguments: [
        ("23:00", "2026-11-30"), ("12:00", "2026-11-30"), ("11:59", "2026-12-01"), ("06:00", "2026-12-01"),
    ])
    func aTimeBelongsToTheNightByTheNoonRule(time: String, date: String) {
        #expect(CurfewNight.date(of: LocalTime(time)!, on: LocalDate("2026-11-30")!) == LocalDate(date))
    }

    @Test(arguments: AlertKind.allCases.flatMap { kind in RoSH.allCases.map { (kind, $0) } })
    func onlyAbsentOvernightAtHighRiskIsEscalated(kind: AlertKind, rosh: RoSH) {
        #expect(
            Escalation.applies(to: kind, rosh: rosh)
                == (kind == .absentOvernight && (rosh == .high || rosh == .veryHigh)))
    }
}

/// `NightCheck.judge`: the night's evidence in, the breaches out, with no database.
@Suite struct NightCheckTests {
    static let london = TimeZone(identifier: "Europe/London")!
    static let night = LocalDate("2026-01-15")!

    static func at(_ text: String) -> Date { try! Date(text, strategy: .iso8601) }

    static func evidence(
        entries: [CurfewCheck.Movement] = [], reporting: [ReportingCondition] = [], absences: [DateInterval] = [],
        reports: [Date] = []
    ) -> NightCheck.Evidence {
        NightCheck.Evidence(
            night: night, zone: london, baseline: CurfewWindow(start: LocalTime("23:00")!, end: LocalTime("06:00")!)!,
            placed: DateInterval(start: at("2026-01-01T14:00:00Z"), end: .distantFuture), curfews: [],
            reporting: reporting,
            absences: absences, entries: entries, reports: reports)
    }

    @Test func outAllNightIsALateReturnAndAbsentOvernight() {
        let out = CurfewCheck.Movement(id: UUID(), isOut: true, at: Self.at("2026-01-15T20:00:00Z"))
        let found = NightCheck.judge(Self.evidence(entries: [out]), grace: 900, now: Self.at("2026-01-16T12:00:00Z"))
        #expect(found.map(\.kind).sorted { $0.rawValue < $1.rawValue } == [.absentOvernight, .lateReturn])
        #expect(found.allSatisfy { $0.evidence == [out.id] })
    }

    @Test func anAbsenceOverTheNightExcusesItAndAnAbsenceOnAnotherNightDoesNot() {
        let out = CurfewCheck.Movement(id: UUID(), isOut: true, at: Self.at("2026-01-15T20:00:00Z"))
        let covering = DateInterval(start: Self.at("2026-01-15T19:00:00Z"), end: Self.at("2026-01-16T10:00:00Z"))
        let elsewhere = DateInterval(start: Self.at("2026-01-20T19:00:00Z"), end: Self.at("2026-01-21T10:00:00Z"))
        #expect(
            NightCheck.judge(
                Self.evidence(entries: [out], absences: [covering]), grace: 900, now: Self.at("2026-01-16T12:00:00Z")
            ).isEmpty)
        #expect(
            NightCheck.judge(
                Self.evidence(entries: [out], absences: [elsewhere]), grace: 900, now: Self.at("2026-01-16T12:00:00Z")
            ).count == 2)
    }

    @Test func missedReportingIsOneFindingHoweverManyTimesWereMissed() {
        let twice = ReportingCondition(
            times: [LocalTime("13:00")!, LocalTime("18:00")!], from: LocalDate("2026-01-01")!)
        let found = NightCheck.judge(
            Self.evidence(reporting: [twice]), grace: 900, now: Self.at("2026-01-16T12:00:00Z"))
        #expect(found == [CurfewCheck.Breach(kind: .missedReporting, evidence: [])])
        let ended = ReportingCondition(times: [LocalTime("13:00")!], from: LocalDate("2026-01-01")!, until: Self.night)
        #expect(
            NightCheck.judge(Self.evidence(reporting: [ended]), grace: 900, now: Self.at("2026-01-16T12:00:00Z"))
                .isEmpty)
    }
}

/// `MovementRules`: what a new movement may say about time, one case a row.
@Suite struct MovementRulesTests {
    static let now = try! Date("2026-11-30T22:00:00Z", strategy: .iso8601)

    @Test(arguments: [
        (MovementKind.out, 0.0, nil as String?, nil as MovementRules.Refusal?),
        (.in, -300, nil, nil),  // exactly five minutes ago: not yet late
        (.in, -301, nil, .lateWithoutReason),
        (.in, -301, "  ", .lateWithoutReason),
        (.in, -3600, "was on a call", nil),
        (.out, 60, nil, nil),  // within the clocks' margin
        (.out, 61, nil, .inFuture),
        (.void, 0, nil, .voidIsACorrection),
    ])
    func aNewMovementsTime(kind: MovementKind, offset: Double, reason: String?, refusal: MovementRules.Refusal?) {
        #expect(
            MovementRules.refusal(
                kind: kind, at: Self.now.addingTimeInterval(offset), now: Self.now, lateReason: reason) == refusal)
    }
}

/// `CurfewNight.tonight`: the night whose curfew is in progress or next to begin, one case a row.
@Suite struct TonightTests {
    static let london = TimeZone(identifier: "Europe/London")!
    static let baseline = CurfewWindow(start: LocalTime("23:00")!, end: LocalTime("06:00")!)!

    @Test(arguments: [
        ("2026-11-30T03:00:00Z", "2026-11-29"),  // in last night's curfew
        ("2026-11-30T05:59:00Z", "2026-11-29"),
        ("2026-11-30T06:00:00Z", "2026-11-30"),  // it has ended: tonight's is next
        ("2026-11-30T09:05:00Z", "2026-11-30"),  // the finding: the handover said last night here
        ("2026-11-30T23:30:00Z", "2026-11-30"),
        ("2026-03-29T04:30:00Z", "2026-03-28"),  // 05:30 BST, the morning the clocks went forward
        ("2026-03-29T05:00:00Z", "2026-03-29"),  // 06:00 BST
        ("2026-10-25T05:59:00Z", "2026-10-24"),  // 05:59 GMT, the morning the clocks went back
    ])
    func tonightIsTheNightWhoseCurfewIsOnOrNext(instant: String, night: String) {
        let at = try! Date(instant, strategy: .iso8601)
        #expect(CurfewNight.tonight(at: at, in: Self.london, baseline: Self.baseline) == LocalDate(night))
    }
}
