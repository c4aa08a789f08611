import APDomain
import APStore
import APWire
import Civil
import Foundation
import PGDriver
import TestDatabase
import Testing

@Suite struct MovementTests {
    func at(_ s: String) -> Date { try! Date(s, strategy: .iso8601) }

    @Test func signingOutAndInFollowsTheRules() async throws {
        try await TestDatabase.withFresh { config in
            try await TestDatabase.withConnection(config) { c in
                let f = Fixture(c: c)
                let (p, r, stay, staff) = try f.arrivedResident(arrivedAt: at("2026-11-20T14:00:00Z"))
                let now = at("2026-11-24T19:00:00Z")
                let out = try MovementStore.record(
                    c, actor: staff, premisesId: p.id,
                    NewMovement(
                        residentId: r.id, kind: .out, destination: "Tesco; then library",
                        expectedBack: at("2026-11-24T21:00:00Z")), now: now)
                #expect(out.kind == .out && out.at == now && out.recordedBy == staff.staffId && out.seq == 1)
                #expect(
                    storeError {
                        _ = try MovementStore.record(
                            c, actor: staff, premisesId: p.id, NewMovement(residentId: r.id, kind: .out), now: now)
                    }?.code == "already-out")
                var roll = try MovementStore.roll(c, premisesId: p.id, night: LocalDate("2026-11-24")!)
                #expect(
                    roll.map(\.isIn) == [false] && roll[0].destination == "Tesco; then library"
                        && roll[0].bedCode == "1A" && roll[0].since == now)

                let back = now.addingTimeInterval(3600)
                _ = try MovementStore.record(
                    c, actor: staff, premisesId: p.id, NewMovement(residentId: r.id, kind: .in), now: back)
                #expect(
                    storeError {
                        _ = try MovementStore.record(
                            c, actor: staff, premisesId: p.id, NewMovement(residentId: r.id, kind: .in), now: back)
                    }?.code == "already-in")
                roll = try MovementStore.roll(c, premisesId: p.id, night: LocalDate("2026-11-24")!)
                #expect(roll.map(\.isIn) == [true])

