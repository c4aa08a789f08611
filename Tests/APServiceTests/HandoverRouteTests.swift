import APClient
import APStore
import APWire
import Civil
import Foundation
import ServiceHarness
import Testing

/// The handover: a summary since the last acknowledged one, notes for the incoming shift, and
/// acknowledgements that are kept.
@Suite struct HandoverRouteTests {
    @Test func notesAcknowledgementsAndTheSummary() async throws {
        try await Harness.with { h in
            let base = "api/v1/premises/\(h.home)/handover"
            let first: HandoverSummary = try await h.staff.get(base)
            #expect(first.since == nil)
            let roll: Page<Presence> = try await h.staff.get("api/v1/premises/\(h.home)/roll", query: ["limit": "500"])
            #expect(Set(first.out.map(\.residentId)) == Set(roll.items.filter { !$0.isIn }.map(\.residentId)))
            #expect(first.inCount == roll.items.filter(\.isIn).count)
            // The demo gives a quarter of its residents a 19:00 curfew on top of the premises' 23:00.
            #expect(
                !first.extraCurfews.isEmpty
                    && first.extraCurfews.allSatisfy { $0.windows.map(\.description) == ["19:00-07:00"] })
            #expect(first.incidents.count == 3)

            let note: HandoverNote = try await h.staff.post(
                "\(base)/notes", ["text": "  Room 4 window latch broken; maintenance booked  "])
            #expect(note.text == "Room 4 window latch broken; maintenance booked" && note.writtenBy == "Demo Staff")
            let empty = await problem {
                _ = try await h.staff.post("\(base)/notes", ["text": "   "], as: HandoverNote.self)
            }
            #expect(empty?.status == 422 && empty?.field == "text")
            let withNote: HandoverSummary = try await h.staff.get(base)
            #expect(withNote.notes.map(\.text) == [note.text])

            let ack: Handover = try await h.manager.post("\(base)/acknowledge", [:])
            #expect(ack.since == nil && ack.acknowledgedBy == "Demo Manager")
            let after: HandoverSummary = try await h.staff.get(base)
            #expect(after.since.map { abs($0.timeIntervalSince(ack.acknowledgedAt)) < 0.001 } == true)
            #expect(after.notes.isEmpty, "a note belongs to the handover it was written for")
            #expect(after.incidents.isEmpty, "incidents before the last handover are not repeated")
            let second: Handover = try await h.staff.post("\(base)/acknowledge", [:])
            #expect(second.since.map { abs($0.timeIntervalSince(ack.acknowledgedAt)) < 0.001 } == true)
            let history: Page<Handover> = try await h.staff.get("api/v1/premises/\(h.home)/handovers")
            #expect(history.items.map(\.id) == [second.id, ack.id])
        }
    }

    /// Issue 17, finding 4: at 09:05, after the night's curfew has ended, "tonight" is today's night (it was
    /// last night's until noon), as `ap resident show` has it too.
    @Test func tonightAtNineInTheMorningIsTodaysNight() async throws {
        let london = TimeZone(identifier: "Europe/London")!
        let today = Zone.local(Date(), in: london).date
        let nineOhFive = Zone.instant(today, LocalTime(hour: 9, minute: 5)!, in: london)
        let threeAM = Zone.instant(today, LocalTime(hour: 3, minute: 0)!, in: london)
        for (clock, night) in [(nineOhFive, today), (threeAM, today.adding(days: -1))] {
            let fixed: @Sendable () -> Date = { clock }
            try await Harness.with(clock: fixed) { h in
                let summary: HandoverSummary = try await h.staff.get("api/v1/premises/\(h.home)/handover")
                #expect(summary.tonight == night, "at \(Zone.local(clock, in: london).time)")
            }
        }
    }
}
