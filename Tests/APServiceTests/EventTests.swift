import APClient
import APDomain
import APStore
import APWire
import Civil
import Foundation
import ServiceHarness
import TestDatabase
import Testing

/// Issue 20, events for other systems: each kind of change becomes an event in the transaction that made it, and a
/// reader that is killed (kill -9) between reads and started again from the cursor it kept misses none and sees
/// none twice. An integration's account reads events and nothing else.
@Suite struct EventTests {
    @Test func everyKindOfChangeAndAReaderKilledBetweenReads() async throws {
        try await Harness.with { h in
            let london = TimeZone(identifier: "Europe/London")!
            let today = Zone.local(Date(), in: london).date
            let token: String = try await h.db { c in
                let account = try AccountStore.create(
                    c, actor: .system, staffId: nil, name: "National case system", role: .integration)
                return try AccountStore.issueToken(
                    c, actor: .system, accountId: account.id, validFor: 86_400, now: Date()
                ).0
            }
            let integration = h.client(token)
            let start: DomainEventPage = try await integration.get("api/v1/events", query: ["limit": "1000"])

            // Every kind of change, through the API as people make them.
            func resident(_ crn: String) async throws -> Resident {
                try await h.manager.post(
                    "api/v1/residents",
                    [
                        "crn": crn, "givenName": "Eve", "familyName": "Events", "dateOfBirth": "1990-01-01",
                        "gender": "male", "rosh": "low", "practitioner": ["name": "P", "phone": "", "email": ""],
                    ])
            }
            func placement(_ r: Resident) async throws -> Placement {
                try await h.manager.post(
                    "api/v1/placements",
                    [
                        "residentId": r.id.uuidString, "premisesId": h.home.uuidString, "expectedArrival": "\(today)",
                        "expectedDeparture": "\(today.adding(days: 7))",
                    ])
            }
            let room: Room = try await h.manager.post("api/v1/premises/\(h.home)/rooms", ["code": "R88"])
            var beds: [Bed] = []
            for code in ["88A", "88B"] {
                beds.append(
                    try await h.manager.post(
                        "api/v1/premises/\(h.home)/beds",
                        ["roomId": room.id.uuidString, "code": code, "openedOn": "\(today)"]))
            }
            let stay = try await placement(try await resident("E100001"))
            let _: BedAllocation = try await h.manager.post(
                "api/v1/placements/\(stay.id)/bed-allocations",
                ["bedId": beds[0].id.uuidString, "from": "\(today)", "to": "\(today.adding(days: 7))"])
            let _: Placement = try await h.staff.post("api/v1/placements/\(stay.id)/arrive", [:])
            let _: BedAllocation = try await h.manager.post(
                "api/v1/placements/\(stay.id)/bed-move", ["bedId": beds[1].id.uuidString, "from": "\(today)"])
            let _: Placement = try await h.staff.post("api/v1/placements/\(stay.id)/depart", ["reason": "other"])
            let never = try await placement(try await resident("E100002"))
            let _: Placement = try await h.staff.post(
                "api/v1/placements/\(never.id)/non-arrival", ["reason": "failed_to_arrive"])
            let cancelled = try await placement(try await resident("E100003"))
            let _: Placement = try await h.manager.post("api/v1/placements/\(cancelled.id)/cancel", ["reason": "error"])
            let alert = try await h.raiseAlert(at: h.home, daysAgo: 3)
            let _: Alert = try await h.staff.post("api/v1/alerts/\(alert)/acknowledge", ["outcome": "returned_late"])
            try await h.db { c in try AlertStore.resolve(c, actor: .worker(), alertId: alert, reason: "recorded late") }
            let incident: Incident = try await h.staff.post(
                "api/v1/premises/\(h.home)/incidents",
                [
                    "occurredAt": ISO8601DateFormatter().string(from: Date().addingTimeInterval(-600)),
                    "category": "threats", "severity": "low", "description": "Shouting in the hall",
                ])
            var closed = incident.draft
            closed.description = "Shouting in the hall; settled"
            let _: Incident = try await h.staff.call(
                "POST", "api/v1/incidents/\(incident.id)/versions",
                body: IncidentEdit(basedOn: 1, status: .closed, draft: closed))

            let page: DomainEventPage = try await integration.get(
                "api/v1/events", query: ["after": start.cursor, "limit": "1000"])
            let seen = Dictionary(grouping: page.events, by: \.type)
            #expect(Set(seen.keys) == Set(DomainEvent.Kind.allCases), "\(seen.keys)")
            #expect(seen[.placementArrived]?.map(\.link) == ["/api/v1/placements/\(stay.id.uuidString.lowercased())"])
            #expect(seen[.placementArrived]?.first?.crn == "E100001" && seen[.bedMoved]?.count == 1)
            #expect(seen[.placementNonArrival]?.first?.crn == "E100002")
            #expect(seen[.placementCancelled]?.first?.crn == "E100003")
            #expect(seen[.alertResolved]?.map(\.link) == ["/api/v1/alerts/\(alert.uuidString.lowercased())"])
            #expect(seen[.incidentClosed]?.map(\.link) == ["/api/v1/incidents/\(incident.id.uuidString.lowercased())"])
            #expect(page.events.map(\.id) == page.events.map(\.id).sorted() && page.cursor == "\(page.events.last!.id)")

            // A reader killed between reads and started again from its own file: every event once, in order.
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("events-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: file) }
            let script = WebTests.root.appendingPathComponent("Tests/Browser/events_reader.py").path
            let url = h.url.absoluteString
            let killed: Int = try await TestDatabase.onThread {
                let p = Process()
                p.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
                p.arguments = [script, url, token, file.path, "2", "0.5"]
                try p.run()
                // Kill it once it has written a few pages, mid-way.
                for _ in 0..<200 {
                    let lines = (try? String(contentsOf: file, encoding: .utf8))?.split(separator: "\n").count ?? 0
                    if lines >= 4 { break }
                    usleep(50_000)
                }
                kill(p.processIdentifier, SIGKILL)
                p.waitUntilExit()
                return (try? String(contentsOf: file, encoding: .utf8))?.split(separator: "\n").count ?? 0
            }
            let finished = try await TestDatabase.onThread {
                let p = Process()
                p.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
                p.arguments = [script, url, token, file.path, "2", "0"]
                try p.run()
                p.waitUntilExit()
                return p.terminationStatus
            }
            #expect(finished == 0)
            let read = try String(contentsOf: file, encoding: .utf8).split(separator: "\n").map {
                Int64($0.split(separator: " ")[0])!
            }
            let all: [Int64] = try await h.db { c in
                try c.query("SELECT id FROM domain_events ORDER BY id").map { try $0.decode("id") }
            }
            #expect(killed >= 4 && killed < all.count, "killed after \(killed) of \(all.count)")
            #expect(read == all, "the reader saw \(read.count) of \(all.count), or some twice")

            // An integration reads events and nothing else; a manager may not read them.
            let premises = try await integration.send("GET", "api/v1/premises")
            let roll = try await integration.send("GET", "api/v1/premises/\(h.home)/roll")
            let managers = try await h.manager.send("GET", "api/v1/events")
            #expect(premises.status == 403 && roll.status == 403 && managers.status == 403)
        }
    }
}
