import APDomain
import APStore
import APWire
import Civil
import Foundation
import PGDriver
import ServiceHarness
import TestDatabase
import Testing

@testable import APService

/// Issue 20, retention: on a dataset with every exception (an open placement, an open alert, an incident under
/// review), `ap-server retention` anonymises exactly the residents due; the hash chains verify, the occupancy report
/// is byte-identical, the run is recorded with counts and no personal data, and the database refuses what the
/// policy forbids whoever asks.
@Suite struct RetentionTests {
    static let zone = TimeZone(identifier: "Europe/London")!
    static func at(_ year: Int, _ month: Int, _ day: Int, _ hour: Int = 12) -> Date {
        Zone.instant(LocalDate(year: year, month: month, day: day)!, LocalTime(hour: hour, minute: 0)!, in: zone)
    }
    static func d(_ year: Int, _ month: Int, _ day: Int) -> LocalDate { LocalDate(year: year, month: month, day: day)! }

    struct World {
        let premises: UUID
        let due: [String: UUID]  // A: a full stay 2018; F: never placed, added 2018; G: a stay cancelled 2018
        let kept: [String: UUID]  // B: open alert; C: incident under review; D: booked again; E: left 2024
        let personal: [String]  // what A, F and G are known by, which must be gone from every table not chained
    }

    /// Everything but the chained tables and the retention records, row by row, as JSON text.
    static func dump(_ c: PGConnection, tables: [String]? = nil) throws -> [String: String] {
        let names: [String] =
            try tables
            ?? c.query("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1").map {
                try $0.decode("tablename")
            }
        var out: [String: String] = [:]
        for name in names where !name.hasPrefix("retention_") {
            out[name] = try c.query(
                "SELECT coalesce(string_agg(to_jsonb(t)::text, E'\\n' ORDER BY to_jsonb(t)::text), '') AS rows "
                    + "FROM \(name) t"
            )[0].decode("rows")
        }
        return out
    }

    static let chained = ["movements", "incident_versions", "alert_acknowledgements"]

    static func chainsHold(_ c: PGConnection, _ premises: UUID) throws -> Bool {
        try chained.allSatisfy { table in
            try c.query("SELECT chain_first_break($1::regclass, $2) AS b", [table, premises])[0]
                .decode("b", as: Int64?.self) == nil
        }
    }

    typealias Occupancy = (csv: String, json: [UInt8])
    typealias Before = (world: World, tables: [String: String], chainsHold: Bool, occupancy: Occupancy)

    static func occupancy(_ c: PGConnection, _ premises: UUID) throws -> Occupancy {
        let today = Zone.local(Date(), in: zone).date
        let report = try OccupancyReportStore.reports(
            c, premisesIds: [premises], nights: Nights(from: d(2018, 1, 1), to: today.adding(days: 1))!, today: today
        )[0]
        return (CSV.daily(report).text, try APIJSON.encode(report))
    }

