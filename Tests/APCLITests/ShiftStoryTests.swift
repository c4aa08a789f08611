import APClient
import APStore
import APWire
import APWorker
import Civil
import Foundation
import PGDriver
import ServiceHarness
import TestDatabase
import Testing

/// A shift from the command line: three sign-outs, one of them back late under a licence curfew, the
/// worker raising the alert, and the handover read and acknowledged by the incoming shift.
@Suite struct ShiftStoryTests {
    static let zone = TimeZone(identifier: "Europe/London")!
    static func hhmm(_ d: Date) -> String {
        let t = Zone.local(d, in: zone).time
        return String(format: "%02d:%02d", t.hour, t.minute)
    }

    @Test func aShift() async throws {
        try await Harness.with { h in
            let now = Date()
            // Whenever this runs, the premises' own curfew is set six hours away, so that only the
            // resident's licence curfew (which started 90 minutes ago) is in play.
            try await h.db { c in
                try c.query(
                    "UPDATE premises SET curfew_start = $2::time, curfew_end = $3::time WHERE id = $1",
                    [
                        h.home, Self.hhmm(now.addingTimeInterval(6 * 3600)),
                        Self.hhmm(now.addingTimeInterval(6 * 3600 + 60)),
                    ])
            }
            // A new resident, arrived four hours ago, with a licence curfew from 90 minutes ago.
            let today = Zone.local(now, in: Self.zone).date
            let resident: Resident = try await h.manager.post(
                "api/v1/residents",
                [
                    "crn": "Q\(Int.random(in: 100_000...999_999))", "givenName": "Lateson", "familyName": "Testcase",
                    "dateOfBirth": "1985-03-02",
                    "gender": "male", "rosh": "medium", "practitioner": ["name": "P", "phone": "", "email": ""],
                ])
            let placement: Placement = try await h.manager.post(
                "api/v1/placements",
                [
                    "residentId": resident.id.uuidString, "premisesId": h.home.uuidString,
                    "expectedArrival": "\(today.adding(days: -1))", "expectedDeparture": "\(today.adding(days: 7))",
                ])
            let _: Placement = try await h.staff.post(
                "api/v1/placements/\(placement.id)/arrive", ["at": APIJSON.format(now.addingTimeInterval(-4 * 3600))])
            let _: LicenceCondition = try await h.manager.post(
                "api/v1/residents/\(resident.id)/conditions",
                [
                    "kind": "curfew", "source": "licence", "startsOn": "\(today.adding(days: -2))", "wording": "Curfew",
                    "curfew": [
                        "windows": [
                            [
                                "start": Self.hhmm(now.addingTimeInterval(-90 * 60)),
                                "end": Self.hhmm(now.addingTimeInterval(60 * 60)),
                            ]
                        ]
                    ],
                ])

            let ap = CLI(h, token: h.tokens.staff)
            let crn = resident.crn.description
            // Three sign-outs: the late one written up after the fact, two more now.
            let late = try await ap(
                "out", crn, "--at", Self.hhmm(now.addingTimeInterval(-150 * 60)), "--reason",
                "entered from the paper log", "--to", "town")
            #expect(late.status == 0, "\(late)")
            let others = try await CLITests.roll(ap).filter { $0["isIn"] == .bool(true) && $0["crn"]?.string != crn }
                .prefix(2).compactMap { $0["crn"]?.string }
            for other in others {
                let r = try await ap("out", other, "--to", "shop", "--back", Self.hhmm(now.addingTimeInterval(-5 * 60)))
                #expect(r.status == 0, "\(r)")
            }
            let back = try await ap(
                "in", crn, "--at", Self.hhmm(now.addingTimeInterval(-30 * 60)), "--reason",
                "came in while I was on a call")
            #expect(back.status == 0, "\(back)")

            // The worker's pass raises the late return, once.
            let pool = PGPool(h.config, options: .init(maxConnections: 2))
            _ = try await CurfewWorker(pool: pool).runOnce()
            _ = try await CurfewWorker(pool: pool).runOnce()
            await pool.shutdown()
            let alerts = try await ap("alerts", "--json")
            let mine = try #require(try alerts.json()["items"]?.array).filter {
                $0["residentId"]?.string?.lowercased() == resident.id.uuidString.lowercased()
            }
            #expect(mine.map { $0["kind"]?.string } == ["late_return"], "\(alerts)")

            // The handover shows it all; the outgoing shift adds a note; the incoming shift acknowledges.
            let handover = try await ap("handover")
            #expect(handover.status == 0, "\(handover)")
            #expect(handover.out.contains("Out now (2;"), "\(handover.out)")
            #expect(
                handover.out.contains("Lateson Testcase (\(crn))") && handover.out.contains("late return"),
                "\(handover.out)")
            let note = try await ap("handover", "note", "Lateson Testcase back late; spoke to him")
            #expect(note.status == 0, "\(note)")
            #expect(try await ap("handover").out.contains("back late; spoke to him"))
            let incoming = CLI(h, token: h.tokens.manager)
            let ack = try await incoming("handover", "ack")
            #expect(ack.status == 0 && ack.out.contains("Demo Manager"), "\(ack)")
            let next = try await ap("handover", "--json").json()
            #expect(next["since"]?.string != nil && next["notes"]?.array?.isEmpty == true)
            let acknowledge = try await ap(
                "alerts", "ack", String(mine[0]["id"]!.string!.prefix(8)), "--outcome", "returned_late", "--note",
                "spoke to him")
            #expect(acknowledge.status == 0, "\(acknowledge)")
            #expect(
                try await ap("alerts", "--json").json()["items"]?.array?.contains {
                    $0["residentId"] == mine[0]["residentId"]
                } == false)
        }
    }
}
