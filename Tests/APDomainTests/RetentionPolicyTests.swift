import APDomain
import Civil
import Foundation
import Testing

/// The retention policy as a file states it, and the instant it makes the line between due and not.
@Suite struct RetentionPolicyTests {
    static let london = TimeZone(identifier: "Europe/London")!

    static func read(_ text: String) -> Result<RetentionPolicy, RetentionPolicy.Problem> {
        RetentionPolicy.read(Data(text.utf8))
    }

    @Test func aFileSaysHowManyYearsAndNothingElse() throws {
        #expect(try Self.read(#"{"anonymiseResidentsAfterYears": 6}"#).get().anonymiseResidentsAfterYears == 6)
        let refused = [
            (#"{"anonymiseResidentAfterYears": 6}"#, "unknown setting anonymiseResidentAfterYears"),
            (#"{"anonymiseResidentsAfterYears": 6, "also": 1}"#, "unknown setting also"),
            (#"{"anonymiseResidentsAfterYears": 0}"#, "from 1 to 100"),
            (#"{"anonymiseResidentsAfterYears": 6.5}"#, "whole number"),
            (#"{"anonymiseResidentsAfterYears": "6"}"#, "whole number"),
            (#"{"anonymiseResidentsAfterYears": true}"#, "whole number"),
            (#"{}"#, "whole number"),
            ("6", "not a JSON object"),
            ("", "not a JSON object"),
        ]
        for (text, says) in refused {
            switch Self.read(text) {
            case .success(let p): Issue.record("\(text) read as \(p)")
            case .failure(let problem): #expect(problem.description.contains(says), "\(text): \(problem)")
            }
        }
    }

    @Test func theCutoffIsTheStartOfTodayTheYearsBack() {
        let six = RetentionPolicy(anonymiseResidentsAfterYears: 6)!
        // 30 November 2026 at 10:00 in London: due if they left before midnight starting 30 November 2020.
        let now = Zone.instant(
            LocalDate(year: 2026, month: 11, day: 30)!, LocalTime(hour: 10, minute: 0)!, in: Self.london)
        #expect(six.cutoff(now: now, zone: Self.london) == ISO8601DateFormatter().date(from: "2020-11-30T00:00:00Z"))
        // In summer time the local midnight is 23:00 the day before in UTC.
        let june = Zone.instant(
            LocalDate(year: 2026, month: 6, day: 15)!, LocalTime(hour: 0, minute: 30)!, in: Self.london)
        #expect(six.cutoff(now: june, zone: Self.london) == ISO8601DateFormatter().date(from: "2020-06-14T23:00:00Z"))
        // 29 February has no anniversary in most years: the 28th.
        let leap = Zone.instant(
            LocalDate(year: 2028, month: 2, day: 29)!, LocalTime(hour: 9, minute: 0)!, in: Self.london)
        let one = RetentionPolicy(anonymiseResidentsAfterYears: 1)!
        #expect(one.cutoff(now: leap, zone: Self.london) == ISO8601DateFormatter().date(from: "2027-02-28T00:00:00Z"))
        #expect(RetentionPolicy(anonymiseResidentsAfterYears: 101) == nil)
    }
}
