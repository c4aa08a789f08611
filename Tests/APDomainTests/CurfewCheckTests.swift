import APDomain
import Foundation
import Testing

/// The breach rules on hand-made nights: 23:00 to 06:00 UTC on 15 to 16 January, fifteen minutes' grace.
@Suite struct CurfewCheckTests {
    let night = DateInterval(
        // 23:00 to 06:00
        start: Date(timeIntervalSince1970: 1_768_518_000), end: Date(timeIntervalSince1970: 1_768_543_200))
    let placed = DateInterval(start: Date(timeIntervalSince1970: 1_767_225_600), end: .distantFuture)
    let grace: TimeInterval = 15 * 60
    var morning: Date { night.end.addingTimeInterval(6 * 3600) }
    func t(_ minutesFromStart: Double) -> Date { night.start.addingTimeInterval(minutesFromStart * 60) }
    func out(_ m: Double, _ id: Int = 1) -> CurfewCheck.Movement { .init(id: uuid(id), isOut: true, at: t(m)) }
    func back(_ m: Double, _ id: Int = 2) -> CurfewCheck.Movement { .init(id: uuid(id), isOut: false, at: t(m)) }
    func uuid(_ n: Int) -> UUID { UUID(uuidString: String(format: "00000000-0000-0000-0000-%012d", n))! }
    func kinds(
        _ entries: [CurfewCheck.Movement], curfew: [DateInterval]? = nil, absences: [DateInterval] = [],
        placed: DateInterval? = nil, now: Date? = nil
    ) -> [AlertKind] {
        CurfewCheck.breaches(
            curfew: curfew ?? [night], absences: absences, placed: placed ?? self.placed, entries: entries,
            grace: grace, now: now ?? morning
        ).map(\.kind)
    }

    @Test func theScenarios() {
        #expect(kinds([]) == [])  // in all evening
        #expect(kinds([out(-120), back(-10)]) == [])  // out before curfew, back in time
        #expect(kinds([out(-120), back(15)]) == [])  // back on the last minute of grace
        #expect(kinds([out(-120), back(16)]) == [.lateReturn])  // one minute after grace
        #expect(kinds([out(-120)]) == [.lateReturn, .absentOvernight])  // out all night
        #expect(kinds([out(120), back(150)]) == [.leftDuringCurfew])  // out during the window, across midnight
        #expect(kinds([out(120)]) == [.leftDuringCurfew, .absentOvernight])
        #expect(kinds([out(-30), back(400)]) == [.lateReturn])  // back before the end
        #expect(kinds([out(-30), back(420)]) == [.lateReturn])  // back just as it ends
        #expect(kinds([out(-30), back(421)]) == [.lateReturn, .absentOvernight])
    }

    @Test func evidenceNamesTheSignOut() {
        let breaches = CurfewCheck.breaches(
            curfew: [night], placed: placed, entries: [out(-120, 7)], grace: grace, now: morning)
        #expect(
            breaches == [
                .init(kind: .lateReturn, evidence: [uuid(7)]), .init(kind: .absentOvernight, evidence: [uuid(7)]),
            ])
        // Leaving again after a late return: both, each with its own evidence.
        let twice = CurfewCheck.breaches(
            curfew: [night], placed: placed, entries: [out(-60, 3), back(30, 4), out(200, 5), back(300, 6)],
            grace: grace, now: morning)
        #expect(
            twice == [
                .init(kind: .lateReturn, evidence: [uuid(3)]), .init(kind: .leftDuringCurfew, evidence: [uuid(5)]),
            ])
    }

    @Test func onlyWhatHasHappenedByNow() {
        #expect(kinds([out(-120)], now: t(10)) == [])  // still inside the grace period
        #expect(kinds([out(-120)], now: t(16)) == [.lateReturn])  // late, but the night is not over
        #expect(kinds([out(-120)], now: night.end) == [.lateReturn, .absentOvernight])
    }

    @Test func onlyWhilePlaced() {
        // Arrived after the curfew started: checked from arrival, and in since then.
        #expect(kinds([], placed: DateInterval(start: t(30), end: .distantFuture)) == [])
        // Departed in the afternoon: nothing to check that night.
        #expect(kinds([out(-600)], placed: DateInterval(start: placed.start, end: t(-500))) == [])
        // Departed (absconded, recorded) at 02:00 while out: out at the start, but no night spent absent.
        #expect(kinds([out(-60)], placed: DateInterval(start: placed.start, end: t(180))) == [.lateReturn])
    }

    @Test func authorisedAbsencesAndSeveralWindows() {
        // Away overnight with approval: the curfew the caller computes is empty.
        #expect(kinds([out(-120)], curfew: []) == [])
        // Back from an approved absence that ended at 02:00 and late: only the rest of the night counts.
        let rest = DateInterval(start: t(180), end: night.end)
        #expect(kinds([out(-600), back(200)], curfew: [rest]) == [.lateReturn])
        // A window cut short because an absence begins is not a night spent absent.
        let beforeAbsence = DateInterval(start: night.start, end: t(60))
        let absence = DateInterval(start: t(60), end: night.end.addingTimeInterval(3600))
        #expect(
            kinds([out(-10), back(5), out(50)], curfew: [beforeAbsence], absences: [absence]) == [.leftDuringCurfew])
        // An evening window and the night: still out after the evening window is not yet absent overnight.
        let evening = DateInterval(start: t(-240), end: t(-120))
        #expect(kinds([out(-200), back(-30)], curfew: [evening, night]) == [.leftDuringCurfew])
        #expect(kinds([out(-300), back(-30)], curfew: [evening, night]) == [.lateReturn])
    }
}
