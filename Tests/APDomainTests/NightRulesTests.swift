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

    @Test(arguments: [("23:00", "2026-11-30"), ("12:00", "2026-11-30"), ("11:59", "2026-12-01"), ("06:00", "2026-12-01")])
    func aTimeBelongsToTheNightByTheNoonRule(time: String, date: String) {
        #expect(CurfewNight.date(of: LocalTime(time)!, on: LocalDate("2026-11-30")!) == LocalDate(date))
    }

    @Test(arguments: AlertKind.allCases.flatMap { kind in RoSH.allCases.map { (kind, $0) } })
    func onlyAbsentOvernightAtHighRiskIsEscalated(kind: AlertKind, rosh: RoSH) {
        #expect(Escalation.applies(to: kind, rosh: rosh) == (kind == .absentOvernight && (rosh == .high || rosh == .veryHigh)))
    }
}
