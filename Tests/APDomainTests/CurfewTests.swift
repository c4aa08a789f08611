import APDomain
import Civil
import Foundation
import Testing

@Suite struct CurfewNightTests {
    let london = TimeZone(identifier: "Europe/London")!
    func t(_ s: String) -> LocalTime { LocalTime(s)! }
    func d(_ s: String) -> LocalDate { LocalDate(s)! }
    func w(_ a: String, _ b: String) -> CurfewWindow { CurfewWindow(start: t(a), end: t(b))! }
    func utc(_ s: String) -> Date { try! Date(s, strategy: .iso8601) }
    func span(_ a: String, _ b: String) -> DateInterval { DateInterval(start: utc(a), end: utc(b)) }
    var baseline: CurfewWindow { w("23:00", "06:00") }

    func night(
        _ date: String, _ conditions: [CurfewCondition] = [], absences: [DateInterval] = [],
        baseline: CurfewWindow? = nil
    ) -> [DateInterval] {
        CurfewNight.intervals(
            night: d(date), baseline: baseline ?? self.baseline, conditions: conditions, absences: absences,
            zone: london)
    }

    @Test func baselineOnOrdinaryNights() {
        #expect(night("2026-01-15") == [span("2026-01-15T23:00:00Z", "2026-01-16T06:00:00Z")])
        #expect(night("2026-07-01") == [span("2026-07-01T22:00:00Z", "2026-07-02T05:00:00Z")])
        #expect(
            night("2026-07-01", baseline: w("23:00", "07:00")) == [span("2026-07-01T22:00:00Z", "2026-07-02T06:00:00Z")]
        )
    }

    @Test func clockChangeNightsOf2026And2027() {
        #expect(night("2026-03-28").map(\.duration) == [6 * 3600])
        #expect(night("2026-03-28") == [span("2026-03-28T23:00:00Z", "2026-03-29T05:00:00Z")])
        #expect(night("2026-10-24").map(\.duration) == [8 * 3600])
        #expect(night("2026-10-24") == [span("2026-10-24T22:00:00Z", "2026-10-25T06:00:00Z")])
        #expect(night("2027-03-27").map(\.duration) == [6 * 3600])
        #expect(night("2027-10-30").map(\.duration) == [8 * 3600])
        // The nights either side are ordinary seven-hour nights.
        #expect(night("2026-03-27").map(\.duration) == [7 * 3600] && night("2026-03-29").map(\.duration) == [7 * 3600])
    }

    @Test func timesThatDoNotExistOrExistTwice() throws {
        // Spring forward: 01:30 does not exist; a window starting then starts at the jump (02:00 BST, 01:00 UTC).
        let late = try CurfewCondition(windows: [w("01:30", "05:00")], from: d("2026-03-01"))
        #expect(
            night("2026-03-28", [late], baseline: w("12:00", "12:30")) == [
                span("2026-03-28T12:00:00Z", "2026-03-28T12:30:00Z"),
                span("2026-03-29T01:00:00Z", "2026-03-29T04:00:00Z"),
            ])
        // A window wholly inside the skipped hour has no length that night.
        let skipped = try CurfewCondition(windows: [w("01:10", "01:50")], from: d("2026-03-01"))
        #expect(night("2026-03-28", [skipped], baseline: w("12:00", "12:30")).count == 1)
        // Fall back: 01:30 happens twice; a window ending then ends at the first (BST, 00:30 UTC).
        let early = try CurfewCondition(windows: [w("21:00", "01:30")], from: d("2026-10-01"))
        #expect(
            night("2026-10-24", [early], baseline: w("12:00", "12:30")) == [
                span("2026-10-24T11:00:00Z", "2026-10-24T11:30:00Z"),
                span("2026-10-24T20:00:00Z", "2026-10-25T00:30:00Z"),
            ])
    }

    @Test func unionOfOverlappingAndTouchingWindows() throws {
        let wider = try CurfewCondition(windows: [w("21:00", "07:00")], from: d("2026-01-01"))
        #expect(night("2026-01-15", [wider]) == [span("2026-01-15T21:00:00Z", "2026-01-16T07:00:00Z")])
        let evening = try CurfewCondition(windows: [w("19:00", "21:00")], from: d("2026-01-01"))
        #expect(
            night("2026-01-15", [evening]) == [
                span("2026-01-15T19:00:00Z", "2026-01-15T21:00:00Z"),
                span("2026-01-15T23:00:00Z", "2026-01-16T06:00:00Z"),
            ])
        let touching = try CurfewCondition(windows: [w("21:00", "23:00"), w("06:00", "08:00")], from: d("2026-01-01"))
        #expect(night("2026-01-15", [touching]) == [span("2026-01-15T21:00:00Z", "2026-01-16T08:00:00Z")])
        let inside = try CurfewCondition(windows: [w("00:00", "02:00")], from: d("2026-01-01"))
        #expect(night("2026-01-15", [inside]) == night("2026-01-15"))
    }

    @Test func daysOfTheWeekAndDatesInForce() throws {
        // Weekend nights only: Friday the 16th no, Saturday the 17th and Sunday the 18th yes.
        let weekend = try CurfewCondition(windows: [w("20:00", "23:00")], days: [6, 7], from: d("2026-01-01"))
        #expect(night("2026-01-16", [weekend]).first?.start == utc("2026-01-16T23:00:00Z"))
        #expect(night("2026-01-17", [weekend]).first?.start == utc("2026-01-17T20:00:00Z"))
        #expect(night("2026-01-18", [weekend]).first?.start == utc("2026-01-18T20:00:00Z"))
        // In force from its first night, up to but not including its end: a varied condition hands over cleanly.
        let old = try CurfewCondition(windows: [w("20:00", "07:00")], from: d("2026-01-10"), until: d("2026-01-20"))
        let new = try CurfewCondition(windows: [w("21:00", "07:00")], from: d("2026-01-20"))
        #expect(night("2026-01-09", [old, new]).first?.start == utc("2026-01-09T23:00:00Z"))
        #expect(night("2026-01-10", [old, new]).first?.start == utc("2026-01-10T20:00:00Z"))
        #expect(night("2026-01-19", [old, new]).first?.start == utc("2026-01-19T20:00:00Z"))
        #expect(night("2026-01-20", [old, new]).first?.start == utc("2026-01-20T21:00:00Z"))
    }

    @Test func authorisedAbsencesCutTheCurfew() {
        #expect(night("2026-01-15", absences: [span("2026-01-15T12:00:00Z", "2026-01-17T12:00:00Z")]) == [])
        #expect(
            night("2026-01-15", absences: [span("2026-01-15T20:00:00Z", "2026-01-16T01:00:00Z")]) == [
                span("2026-01-16T01:00:00Z", "2026-01-16T06:00:00Z")
            ])
        #expect(
            night("2026-01-15", absences: [span("2026-01-16T01:00:00Z", "2026-01-16T02:30:00Z")]) == [
                span("2026-01-15T23:00:00Z", "2026-01-16T01:00:00Z"),
                span("2026-01-16T02:30:00Z", "2026-01-16T06:00:00Z"),
            ])
        #expect(
            night("2026-01-15", absences: [span("2026-01-14T12:00:00Z", "2026-01-15T23:00:00Z")]) == night("2026-01-15")
        )
    }

    @Test func badConditionsAreRefused() {
        #expect(throws: CurfewCondition.Problem.windowCount) { try CurfewCondition(windows: [], from: d("2026-01-01")) }
        #expect(throws: CurfewCondition.Problem.windowCount) {
            try CurfewCondition(windows: Array(repeating: w("20:00", "21:00"), count: 4), from: d("2026-01-01"))
        }
        #expect(throws: CurfewCondition.Problem.badDay) {
            try CurfewCondition(windows: [w("20:00", "21:00")], days: [0], from: d("2026-01-01"))
        }
        #expect(throws: CurfewCondition.Problem.endsBeforeStart) {
            try CurfewCondition(windows: [w("20:00", "21:00")], from: d("2026-01-02"), until: d("2026-01-02"))
        }
        #expect(CurfewWindow(start: t("21:00"), end: t("21:00")) == nil)
    }

    /// Against a brute-force oracle that goes the other way, instant to wall clock: every minute of the
    /// 48 hours around a night is in the answer exactly when its wall-clock time lies in a window in
    /// force and it is outside every absence. Random nights of 2026 and 2027, the four clock-change
    /// nights among them; window ends are kept out of 00:00 to 03:00, where the wall clock repeats or skips.
    @Test func agreesWithAMinuteByMinuteOracle() throws {
        var rng = SystemRandomNumberGenerator()
        let hours = [17, 18, 19, 20, 21, 22, 23, 3, 4, 5, 6, 7, 8, 9]
        func anyTime() -> LocalTime {
            LocalTime(hour: hours.randomElement(using: &rng)!, minute: [0, 15, 30, 45].randomElement(using: &rng)!)!
        }
        func anyWindow() -> CurfewWindow {
            while true { if let x = CurfewWindow(start: anyTime(), end: anyTime()) { return x } }
        }
        let special = ["2026-03-28", "2026-10-24", "2027-03-27", "2027-10-30"].map(d)
        var nightsChecked = 0
        for i in 0..<60 {
            let date =
                i < special.count ? special[i] : d("2026-01-01").adding(days: Int.random(in: 0..<730, using: &rng))
            let conditions = try (0..<Int.random(in: 0...3, using: &rng)).map { _ in
                let from = date.adding(days: Int.random(in: -2...1, using: &rng))
                return try CurfewCondition(
                    windows: (0..<Int.random(in: 1...3, using: &rng)).map { _ in anyWindow() },
                    days: Bool.random(using: &rng)
                        ? Set((1...7).filter { _ in Bool.random(using: &rng) }).nonEmpty : nil,
                    from: from,
                    until: Bool.random(using: &rng) ? from.adding(days: Int.random(in: 1...4, using: &rng)) : nil)
            }
            let base = anyWindow()
            let noon = Zone.instant(date, LocalTime(hour: 12, minute: 0)!, in: london)
            let absences = (0..<Int.random(in: 0...2, using: &rng)).map { _ in
                DateInterval(
                    start: noon.addingTimeInterval(Double(Int.random(in: 0..<48 * 4, using: &rng)) * 900),
                    duration: Double(Int.random(in: 1...24, using: &rng)) * 900)
            }
            let answer = CurfewNight.intervals(
                night: date, baseline: base, conditions: conditions, absences: absences, zone: london)
            // sorted, disjoint, not touching
            for (a, b) in zip(answer, answer.dropFirst()) { #expect(a.end < b.start) }
            #expect(answer.allSatisfy { $0.duration > 0 })

            let active = [base] + conditions.filter { $0.applies(on: date) }.flatMap(\.windows)
            func wallMinutes(_ day: LocalDate, _ time: LocalTime) -> Int {
                Int(day.daysSince1970) * 1440 + time.hour * 60 + time.minute
            }
            let spans = active.map { win -> (Int, Int) in
                let startDay = win.start.hour < 12 ? date.adding(days: 1) : date
                let endDay = win.end > win.start ? startDay : startDay.adding(days: 1)
                return (wallMinutes(startDay, win.start), wallMinutes(endDay, win.end))
            }
            var minute = noon
            while minute < noon.addingTimeInterval(48 * 3600) {
                let local = Zone.local(minute, in: london)
                let wall = wallMinutes(local.date, local.time)
                let expected =
                    spans.contains { $0.0 <= wall && wall < $0.1 }
                    && !absences.contains { $0.start <= minute && minute < $0.end }
                let got = answer.contains { $0.start <= minute && minute < $0.end }
                if expected != got {
                    Issue.record("night \(date), minute \(minute): expected \(expected)")
                    break
                }
                minute = minute.addingTimeInterval(60)
            }
            nightsChecked += 1
        }
        #expect(nightsChecked == 60)
    }
}

extension Set {
    var nonEmpty: Set? { isEmpty ? nil : self }
}
