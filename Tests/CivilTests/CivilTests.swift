import Civil
import Foundation
import Testing

@Suite struct LocalDateTests {
    @Test func agreesWithFoundationsGregorianCalendarOverCenturies() {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        // Every 37th day from 1600 to 2400: month lengths, leap years and century rules.
        for days in stride(from: -135_140, through: 156_998, by: 37) {
            let date = LocalDate(daysSince1970: Int32(days))
            let parts = calendar.dateComponents(
                [.year, .month, .day, .weekday], from: Date(timeIntervalSince1970: Double(days) * 86_400))
            #expect(date.year == parts.year && date.month == parts.month && date.day == parts.day)
            #expect(LocalDate(year: date.year, month: date.month, day: date.day) == date)
            // Foundation: 1 is Sunday; ISO: 7 is Sunday.
            #expect(date.isoWeekday == (parts.weekday! + 5) % 7 + 1)
        }
    }

    @Test func knownDates() {
        #expect(LocalDate(daysSince1970: 0).description == "1970-01-01")
        #expect(LocalDate("2026-11-24")?.isoWeekday == 2)  // a Tuesday
        #expect(LocalDate("2026-03-28")?.isoWeekday == 6)  // the Saturday before the clocks go forward
        #expect(LocalDate("2000-02-29") != nil)
        #expect(LocalDate("1900-02-29") == nil)  // not a leap year
        #expect(LocalDate("2026-02-30") == nil)
        #expect(LocalDate("0001-01-01")?.adding(days: -1).description == "0000-12-31")
        #expect(LocalDate("2026-12-31")!.adding(days: 1).description == "2027-01-01")
        #expect(LocalDate("2026-01-01")!.days(until: LocalDate("2027-01-01")!) == 365)
    }

    @Test func rejectsMalformedText() {
        for text in [
            "", "2026-1-01", "2026-01-1", "26-01-01", "2026/01/01", "2026-13-01", "2026-00-10", "2026-01-32",
            "２０２６-01-01", "2026-01-01T00:00",
        ] {
            #expect(LocalDate(text) == nil, "\(text)")
        }
    }
}

@Suite struct LocalTimeTests {
    @Test func parsesAndPrints() {
        #expect(LocalTime("23:00")?.description == "23:00")
        #expect(LocalTime("06:30:15")?.description == "06:30:15")
        #expect(LocalTime("00:00:00.5")?.microsecond == 500_000)
        #expect(LocalTime("23:59:59.999999")?.description == "23:59:59.999999")
        for text in ["24:00", "7:00", "07:60", "07:00:60", "07", "07:00:00.1234567", "", "ab:cd"] {
            #expect(LocalTime(text) == nil, "\(text)")
        }
        #expect(LocalTime("07:00")! < LocalTime("23:00")!)
    }
}

@Suite struct ZoneTests {
    let london = TimeZone(identifier: "Europe/London")!
    func utc(_ text: String) -> Date { try! Date(text, strategy: .iso8601) }
    func at(_ date: String, _ time: String) -> Date { Zone.instant(LocalDate(date)!, LocalTime(time)!, in: london) }

    @Test func ordinaryWinterAndSummerTimes() {
        #expect(at("2026-01-15", "23:00") == utc("2026-01-15T23:00:00Z"))
        #expect(at("2026-07-01", "23:00") == utc("2026-07-01T22:00:00Z"))
    }

    /// The night of 28 to 29 March 2026: 23:00 to 06:00 lasts six hours.
    @Test func springForwardNight() {
        let start = at("2026-03-28", "23:00")
        let end = at("2026-03-29", "06:00")
        #expect(start == utc("2026-03-28T23:00:00Z"))
        #expect(end == utc("2026-03-29T05:00:00Z"))
        #expect(end.timeIntervalSince(start) == 6 * 3600)
        // 01:00 to 01:59 do not exist that night: each is the jump itself, 02:00 BST (01:00 UTC).
        #expect(at("2026-03-29", "01:30") == utc("2026-03-29T01:00:00Z"))
        #expect(at("2026-03-29", "01:00") == utc("2026-03-29T01:00:00Z"))
        #expect(at("2026-03-29", "01:59") == utc("2026-03-29T01:00:00Z"))
        #expect(at("2026-03-29", "00:59") == utc("2026-03-29T00:59:00Z"))
        #expect(at("2026-03-29", "02:00") == utc("2026-03-29T01:00:00Z"))
        // 2027: the night of 27 to 28 March.
        #expect(at("2027-03-28", "06:00").timeIntervalSince(at("2027-03-27", "23:00")) == 6 * 3600)
    }

    /// The night of 24 to 25 October 2026: 23:00 to 06:00 lasts eight hours.
    @Test func fallBackNight() {
        let start = at("2026-10-24", "23:00")
        let end = at("2026-10-25", "06:00")
        #expect(start == utc("2026-10-24T22:00:00Z"))
        #expect(end == utc("2026-10-25T06:00:00Z"))
        #expect(end.timeIntervalSince(start) == 8 * 3600)
        // 01:30 happens twice that night: the earlier one (BST) is meant.
        #expect(at("2026-10-25", "01:30") == utc("2026-10-25T00:30:00Z"))
        #expect(at("2026-10-25", "02:00") == utc("2026-10-25T02:00:00Z"))
        #expect(at("2027-10-31", "06:00").timeIntervalSince(at("2027-10-30", "23:00")) == 8 * 3600)
    }

    @Test func localIsTheInverseForTimesThatExistOnce() {
        for (instant, date, time) in [
            ("2026-03-29T01:30:00Z", "2026-03-29", "02:30"), ("2026-10-25T00:30:00Z", "2026-10-25", "01:30"),
            ("2026-10-25T01:30:00Z", "2026-10-25", "01:30"),
            // 1968 to 1971 Britain kept GMT+1 all winter (British Standard Time).
            ("1969-12-31T23:59:00Z", "1970-01-01", "00:59"), ("1960-06-01T12:00:00Z", "1960-06-01", "13:00"),
        ] {
            let local = Zone.local(utc(instant), in: london)
            #expect(local.date == LocalDate(date) && local.time == LocalTime(time), "\(instant)")
        }
    }
}

@Suite struct TextCodableTests {
    struct Window: Codable, Equatable {
        let night: LocalDate
        let start: LocalTime
    }
    @Test func jsonIsTheISOText() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = try encoder.encode(Window(night: LocalDate("2026-03-28")!, start: LocalTime("23:00")!))
        #expect(String(decoding: json, as: UTF8.self) == #"{"night":"2026-03-28","start":"23:00"}"#)
        #expect(
            try JSONDecoder().decode(Window.self, from: json)
                == Window(night: LocalDate("2026-03-28")!, start: LocalTime("23:00")!))
        let bad = #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(Window.self, from: Data(#"{"night":"28/03/2026","start":"23:00"}"#.utf8))
        }
        if case .dataCorrupted(let context)? = bad {
            #expect(context.debugDescription == "expected a date as YYYY-MM-DD")
        } else {
            Issue.record("wrong error")
        }
    }
}
