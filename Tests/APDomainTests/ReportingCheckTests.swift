import APDomain
import Civil
import Foundation
import Testing

@Suite struct ReportingCheckTests {
    let london = TimeZone(identifier: "Europe/London")!
    func utc(_ s: String) -> Date { try! Date(s, strategy: .iso8601) }
    let placed = DateInterval(start: try! Date("2026-01-01T12:00:00Z", strategy: .iso8601), end: .distantFuture)
    func missed(
        _ times: [String], days: Set<Int>? = nil, reports: [String] = [], absences: [DateInterval] = [],
        now: String = "2026-01-17T12:00:00Z"
    ) -> [Date] {
        ReportingCheck.missed(
            times: times.map { LocalTime($0)! }, days: days, night: LocalDate("2026-01-15")!, zone: london,
            placed: placed,
            absences: absences, reports: reports.map(utc), grace: 15 * 60, now: utc(now))
    }

    @Test func reportingTimesBelongToTheNightByTheNoonRule() {
        // 18:00 is on the 15th; 10:00 is the next morning, the 16th.
        #expect(missed(["18:00", "10:00"]) == [utc("2026-01-15T18:00:00Z"), utc("2026-01-16T10:00:00Z")])
        #expect(missed(["18:00", "10:00"], reports: ["2026-01-15T17:40:00Z", "2026-01-16T10:15:00Z"]) == [])
        // too early to count
        #expect(missed(["18:00"], reports: ["2026-01-15T17:29:00Z"]) == [utc("2026-01-15T18:00:00Z")])
        // after the grace
        #expect(missed(["18:00"], reports: ["2026-01-15T18:16:00Z"]) == [utc("2026-01-15T18:00:00Z")])
    }

    @Test func daysPlacementAbsenceAndNow() {
        // The 16th is a Friday (5): a Friday-only 10:00 counts for the night of the 15th; a Thursday-only one does not.
        #expect(missed(["10:00"], days: [5]).count == 1)
        #expect(missed(["10:00"], days: [4]).isEmpty)
        #expect(missed(["18:00"], absences: [DateInterval(start: utc("2026-01-15T17:00:00Z"), duration: 7200)]).isEmpty)
        #expect(missed(["18:00"], now: "2026-01-15T18:10:00Z").isEmpty)  // still within the grace
        let late = ReportingCheck.missed(
            times: [LocalTime("18:00")!], days: nil, night: LocalDate("2026-01-15")!, zone: london,
            placed: DateInterval(start: utc("2026-01-15T20:00:00Z"), end: .distantFuture), absences: [],
            reports: [], grace: 900, now: utc("2026-01-17T12:00:00Z"))
        #expect(late.isEmpty)  // arrived after the time
    }
}
