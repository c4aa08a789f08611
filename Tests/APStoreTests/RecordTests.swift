import APDomain
import APStore
import APWire
import Civil
import Foundation
import PGDriver
import TestDatabase
import Testing

@Suite struct ConditionTests {
    func d(_ s: String) -> LocalDate { LocalDate(s)! }
    func w(_ a: String, _ b: String) -> CurfewWindow { CurfewWindow(start: LocalTime(a)!, end: LocalTime(b)!)! }
    func at(_ s: String) -> Date { try! Date(s, strategy: .iso8601) }

    @Test func conditionsAreVariedNeverEdited() async throws {
        try await TestDatabase.withFresh { config in
            try await TestDatabase.withConnection(config) { c in
                let f = Fixture(c: c)
                let r = try f.resident()
                let actor = try Fixture(c: c).actor("M", role: .manager)
                let standard = try ConditionStore.add(
                    c, actor: actor, residentId: r.id,
                    NewCondition(kind: .noTravelAbroad, source: .licence, startsOn: d("2026-01-01")))
                #expect(standard.kind.isStandard && standard.curfew == nil)
                let curfew = try ConditionStore.add(
                    c, actor: actor, residentId: r.id,
                    NewCondition(
                        kind: .curfew, source: .court, startsOn: d("2026-03-01"),
                        wording: "Between 21:00 and 07:00 on Fridays and Saturdays",
                        curfew: CurfewDetails(windows: [w("21:00", "07:00")], days: [5, 6])))
                #expect(curfew.curfew == CurfewDetails(windows: [w("21:00", "07:00")], days: [5, 6]))

                // Refused before the database sees it, naming the field.
                let four = NewCondition(
                    kind: .curfew, source: .licence, startsOn: d("2026-03-01"),
                    curfew: CurfewDetails(windows: Array(repeating: w("20:00", "21:00"), count: 4)))
                #expect(
                    storeError { _ = try ConditionStore.add(c, actor: actor, residentId: r.id, four) }?.field
                        == "curfew")
                let badDay = NewCondition(
                    kind: .curfew, source: .licence, startsOn: d("2026-03-01"),
                    curfew: CurfewDetails(windows: [w("20:00", "21:00")], days: [8]))
                #expect(
                    storeError { _ = try ConditionStore.add(c, actor: actor, residentId: r.id, badDay) }?.code
                        == "curfew-invalid")
                #expect(
                    storeError {
                        _ = try ConditionStore.add(
                            c, actor: actor, residentId: r.id,
                            NewCondition(kind: .reporting, source: .licence, startsOn: d("2026-03-01")))
                    }?.code == "reporting-times")