                // Times: not in the future; late needs a reason; not before the last entry; not before arrival.
                #expect(
                    storeError {
                        _ = try MovementStore.record(
                            c, actor: staff, premisesId: p.id,
                            NewMovement(residentId: r.id, kind: .out, at: back.addingTimeInterval(600)), now: back)
                    }?.code == "time-in-future")
                let later = back.addingTimeInterval(7200)
                #expect(
                    storeError {
                        _ = try MovementStore.record(
                            c, actor: staff, premisesId: p.id,
                            NewMovement(residentId: r.id, kind: .out, at: later.addingTimeInterval(-1800)), now: later)
                    }?.code == "late-movement-needs-reason")
                #expect(
                    storeError {
                        _ = try MovementStore.record(
                            c, actor: staff, premisesId: p.id,
                            NewMovement(
                                residentId: r.id, kind: .out, at: back.addingTimeInterval(-60), lateReason: "forgot"),
                            now: later)
                    }?.code == "out-of-order")
                let late = try MovementStore.record(
                    c, actor: staff, premisesId: p.id,
                    NewMovement(
                        residentId: r.id, kind: .out, at: later.addingTimeInterval(-1800),
                        lateReason: "busy with an incident"), now: later)
                #expect(late.lateReason == "busy with an incident" && late.at == later.addingTimeInterval(-1800))
                #expect(try MovementStore.history(c, placementId: stay.id).map(\.seq) == [1, 2, 3])

                // Only a resident who has arrived here can be signed in or out here.
                let upcoming = try f.placement(p, Nights(from: LocalDate("2026-12-01")!, to: LocalDate("2026-12-20")!)!)
                #expect(
                    storeError {
                        _ = try MovementStore.record(
                            c, actor: staff, premisesId: p.id, NewMovement(residentId: upcoming.residentId, kind: .out),
                            now: later)
                    }?.code == "not-staying-here")
                let (elsewhere, _) = try f.premises()
                #expect(
                    storeError {
                        _ = try MovementStore.record(
                            c, actor: staff, premisesId: elsewhere.id, NewMovement(residentId: r.id, kind: .in),
                            now: later)
                    }?.code == "not-staying-here")
                #expect(
                    storeError {
                        _ = try MovementStore.record(
                            c, actor: staff, premisesId: p.id,
                            NewMovement(residentId: r.id, kind: .in, at: at("2026-11-19T10:00:00Z"), lateReason: "x"),
                            now: later)
                    }?.code == "before-arrival")
            }
        }
    }

    @Test func aCorrectionVoidsAnEntryWithoutChangingIt() async throws {
        try await TestDatabase.withFresh { config in
            try await TestDatabase.withConnection(config) { c in
                let f = Fixture(c: c)
                let (p, r, stay, staff) = try f.arrivedResident(arrivedAt: at("2026-11-20T14:00:00Z"))
                let now = at("2026-11-24T22:00:00Z")
                let mistaken = try MovementStore.record(
                    c, actor: staff, premisesId: p.id, NewMovement(residentId: r.id, kind: .out), now: now)
                let void = try MovementStore.void(
                    c, actor: staff, movementId: mistaken.id, reason: "signed out the wrong resident",
                    now: now.addingTimeInterval(60))
                #expect(
                    void.kind == .void && void.voids == mistaken.id
                        && void.voidReason == "signed out the wrong resident")
                #expect(
                    try MovementStore.roll(c, premisesId: p.id, night: LocalDate("2026-11-24")!).map(\.isIn) == [true])
                // The mistaken entry is still there, unchanged.
                #expect(try MovementStore.history(c, placementId: stay.id).first == mistaken)
                #expect(
                    storeError {
                        _ = try MovementStore.void(c, actor: staff, movementId: mistaken.id, reason: "again", now: now)
                    }?.code == "already-voided")
                #expect(
                    storeError {
                        _ = try MovementStore.void(c, actor: staff, movementId: void.id, reason: "undo", now: now)
                    }?.code == "void-of-void")
                #expect(
                    storeError {
                        _ = try MovementStore.void(c, actor: staff, movementId: mistaken.id, reason: " ", now: now)
                    }?.field == "reason")
                // After the void the resident can be signed out for real.
                _ = try MovementStore.record(
                    c, actor: staff, premisesId: p.id, NewMovement(residentId: r.id, kind: .out),
                    now: now.addingTimeInterval(120))
                // The database's own wall, for a writer that skips the store: a void of a void is refused.
                let direct = #expect(throws: PGError.self) {
                    try c.query(
                        """
                        INSERT INTO movements (premises_id, placement_id, resident_id, kind, at, voids, void_reason)
                            VALUES ($1, $2, $3, 'void', $4, $5, 'x')
                        """, [p.id, stay.id, r.id, now.addingTimeInterval(180), void.id])
                }
                #expect(direct?.constraint == "movements_void_of_void")
                #expect(
                    try c.query("SELECT chain_first_break('movements', $1)", [p.id])[0].decode(0, as: Int?.self) == nil)
            }
        }
    }

    /// The pooled connection as the next request finds it: its own role, no actor, no scope, no transaction.
    func expectNothingLeft(on c: PGConnection, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let after = try c.query(
            "SELECT current_user AS role, coalesce(current_setting('ap.actor', true), '') AS actor, "
                + "coalesce(current_setting('ap.premises', true), '') AS scope"
        )[0]
        #expect(try after.decode("role", as: String.self) != "ap_app", sourceLocation: sourceLocation)
        #expect(
            try after.decode("actor", as: String.self) == "" && after.decode("scope", as: String.self) == "",
            sourceLocation: sourceLocation)
        #expect(c.transactionState == .idle, sourceLocation: sourceLocation)
    }

    /// Recording is one statement that takes the actor's settings itself: it is audited under the actor,
    /// limited to the actor's premises by row-level security, and leaves nothing set on the connection
    /// for whoever uses it next.
    @Test func recordingActsForItsActorAndLeavesNothingBehind() async throws {
        try await TestDatabase.withFresh { config in
            try await TestDatabase.withConnection(config) { c in
                let f = Fixture(c: c)
                let (p, r, stay, shiftStaff) = try f.arrivedResident(arrivedAt: at("2026-11-20T14:00:00Z"))
                var staff = shiftStaff
                let (elsewhere, _) = try f.premises()
                let now = at("2026-11-24T19:00:00Z")
                // Scoped to another premises, the database does not let the actor see the placement.
                staff.premises = [elsewhere.id]
                #expect(
                    storeError {
                        _ = try MovementStore.record(
                            c, actor: staff, premisesId: p.id, NewMovement(residentId: r.id, kind: .out), now: now)
                    }?.code == "not-staying-here")
                #expect(try MovementStore.history(c, placementId: stay.id).isEmpty)

                staff.premises = [p.id]
                let out = try MovementStore.record(
                    c, actor: staff, premisesId: p.id, NewMovement(residentId: r.id, kind: .out), now: now)
                #expect(try AuditStore.entries(c, table: "movements", rowId: out.id).map(\.actor) == [staff.name])
                try expectNothingLeft(on: c)

                // Inside a transaction already acting for someone, it joins that transaction.
                let back = try c.acting(as: staff) { c in
                    try MovementStore.record(
                        c, actor: staff, premisesId: p.id, NewMovement(residentId: r.id, kind: .in),
                        now: now.addingTimeInterval(600))
                }
                #expect(try MovementStore.history(c, placementId: stay.id).map(\.id) == [out.id, back.id])
            }
        }
    }

    /// Who is in, read for an actor in one round trip: the same answer as inside a transaction, limited
    /// to the actor's premises by row-level security, and nothing left set on the connection.
    @Test func theRollReadForAnActorIsScopedAndLeavesNothingBehind() async throws {
        try await TestDatabase.withFresh { config in
            try await TestDatabase.withConnection(config) { c in
                let f = Fixture(c: c)
                let (p, r, _, shiftStaff) = try f.arrivedResident(arrivedAt: at("2026-11-20T14:00:00Z"))
                var staff = shiftStaff
                let (elsewhere, _) = try f.premises()
                let night = LocalDate("2026-11-24")!
                _ = try MovementStore.record(
                    c, actor: staff, premisesId: p.id, NewMovement(residentId: r.id, kind: .out, destination: "gym"),
                    now: at("2026-11-24T19:00:00Z"))
                staff.premises = [p.id]
                let inTransaction = try c.acting(as: staff) { c in
                    try MovementStore.roll(c, premisesId: p.id, night: night)
                }
                let alone = try MovementStore.roll(c, actor: staff, premisesId: p.id, night: night)
                #expect(
                    alone == inTransaction && alone.map(\.residentId) == [r.id] && alone[0].isIn == false
                        && alone[0].destination == "gym")
                try expectNothingLeft(on: c)
                // Scoped to another premises, the database shows the actor nobody here.
                staff.premises = [elsewhere.id]
                #expect(try MovementStore.roll(c, actor: staff, premisesId: p.id, night: night).isEmpty)
            }
        }
    }

    /// The application role cannot alter the log at all; every other role is stopped by the trigger.
    @Test func theLogIsAppendOnly() async throws {
        try await TestDatabase.withFresh { config in
            try await TestDatabase.withConnection(config) { c in
                let f = Fixture(c: c)
                let (p, r, _, staff) = try f.arrivedResident(arrivedAt: at("2026-11-20T14:00:00Z"))
                let m = try MovementStore.record(
                    c, actor: staff, premisesId: p.id, NewMovement(residentId: r.id, kind: .out),
                    now: at("2026-11-24T20:00:00Z"))
                for sql in ["UPDATE movements SET note = 'x' WHERE id = $1", "DELETE FROM movements WHERE id = $1"] {
                    let asApp = pgError {
                        _ = try c.transaction { c in
                            try c.execute("SET LOCAL ROLE ap_app")
                            try c.query(sql, [m.id])
                        }
                    }
                    // permission denied: the role has no UPDATE or DELETE
                    #expect(asApp?.sqlState == "42501", "\(sql)")
                    let asOwner = pgError { try c.query(sql, [m.id]) }
                    #expect(asOwner?.constraint == "movements_append_only", "\(sql)")
                }
                #expect(pgError { try c.execute("TRUNCATE movements CASCADE") }?.constraint == "movements_append_only")
                let auditUpdate = pgError {
                    _ = try c.transaction { c in
                        try c.execute("SET LOCAL ROLE ap_app")
                        try c.execute("UPDATE audit_log SET actor = 'nobody'")
                    }
                }
                #expect(auditUpdate?.sqlState == "42501")
                #expect(pgError { try c.execute("DELETE FROM audit_log") }?.constraint == "audit_log_append_only")
                #expect(try MovementStore.history(c, placementId: m.placementId) == [m])
            }
        }
    }

    /// A row changed or removed behind the application's back (triggers disabled by the owner) is found.
    @Test func verifyFindsTheFirstBrokenLink() async throws {
        try await TestDatabase.withFresh { config in
            try await TestDatabase.withConnection(config) { c in
                let f = Fixture(c: c)
                let (p, r, _, staff) = try f.arrivedResident(arrivedAt: at("2026-11-20T14:00:00Z"))
                var now = at("2026-11-24T18:00:00Z")
                var ids: [UUID] = []
                for i in 0..<6 {
                    ids.append(
                        try MovementStore.record(
                            c, actor: staff, premisesId: p.id,
                            NewMovement(residentId: r.id, kind: i % 2 == 0 ? .out : .in, note: "entry \(i)"), now: now
                        ).id)
                    now = now.addingTimeInterval(600)
                }
                #expect(try AuditStore.firstBreak(c, chain: .movements, premisesId: p.id) == nil)
                // Verification does not depend on the session's time zone.
                try c.execute("SET TimeZone = 'Pacific/Auckland'")
                #expect(try AuditStore.firstBreak(c, chain: .movements, premisesId: p.id) == nil)

                try c.execute("ALTER TABLE movements DISABLE TRIGGER movements_append_only")
                try c.query("UPDATE movements SET at = at - interval '1 minute' WHERE id = $1", [ids[3]])
                #expect(try AuditStore.firstBreak(c, chain: .movements, premisesId: p.id) == 4)
                try c.query("UPDATE movements SET at = at + interval '1 minute' WHERE id = $1", [ids[3]])
                // put back exactly, it verifies again
                #expect(try AuditStore.firstBreak(c, chain: .movements, premisesId: p.id) == nil)
                try c.query("DELETE FROM movements WHERE id = $1", [ids[1]])
                #expect(try AuditStore.firstBreak(c, chain: .movements, premisesId: p.id) == 3)
                try c.query("DELETE FROM movements WHERE id = ANY($1)", [Array(ids[2...])])
                try c.query("DELETE FROM movements WHERE id = $1", [ids[0]])
                // an emptied log, but the head remembers
                #expect(try AuditStore.firstBreak(c, chain: .movements, premisesId: p.id) == 1)
                try c.execute("ALTER TABLE movements ENABLE TRIGGER movements_append_only")
            }
        }
    }

    /// Eight sessions recording at once at one premises: one unbroken chain, and no resident signed out twice.
    @Test func concurrentRecordingKeepsOneChain() async throws {
        try await TestDatabase.withFresh { config in
            let (p, residents, staff) = try await TestDatabase.withConnection(config) { c in
                let f = Fixture(c: c)
                let premises = try f.premises(beds: Dictionary(uniqueKeysWithValues: (1...8).map { ("B\($0)", []) }))
                var residents: [UUID] = []
                var actor = Actor.system
                for i in 1...8 {
                    let (_, r, _, a) = try f.arrivedResident(
                        arrivedAt: Date(timeIntervalSinceNow: -86_400), premises: premises, bed: "B\(i)")
                    residents.append(r.id)
                    actor = a
                }
                return (premises.0, residents, actor)
            }
            let pool = PGPool(config, options: .init(maxConnections: 8))
            let outcomes = try await withThrowingTaskGroup(of: [String].self) { group in
                for r in residents {
                    for _ in 0..<2 {  // two staff try to sign the same resident out at once
                        group.addTask {
                            do {
                                _ = try await pool.withConnection {
                                    try MovementStore.record(
                                        $0, actor: staff, premisesId: p.id, .init(residentId: r, kind: .out),
                                        now: Date())
                                }
                                return ["out"]
                            } catch let e as StoreError { return [e.code] }
                        }
                    }
                }
                return try await group.reduce(into: [String]()) { $0 += $1 }.sorted()
            }
            #expect(outcomes == Array(repeating: "already-out", count: 8) + Array(repeating: "out", count: 8))
            try await TestDatabase.withConnection(config) { c throws in
                #expect(try AuditStore.firstBreak(c, chain: .movements, premisesId: p.id) == nil)
                let seqs: [Int] = try c.query("SELECT seq FROM movements WHERE premises_id = $1 ORDER BY seq", [p.id])
                    .map { try $0.decode("seq") }
                #expect(seqs == Array(1...8))
            }
            await pool.shutdown()
        }
    }
}