    static func world(_ c: PGConnection) throws -> World {
        let f = Fixture(c: c)
        let (p, beds) = try f.premises()
        try c.query("UPDATE beds SET opened_on = '2017-01-01' WHERE premises_id = $1", [p.id])
        let staff = try f.actor("Night Worker", role: .staff, at: [p.id])
        let manager = try f.actor("The Manager", role: .manager, at: [p.id])
        let stay = { (given: String, family: String, bed: String, from: LocalDate, to: LocalDate) in
            let r = try f.resident(given: given, family: family, at: p.id)
            let placement = try PlacementStore.create(
                c, residentId: r.id, premisesId: p.id, expected: Nights(from: from, to: to)!)
            _ = try BedStore.allocate(
                c, placementId: placement.id, bedId: beds[bed]!.id, nights: Nights(from: from, to: to)!)
            let arrived = Zone.instant(from, LocalTime(hour: 14, minute: 0)!, in: zone)
            _ = try PlacementStore.arrive(c, id: placement.id, at: arrived, now: arrived)
            return (r, placement)
        }
        let leave = { (placement: Placement, on: LocalDate, notes: String) in
            let t = Zone.instant(on, LocalTime(hour: 10, minute: 0)!, in: zone)
            _ = try PlacementStore.depart(c, id: placement.id, at: t, reason: .plannedMoveOn, notes: notes, now: t)
        }

        // A: everything a stay leaves behind, all of it eight years ago.
        let (a, aStay) = try stay("Zebedee", "Quartermain", "1A", d(2018, 3, 1), d(2018, 6, 1))
        _ = try MovementStore.record(
            c, actor: staff, premisesId: p.id,
            NewMovement(
                residentId: a.id, kind: .out, at: at(2018, 3, 10, 18), destination: "Acacia Road",
                note: "to see his mother"), now: at(2018, 3, 10, 18))
        _ = try MovementStore.record(
            c, actor: staff, premisesId: p.id, NewMovement(residentId: a.id, kind: .in, at: at(2018, 3, 10, 20)),
            now: at(2018, 3, 10, 20))
        // Recorded an hour late: its note is copied into the recheck it queues.
        try ReportStore.record(
            c, actor: staff, premisesId: p.id, residentId: a.id, at: at(2018, 3, 11, 10),
            note: "reported with Quartermain's sister", now: at(2018, 3, 11, 11))
        _ = try ConditionStore.add(
            c, actor: manager, residentId: a.id,
            NewCondition(
                kind: .noContact, source: .licence, startsOn: d(2018, 3, 1), wording: "No contact with Jane Victim"))
        _ = try ConditionStore.addAbsence(
            c, actor: manager, residentId: a.id,
            during: DateInterval(start: at(2018, 4, 2, 9), end: at(2018, 4, 2, 17)),
            reason: "Hospital at St Mary's", approvedBy: "The Manager", role: "manager")
        let aAlert = try #require(
            try AlertStore.raise(
                c, actor: .worker(), placementId: aStay.id, night: d(2018, 4, 5), kind: .lateReturn, evidence: [],
                escalate: true))
        _ = try AlertStore.acknowledge(c, actor: staff, alertId: aAlert.id, outcome: .returnedLate, note: "bus late")
        try c.query(
            "INSERT INTO alert_outbox (alert_id, payload) VALUES ($1, $2::jsonb)",
            [aAlert.id, #"{"alertId": "x", "resident": {"crn": "\#(a.crn)", "name": "Zebedee Quartermain"}}"#])
        let aIncident = try IncidentStore.report(
            c, actor: staff, premisesId: p.id,
            IncidentDraft(
                occurredAt: at(2018, 4, 8), category: .threats, severity: .low, description: "An argument",
                residentIds: [a.id]), now: at(2018, 4, 8, 13))
        _ = try IncidentStore.edit(
            c, actor: staff, incidentId: aIncident.id, basedOn: 1, status: .closed, aIncident.draft,
            now: at(2018, 4, 9))
        try leave(aStay, d(2018, 6, 1), "Moved to Flat 3, Hightown")

        // B: left in 2018, an alert nobody has acknowledged.
        let (b, bStay) = try stay("Bea", "Keptalert", "1B", d(2018, 3, 1), d(2018, 6, 1))
        _ = try AlertStore.raise(
            c, actor: .worker(), placementId: bStay.id, night: d(2018, 4, 5), kind: .lateReturn, evidence: [],
            escalate: false)
        try leave(bStay, d(2018, 6, 1), "")
        // C: left in 2018, named in an incident still under review.
        let (cc, cStay) = try stay("Cal", "Keptincident", "2A", d(2018, 3, 1), d(2018, 6, 1))
        let cIncident = try IncidentStore.report(
            c, actor: staff, premisesId: p.id,
            IncidentDraft(
                occurredAt: at(2018, 4, 8), category: .threats, severity: .low, description: "Damage",
                residentIds: [cc.id]), now: at(2018, 4, 8, 13))
        _ = try IncidentStore.edit(
            c, actor: staff, incidentId: cIncident.id, basedOn: 1, status: .underReview, cIncident.draft,
            now: at(2018, 4, 9))
        try leave(cStay, d(2018, 6, 1), "")
        // D: left in 2018, booked again for next month.
        let (dd, dStay) = try stay("Dev", "Keptbooked", "1A", d(2018, 7, 1), d(2018, 9, 1))
        try leave(dStay, d(2018, 9, 1), "")
        let soon = Zone.local(Date(), in: zone).date.adding(days: 30)
        _ = try PlacementStore.create(
            c, residentId: dd.id, premisesId: p.id, expected: Nights(from: soon, to: soon.adding(days: 30))!)
        // E: left two years ago: not due.
        let (e, eStay) = try stay("Eve", "Notdue", "1B", d(2024, 1, 10), d(2024, 3, 1))
        _ = try ConditionStore.add(
            c, actor: manager, residentId: e.id,
            NewCondition(kind: .exclusionZone, source: .licence, startsOn: d(2024, 1, 10), wording: "Not in Lowtown"))
        try leave(eStay, d(2024, 3, 1), "Moved on to her own flat")

        // F: added in 2018 and never placed.
        let fRes = try f.resident(given: "Fenella", family: "Neverplaced", at: p.id)
        try c.query("UPDATE residents SET created_at = $2 WHERE id = $1", [fRes.id, at(2018, 2, 1)])
        // G: a stay cancelled in 2018.
        let g = try f.resident(given: "Gideon", family: "Cancelledstay", at: p.id)
        let gStay = try PlacementStore.create(
            c, residentId: g.id, premisesId: p.id, expected: Nights(from: d(2018, 10, 1), to: d(2018, 11, 1))!)
        _ = try PlacementStore.cancel(c, id: gStay.id, reason: .riskChanged, at: at(2018, 9, 20))
        // Named in an incident still open, then taken out of it by a later version: no longer named, so still due.
        let named = try IncidentStore.report(
            c, actor: staff, premisesId: p.id,
            IncidentDraft(
                occurredAt: at(2018, 9, 1), category: .threats, severity: .low, description: "Shouting",
                residentIds: [g.id]), now: at(2018, 9, 1, 13))
        var unnamed = named.draft
        unnamed.residentIds = []
        _ = try IncidentStore.edit(
            c, actor: staff, incidentId: named.id, basedOn: 1, status: .open, unnamed, now: at(2018, 9, 2))

        return World(
            premises: p.id, due: ["A": a.id, "F": fRes.id, "G": g.id],
            kept: ["B": b.id, "C": cc.id, "D": dd.id, "E": e.id],
            personal: [
                "Zebedee", "Quartermain", a.crn.value, "Jane Victim", "St Mary", "Flat 3", "Fenella", "Neverplaced",
                fRes.crn.value, "Gideon", "Cancelledstay", g.crn.value,
            ])
    }

    static func runCommand(_ database: String, _ arguments: [String]) async throws -> (
        status: Int32, out: String, err: String
    ) {
        try await TestDatabase.onThread {
            try TestDatabase.run(
                "ap-server", ["retention"] + arguments + ["--by", "Test DPO"], environment: ["DATABASE_URL": database])
        }
    }

    @Test func anonymisesExactlyTheDueAndLeavesTheEvidenceAsItWas() async throws {
        let policy = FileManager.default.temporaryDirectory.appendingPathComponent("retention-\(UUID()).json")
        try Data(#"{"anonymiseResidentsAfterYears": 6}"#.utf8).write(to: policy)
        defer { try? FileManager.default.removeItem(at: policy) }
        try await TestDatabase.withFresh { config in
            let database = TestDatabase.url(database: config.database!)
            let (w, before, chainsBefore, occupancyBefore) = try await TestDatabase.withConnection(config) {
                (c: PGConnection) throws -> Before in
                let w = try Self.world(c)
                return (w, try Self.dump(c), try Self.chainsHold(c, w.premises), try Self.occupancy(c, w.premises))
            }
            #expect(chainsBefore)

            // The dry run names the three due, says who is kept and why, and changes nothing.
            let dry = try await Self.runCommand(database, ["--policy", policy.path])
            #expect(dry.status == 0, "\(dry)")
            let crns = try await TestDatabase.withConnection(config) { c in
                try c.query("SELECT id, crn FROM residents").reduce(into: [UUID: String]()) {
                    $0[try $1.decode("id")] = try $1.decode("crn")
                }
            }
            #expect(dry.out.contains("3 residents due:"), "\(dry.out)")
            for id in w.due.values { #expect(dry.out.contains(crns[id]!)) }
            for id in w.kept.values { #expect(!dry.out.contains(crns[id]!)) }
            #expect(
                dry.out.contains(
                    "Kept although due: 1 with an open placement, 1 with an open alert, 1 named in an incident not "
                        + "closed."), "\(dry.out)")
            #expect(dry.out.contains("nothing was changed"))
            let afterDry = try await TestDatabase.withConnection(config) { c in try Self.dump(c) }
            #expect(afterDry == before)

            // Applied two at a time.
            let applied = try await Self.runCommand(database, ["--policy", policy.path, "--apply", "--batch", "2"])
            #expect(applied.status == 0 && applied.out.contains("Anonymised 3 residents in 2 batches."), "\(applied)")

            try await TestDatabase.withConnection(config) { c in
                let after = try Self.dump(c)
                // The evidence is as it was, and its chains verify; so are the occupancy figures, to the byte.
                for table in Self.chained { #expect(after[table] == before[table], "\(table)") }
                #expect(after["movements"]!.contains("Acacia Road"))
                #expect(try Self.chainsHold(c, w.premises))
                let occupancyAfter = try Self.occupancy(c, w.premises)
                #expect(occupancyAfter.csv == occupancyBefore.csv && occupancyAfter.json == occupancyBefore.json)
                #expect(occupancyAfter.csv.contains("\r\n2018-03-01,3,"))

                // Exactly the due are anonymised, each wholly.
                let anonymised: Set<UUID> = Set(
                    try c.query("SELECT id FROM residents WHERE anonymised_at IS NOT NULL").map { try $0.decode("id") })
                #expect(anonymised == Set(w.due.values))
                let a = try #require(try ResidentStore.get(c, id: w.due["A"]!))
                #expect(a.crn == .anonymised && a.givenName == "Anonymised" && a.familyName == "Resident")
                #expect(a.dateOfBirth == Self.d(1990, 1, 1) && a.practitioner == Practitioner(name: "Anonymised"))
                #expect(a.contingencyPlan.isEmpty && a.anonymisedAt != nil && a.rosh == .high)
                for table in after.keys where !Self.chained.contains(table) {
                    for text in w.personal { #expect(!after[table]!.contains(text), "\(table) still has \(text)") }
                }
                // The kept are untouched, row for row, wherever they appear.
                for id in w.kept.values {
                    let key = id.uuidString.lowercased()
                    for (table, rows) in before where !table.hasPrefix("audit") {
                        let mine = { (text: String) in text.split(separator: "\n").filter { $0.contains(key) } }
                        #expect(mine(after[table]!) == mine(rows), "\(table)")
                    }
                }

                // Recorded with counts, by whom, and no personal data.
                let runs = try c.query(
                    "SELECT applied, due, kept_open_placement, kept_open_alert, kept_open_incident, actor, "
                        + "to_jsonb(r)::text AS row, (SELECT array_agg(anonymised ORDER BY batch) "
                        + "FROM retention_batches WHERE run_id = r.id) AS batches FROM retention_runs r ORDER BY at")
                #expect(runs.count == 2)
                #expect(try runs.map { try $0.decode("applied", as: Bool.self) } == [false, true])
                #expect(try runs.map { try $0.decode("due", as: Int32.self) } == [3, 3])
                #expect(
                    try runs[1].decode("kept_open_placement", as: Int32.self) == 1
                        && runs[1].decode("kept_open_alert", as: Int32.self) == 1
                        && runs[1].decode("kept_open_incident", as: Int32.self) == 1)
                #expect(try runs[1].decode("actor", as: String.self) == "operator:Test DPO")
                #expect(try runs[1].decode("batches", as: [Int32]?.self) == [2, 1])
                for run in runs {
                    let row: String = try run.decode("row")
                    for text in w.personal { #expect(!row.contains(text)) }
                }
                let audited: Int = try c.query(
                    "SELECT count(*)::int AS n FROM audit_log WHERE table_name = 'residents' AND action = 'update' "
                        + "AND actor = 'operator:Test DPO' AND 'anonymised_at' = ANY (columns)")[0].decode("n")
                #expect(audited == 3)
            }

            // Nothing more is due: a second run changes nothing.
            let again = try await Self.runCommand(database, ["--policy", policy.path, "--apply"])
            #expect(again.status == 0 && again.out.contains("Anonymised 0 residents in 0 batches."), "\(again)")

            try await TestDatabase.withConnection(config) { c in
                // The database refuses what the policy forbids, whoever asks.
                let system = Actor.operating("Someone", tool: "psql")
                for (who, constraint) in [
                    ("B", "residents_anonymise_open_alert"), ("C", "residents_anonymise_open_incident"),
                    ("D", "residents_anonymise_open_placement"),
                ] {
                    let refused = pgError {
                        try c.acting(as: system) { c in
                            _ = try c.query("UPDATE residents SET anonymised_at = now() WHERE id = $1", [w.kept[who]!])
                        }
                    }
                    #expect(refused?.constraint == constraint, "\(who)")
                }
                // A kept resident's free text is not erased on its own.
                let erased = pgError {
                    try c.acting(as: system) { c in
                        _ = try c.query(
                            "UPDATE licence_conditions SET wording = '' WHERE resident_id = $1", [w.kept["E"]!])
                    }
                }
                #expect(erased?.constraint == "licence_conditions_history")
                // An anonymised record is never changed again, and nobody is booked under it.
                let a = w.due["A"]!
                let details = ResidentDetails(
                    givenName: "Zebedee", familyName: "Quartermain", dateOfBirth: Self.d(1990, 5, 17), gender: .male,
                    rosh: .high, practitioner: Practitioner(name: "P"))
                #expect(storeError { _ = try ResidentStore.update(c, id: a, details) }?.code == "resident-anonymised")
                // Someone who comes back is added again as new: their CRN identifies nobody else now.
                let back = try ResidentStore.create(
                    c,
                    NewResident(
                        premisesId: w.premises, crn: crns[a]!, givenName: "Zebedee", familyName: "Quartermain",
                        dateOfBirth: Self.d(1990, 5, 17), gender: .male, rosh: .high,
                        practitioner: Practitioner(name: "P")))
                let found = try ResidentStore.get(c, crn: CRN(crns[a]!)!)
                #expect(back.id != a && found?.id == back.id)
                let later = Zone.local(Date(), in: Self.zone).date.adding(days: 100)
                #expect(
                    storeError {
                        _ = try PlacementStore.create(
                            c, residentId: a, premisesId: w.premises,
                            expected: Nights(from: later, to: later.adding(days: 9))!)
                    }?.code == "resident-anonymised")
            }

            // A policy the command cannot read is refused before anything is looked at.
            try Data(#"{"anonymiseResidentAfterYears": 6}"#.utf8).write(to: policy)
            let misspelt = try await Self.runCommand(database, ["--policy", policy.path])
            #expect(misspelt.status == 64 && misspelt.err.contains("unknown setting anonymiseResidentAfterYears"))
        }
    }

    /// What staff meet afterwards: the API shows the record as anonymised and refuses to change it or book under it
    /// (409, as a problem); the resident's page says so and offers neither.
    @Test func anAnonymisedRecordIsShownAsSuchAndOffersNoChange() async throws {
        try await Harness.with { h in
            let added: Resident = try await h.manager.post(
                "api/v1/residents",
                [
                    "crn": "Z909090", "givenName": "Wilhelmina", "familyName": "Oddname", "dateOfBirth": "1988-07-14",
                    "gender": "male", "rosh": "low", "practitioner": ["name": "Pat", "phone": "", "email": ""],
                ])
            let code: String = try await h.db { c in
                try c.query("UPDATE residents SET anonymised_at = now() WHERE id = $1", [added.id])
                return try c.query("SELECT code FROM premises WHERE id = $1", [h.home])[0].decode("code")
            }
            let read = try await h.manager.get("api/v1/residents/\(added.id)", as: ResidentRecord.self).resident
            #expect(read.crn == .anonymised && read.familyName == "Resident" && read.anonymisedAt != nil)
            let details = ResidentDetails(
                givenName: "W", familyName: "O", dateOfBirth: Self.d(1988, 7, 14), gender: .male, rosh: .low,
                practitioner: Practitioner(name: "Pat"))
            let change = try await h.manager.send(
                "PUT", "api/v1/residents/\(added.id)", body: try APIJSON.encoder.encode(details))
            #expect(
                change.status == 409 && String(decoding: change.body, as: UTF8.self).contains("resident-anonymised"))
            let later = Zone.local(Date(), in: Self.zone).date.adding(days: 40)
            let stay = NewPlacement(
                residentId: added.id, premisesId: h.home, expectedArrival: later,
                expectedDeparture: later.adding(days: 7))
            let booking = try await h.manager.send(
                "POST", "api/v1/placements", body: try APIJSON.encoder.encode(stay))
            #expect(
                booking.status == 409 && String(decoding: booking.body, as: UTF8.self).contains("resident-anonymised"))

            let page = try await WebTests.script(
                "page.py", [h.url.absoluteString, h.tokens.manager, "/premises/\(code)/residents/\(added.id)"])
            #expect(page["status"] == .number(200))
            guard case .string(let html)? = page["html"] else {
                Issue.record("no page: \(page)")
                return
            }
            #expect(html.contains("Anonymised Resident") && html.contains("under the retention policy"))
            #expect(!html.contains("Change their details") && !html.contains("Book a placement"))
            #expect(!html.contains("Add a condition") && !html.contains("Wilhelmina") && !html.contains("Z909090"))
        }
    }

    /// A booking and an anonymisation of the same person, at once, wait for each other (the booking locks the
    /// person's row): whichever commits second sees the first. An anonymisation waiting on a booking keeps the person;
    /// a booking waiting on an anonymisation is refused.
    @Test func aBookingAndAnAnonymisationOfOnePersonWaitForEachOther() async throws {
        try await TestDatabase.withFresh { config in
            let (p, first, second, manager) = try await TestDatabase.withConnection(config) {
                (c: PGConnection) throws -> (UUID, UUID, UUID, Actor) in
                let f = Fixture(c: c)
                let (p, _) = try f.premises()
                let ids = try (0..<2).map { i in
                    let r = try f.resident(given: "Race", family: "Person\(i)", at: p.id)
                    let stay = try PlacementStore.create(
                        c, residentId: r.id, premisesId: p.id,
                        expected: Nights(from: Self.d(2018, 1, 1), to: Self.d(2018, 2, 1))!)
                    _ = try PlacementStore.cancel(c, id: stay.id, reason: .riskChanged, at: Self.at(2017, 12, 20))
                    return r.id
                }
                return (p.id, ids[0], ids[1], try f.actor("Booker", role: .manager, at: [p.id]))
            }
            let soon = Zone.local(Date(), in: Self.zone).date.adding(days: 20)
            let stay = Nights(from: soon, to: soon.adding(days: 10))!
            let policy = RetentionPolicy(anonymiseResidentsAfterYears: 6)!
            let operatorActor = Actor.operating("Test DPO", tool: "test")

            // A booking not yet committed: the anonymisation that starts meanwhile waits, then keeps the person.
            let booked = DispatchSemaphore(value: 0)
            let commit = DispatchSemaphore(value: 0)
            async let booking: UUID = TestDatabase.withConnection(config) { c in
                try c.acting(as: manager) { c in
                    let placement = try PlacementStore.create(c, residentId: first, premisesId: p, expected: stay)
                    booked.signal()
                    commit.wait()
                    return placement.id
                }
            }
            try await TestDatabase.onThread { booked.wait() }
            async let retention = TestDatabase.withConnection(config) { c in
                try RetentionStore.run(
                    c, actor: operatorActor, policy: policy, now: Date(), zone: Self.zone, apply: true)
            }
            try await Self.someoneWaitsForALock(config)
            commit.signal()
            let placed = try await booking
            let outcome = try await retention
            // Both were due when the run began; the one being booked was kept.
            #expect(outcome.plan.due.count == 2 && outcome.anonymised == 1)

            // An anonymisation not yet committed: the booking that starts meanwhile waits, then is refused.
            try await TestDatabase.withConnection(config) { c in
                let states: [UUID: Bool] = try c.query("SELECT id, anonymised_at IS NOT NULL AS a FROM residents")
                    .reduce(into: [:]) { $0[try $1.decode("id")] = try $1.decode("a") }
                #expect(states[first] == false && states[second] == true)
                #expect(
                    try c.query("SELECT status FROM placements WHERE id = $1", [placed])[0].decode(
                        "status", as: String.self) == "upcoming")
            }
            let third = try await TestDatabase.withConnection(config) { c in
                try Fixture(c: c).resident(given: "Race", family: "Third", at: p).id
            }
            try await TestDatabase.withConnection(config) { c in
                try c.query("UPDATE residents SET created_at = '2018-01-01' WHERE id = $1", [third])
            }
            let anonymising = DispatchSemaphore(value: 0)
            let finish = DispatchSemaphore(value: 0)
            async let anonymised: Void = TestDatabase.withConnection(config) { c in
                try c.acting(as: operatorActor) { c in
                    _ = try c.query("UPDATE residents SET anonymised_at = now() WHERE id = $1", [third])
                    anonymising.signal()
                    finish.wait()
                }
            }
            try await TestDatabase.onThread { anonymising.wait() }
            async let refused = TestDatabase.withConnection(config) { c in
                storeError {
                    try c.acting(as: manager) { c in
                        _ = try PlacementStore.create(c, residentId: third, premisesId: p, expected: stay)
                    }
                }?.code
            }
            try await Self.someoneWaitsForALock(config)
            finish.signal()
            try await anonymised
            #expect(try await refused == "resident-anonymised")
        }
    }

    /// Returns once a session of the database is waiting for a lock (the other side of a race has reached it).
    static func someoneWaitsForALock(_ config: PGConfig) async throws {
        try await TestDatabase.withConnection(config) { c in
            for _ in 0..<600 {
                let waiting: Int = try c.query(
                    "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() "
                        + "AND wait_event_type = 'Lock'")[0].decode("n")
                if waiting > 0 { return }
                Thread.sleep(forTimeInterval: 0.05)
            }
            Issue.record("nobody waited for the lock within 30 s")
        }
    }
}