                // Varying ends the old one on a night and starts the new one that night.
                let varied = try ConditionStore.vary(
                    c, actor: actor, conditionId: curfew.id, from: d("2026-03-20"),
                    replacement: NewCondition(
                        kind: .curfew, source: .apManager, startsOn: d("2026-03-20"),
                        curfew: CurfewDetails(windows: [w("22:00", "07:00")])))
                let all = try ConditionStore.list(c, residentId: r.id)
                #expect(all.map(\.id) == [standard.id, curfew.id, varied.id])
                #expect(
                    all[1].endsOn == d("2026-03-20") && varied.replaces == curfew.id
                        && varied.startsOn == d("2026-03-20"))
                #expect(
                    storeError {
                        _ = try ConditionStore.vary(
                            c, actor: actor, conditionId: curfew.id, from: d("2026-03-25"),
                            replacement: NewCondition(
                                kind: .curfew, source: .court, startsOn: d("2026-03-25"),
                                curfew: CurfewDetails(windows: [w("20:00", "07:00")])))
                    }?.code == "vary-outside")

                // The database refuses an edit of history, and a later end.
                #expect(
                    pgError {
                        try c.query("UPDATE licence_conditions SET wording = 'changed' WHERE id = $1", [curfew.id])
                    }?.constraint == "licence_conditions_history")
                #expect(
                    pgError {
                        try c.query("UPDATE licence_conditions SET ends_on = '2026-04-01' WHERE id = $1", [curfew.id])
                    }?.constraint == "licence_conditions_history")
                // An end brought forward is allowed; not with any other change alongside it.
                #expect(
                    pgError {
                        try c.query(
                            "UPDATE licence_conditions SET ends_on = ends_on - 1, wording = 'changed' WHERE id = $1",
                            [curfew.id])
                    }?.constraint == "licence_conditions_history")
                #expect(
                    pgError { try c.query("DELETE FROM licence_conditions WHERE id = $1", [curfew.id]) }?.constraint
                        == "licence_conditions_append_only")

                // What the curfew function receives, and what it makes of a Friday before and after the variation.
                let curfews = try ConditionStore.curfews(c, residentIds: [r.id])[r.id]!
                let london = TimeZone(identifier: "Europe/London")!
                let before = CurfewNight.intervals(
                    night: d("2026-03-13"), baseline: w("23:00", "06:00"), conditions: curfews, absences: [],
                    zone: london)
                #expect(before == [DateInterval(start: at("2026-03-13T21:00:00Z"), end: at("2026-03-14T07:00:00Z"))])
                let after = CurfewNight.intervals(
                    night: d("2026-03-20"), baseline: w("23:00", "06:00"), conditions: curfews, absences: [],
                    zone: london)
                #expect(after == [DateInterval(start: at("2026-03-20T22:00:00Z"), end: at("2026-03-21T07:00:00Z"))])
            }
        }
    }

    @Test func authorisedAbsences() async throws {
        try await TestDatabase.withFresh { config in
            try await TestDatabase.withConnection(config) { c in
                let f = Fixture(c: c)
                let r = try f.resident()
                let actor = try Fixture(c: c).actor("M", role: .manager)
                let stay = DateInterval(start: at("2026-11-27T17:00:00Z"), end: at("2026-11-29T12:00:00Z"))
                let absence = try ConditionStore.addAbsence(
                    c, actor: actor, residentId: r.id, during: stay, reason: "Overnight stay with family, approved",
                    approvedBy: "J. Okafor", role: "Probation practitioner")
                let friday = DateInterval(start: at("2026-11-27T12:00:00Z"), end: at("2026-11-28T12:00:00Z"))
                #expect(
                    try ConditionStore.absences(c, residentIds: [r.id], overlapping: friday)[r.id]?.map(\.id) == [
                        absence.id
                    ])
                #expect(
                    try ConditionStore.absences(
                        c, residentIds: [r.id],
                        overlapping: DateInterval(start: at("2026-11-29T12:00:00Z"), duration: 3600)
                    ).isEmpty)
                #expect(
                    storeError {
                        _ = try ConditionStore.addAbsence(
                            c, actor: actor, residentId: r.id, during: DateInterval(start: stay.start, duration: 0),
                            reason: "x", approvedBy: "a", role: "b")
                    }?.code == "absence-empty")
                #expect(
                    storeError {
                        _ = try ConditionStore.addAbsence(
                            c, actor: actor, residentId: r.id, during: stay, reason: "x", approvedBy: "", role: "b")
                    }?.field == "approvedByName")
                try ConditionStore.withdrawAbsence(c, actor: actor, absenceId: absence.id, reason: "trip cancelled")
                #expect(try ConditionStore.absences(c, residentIds: [r.id], overlapping: friday).isEmpty)
            }
        }
    }
}

@Suite struct IncidentTests {
    func at(_ s: String) -> Date { try! Date(s, strategy: .iso8601) }

    @Test func everyEditIsANewVersionAndStatusFollowsItsRules() async throws {
        try await TestDatabase.withFresh { config in
            try await TestDatabase.withConnection(config) { c in
                let f = Fixture(c: c)
                let (p, r, _, staff) = try f.arrivedResident(arrivedAt: at("2026-11-20T14:00:00Z"))
                let now = at("2026-11-24T23:30:00Z")
                var draft = IncidentDraft(
                    occurredAt: at("2026-11-24T23:10:00Z"), location: "Lounge", category: .damageToProperty,
                    severity: .medium,
                    description: "Window broken; resident said \"it was an accident\"",
                    immediateAction: "Area made safe",
                    residentIds: [r.id], staffIds: [staff.staffId!])
                let v1 = try IncidentStore.report(c, actor: staff, premisesId: p.id, draft, now: now)
                #expect(v1.version == 1 && v1.status == .open)
                draft.policeInformed = true
                draft.policeReference = "GMP-2026-11-24-0042"
                draft.followUps = [
                    FollowUp(action: "Glazier booked", owner: staff.staffId!, due: LocalDate("2026-11-26")!)
                ]
                let v2 = try IncidentStore.edit(
                    c, actor: staff, incidentId: v1.id, basedOn: 1, status: .underReview, draft, now: now)
                #expect(v2.version == 2 && v2.status == .underReview && v2.draft.followUps.count == 1)
                // An edit based on a version someone has since replaced is refused, not merged.
                #expect(
                    storeError {
                        _ = try IncidentStore.edit(c, actor: staff, incidentId: v1.id, basedOn: 1, draft, now: now)
                    }?.code == "edited-meanwhile")
                let closed = try IncidentStore.edit(
                    c, actor: staff, incidentId: v1.id, basedOn: 2, status: .closed, draft, now: now)
                #expect(
                    storeError {
                        _ = try IncidentStore.edit(
                            c, actor: staff, incidentId: v1.id, basedOn: 3, status: .underReview, draft, now: now)
                    }?.code == "incident-status")
                let reopened = try IncidentStore.edit(
                    c, actor: staff, incidentId: v1.id, basedOn: closed.version, status: .open, draft, now: now)
                #expect(reopened.version == 4 && reopened.status == .open)
                #expect(
                    try IncidentStore.versions(c, id: v1.id).map(\.status) == [.open, .underReview, .closed, .open])
                #expect(try IncidentStore.versions(c, id: v1.id).first == v1)  // the first version, unchanged
                #expect(
                    try IncidentStore.list(c, premisesId: p.id, since: at("2026-11-24T00:00:00Z")).map(\.version) == [4]
                )

                var bad = draft
                bad.policeInformed = false
                #expect(
                    storeError { _ = try IncidentStore.report(c, actor: staff, premisesId: p.id, bad, now: now) }?.code
                        == "police-reference-without-police")
                bad = draft
                bad.occurredAt = now.addingTimeInterval(3600)
                #expect(
                    storeError { _ = try IncidentStore.report(c, actor: staff, premisesId: p.id, bad, now: now) }?.code
                        == "time-in-future")
                #expect(
                    pgError {
                        try c.query(
                            "UPDATE incident_versions SET description = 'rewritten' WHERE incident_id = $1", [v1.id])
                    }?.constraint == "incident_versions_append_only")
                #expect(try AuditStore.firstBreak(c, chain: .incidentVersions, premisesId: p.id) == nil)
                try c.execute("ALTER TABLE incident_versions DISABLE TRIGGER incident_versions_append_only")
                try c.query(
                    "UPDATE incident_versions SET description = 'rewritten' WHERE incident_id = $1 AND version = 2",
                    [v1.id])
                try c.execute("ALTER TABLE incident_versions ENABLE TRIGGER incident_versions_append_only")
                #expect(try AuditStore.firstBreak(c, chain: .incidentVersions, premisesId: p.id) == 2)
            }
        }
    }
}

@Suite struct AlertTests {
    func at(_ s: String) -> Date { try! Date(s, strategy: .iso8601) }

    @Test func raisedOnceAcknowledgedOnTheChainResolvedOnce() async throws {
        try await TestDatabase.withFresh { config in
            let (p, stay, staff) = try await TestDatabase.withConnection(config) { c in
                let (p, _, stay, staff) = try Fixture(c: c).arrivedResident(arrivedAt: at("2026-11-20T14:00:00Z"))
                return (p, stay, staff)
            }
            let night = LocalDate("2026-11-24")!
            // Two workers raise the same alert at once: one row.
            let pool = PGPool(config, options: .init(maxConnections: 4))
            let raised = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        try await pool.withConnection {
                            try AlertStore.raise(
                                $0, actor: .worker(), placementId: stay.id, night: night, kind: .lateReturn,
                                evidence: [], escalate: false)
                        } != nil
                    }
                }
                return try await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(raised.filter { $0 }.count == 1)
            await pool.shutdown()

            try await TestDatabase.withConnection(config) { c in
                let alert = try #require(try AlertStore.list(c, premisesId: p.id, since: night).first)
                #expect(alert.kind == .lateReturn && alert.night == night)
                // Another kind the same night is another alert.
                #expect(
                    try AlertStore.raise(
                        c, actor: .worker(), placementId: stay.id, night: night, kind: .absentOvernight, evidence: [],
                        escalate: true)?.escalate == true)
                let acked = try AlertStore.acknowledge(
                    c, actor: staff, alertId: alert.id, outcome: .returnedLate,
                    note: "back 23:40, breathalysed: negative")
                #expect(
                    acked.acknowledgements.map(\.outcome) == [.returnedLate]
                        && acked.acknowledgements[0].by == staff.staffId)
                _ = try AlertStore.acknowledge(c, actor: staff, alertId: alert.id, outcome: .contactedOutOfHoursManager)
                #expect(try AuditStore.firstBreak(c, chain: .alertAcknowledgements, premisesId: p.id) == nil)
                // Before its resolution too, an alert changes in nothing else.
                #expect(
                    pgError { try c.query("UPDATE alerts SET kind = 'left_during_curfew' WHERE id = $1", [alert.id]) }?
                        .constraint == "alerts_history")
                try AlertStore.resolve(
                    c, actor: .worker(), alertId: alert.id, reason: "the sign-out was voided: recording error")
                #expect(
                    storeError { try AlertStore.resolve(c, actor: .worker(), alertId: alert.id, reason: "again") }?.code
                        == "alert-resolved")
                #expect(
                    try AlertStore.list(c, premisesId: p.id, since: night, openOnly: true).map(\.kind) == [
                        .absentOvernight
                    ])
                #expect(
                    pgError { try c.query("UPDATE alerts SET kind = 'left_during_curfew' WHERE id = $1", [alert.id]) }?
                        .constraint == "alerts_history")
                #expect(
                    pgError { try c.query("DELETE FROM alerts WHERE id = $1", [alert.id]) }?.constraint
                        == "alerts_append_only")
                #expect(try AlertStore.get(c, id: alert.id)?.acknowledgements.count == 2)
            }
        }
    }
}

@Suite struct AuditTests {
    func at(_ s: String) -> Date { try! Date(s, strategy: .iso8601) }

    @Test func writesAndReadsOfARecordAreAudited() async throws {
        try await TestDatabase.withFresh { config in
            try await TestDatabase.withConnection(config) { c in
                let f = Fixture(c: c)
                let (p, r, stay, staff) = try f.arrivedResident(arrivedAt: at("2026-11-20T14:00:00Z"))
                let m = try MovementStore.record(
                    c, actor: staff, premisesId: p.id, .init(residentId: r.id, kind: .out),
                    now: at("2026-11-24T20:00:00Z"))
                #expect(
                    try AuditStore.entries(c, table: "movements", rowId: m.id) == [
                        AuditStore.Record(
                            actor: staff.name, origin: "test", action: "insert", table: "movements", columns: [])
                    ])
                // An update records which columns changed, never their values.
                _ = try c.acting(as: staff) { c in
                    try PlacementStore.depart(
                        c, id: stay.id, at: at("2026-11-24T21:00:00Z"), reason: .plannedMoveOn,
                        now: at("2026-11-25T09:00:00Z"))
                }
                let placementEntries = try AuditStore.entries(c, table: "placements", rowId: stay.id)
                #expect(placementEntries.map(\.action) == ["insert", "update", "update"])  // created, arrived, departed
                #expect(
                    placementEntries.last
                        == AuditStore.Record(
                            actor: staff.name, origin: "test", action: "update", table: "placements",
                            columns: ["departed_at", "departure_reason", "status"]))
                // written without an actor: the fixture, like a seed
                #expect(placementEntries.first?.actor == "system")
                // Reading the full record is recorded too.
                let record = try #require(try ResidentStore.fullRecord(c, actor: staff, id: r.id))
                #expect(record.recentMovements.map(\.id) == [m.id] && record.placements.map(\.status) == [.departed])
                #expect(try AuditStore.entries(c, table: "residents", rowId: r.id).map(\.action) == ["insert", "read"])
                let leaked: Int = try c.query(
                    "SELECT count(*) AS n FROM audit_log WHERE actor || origin || array_to_string(columns, ',') LIKE "
                        + "'%' || $1 || '%'",
                    [r.familyName])[0].decode("n")
                #expect(leaked == 0)
            }
        }
    }
}

@Suite struct ConcurrentIncidentEditTests {
    @Test func twoEditsOfOneVersionAtOnceOneWins() async throws {
        try await TestDatabase.withFresh { config in
            let now = Date()
            let (p, staff, draft, id) = try await TestDatabase.withConnection(config) { c in
                let (p, _, _, staff) = try Fixture(c: c).arrivedResident(arrivedAt: now.addingTimeInterval(-86_400))
                let draft = IncidentDraft(
                    occurredAt: now.addingTimeInterval(-60), category: .threats, severity: .high,
                    description: "Verbal threats to staff")
                return (
                    p, staff, draft, try IncidentStore.report(c, actor: staff, premisesId: p.id, draft, now: now).id
                )
            }
            let pool = PGPool(config, options: .init(maxConnections: 6))
            let outcomes = try await withThrowingTaskGroup(of: String.self) { group in
                for i in 0..<6 {
                    group.addTask {
                        var edited = draft
                        edited.immediateAction = "edit \(i)"
                        let mine = edited
                        do {
                            _ = try await pool.withConnection {
                                try IncidentStore.edit($0, actor: staff, incidentId: id, basedOn: 1, mine, now: now)
                            }
                            return "saved"
                        } catch let e as StoreError { return e.code }
                    }
                }
                return try await group.reduce(into: [String]()) { $0.append($1) }.sorted()
            }
            #expect(outcomes == Array(repeating: "edited-meanwhile", count: 5) + ["saved"])
            let versions: [Int] = try await pool.withConnection {
                try IncidentStore.versions($0, id: id).map(\.version)
            }
            #expect(versions == [1, 2])
            _ = p
            await pool.shutdown()
        }
    }
}
