import APDomain
import APStore
import APWire
import Civil
import Foundation
import PGDriver
import TestDatabase
import Testing

/// ops/backup then ops/restore into a new database: every row is there and every hash chain verifies.
@Suite struct BackupTests {
    static let tables = [
        "premises", "rooms", "beds", "residents", "placements", "bed_allocations", "out_of_service_periods",
        "licence_conditions", "movements", "incidents", "incident_versions", "alerts", "alert_acknowledgements",
        "audit_log", "chain_heads",
    ]

    static func counts(_ c: PGConnection) throws -> [String: Int] {
        var out: [String: Int] = [:]
        for t in tables { out[t] = try c.query("SELECT count(*) AS n FROM \(t)")[0].decode("n") }
        return out
    }

    @Test func aRestoredBackupHasEveryRowAndVerifies() async throws {
        try await TestDatabase.withFresh { config in
            let before = try await TestDatabase.withConnection(config) { c in
                var data = SyntheticData(today: LocalDate("2026-11-20")!)
                data.premises = 2
                data.bedsPerPremises = 6
                try data.load(into: c)
                let actor = try Fixture(c: c).actor("B")
                for row in try c.query(
                    "SELECT premises_id, resident_id FROM placements WHERE status = 'arrived' AND arrived_at < "
                        + "'2026-11-19T12:00Z'"
                ) {
                    let p: UUID = try row.decode("premises_id")
                    let r: UUID = try row.decode("resident_id")
                    _ = try MovementStore.record(
                        c, actor: actor, premisesId: p, .init(residentId: r, kind: .out, note: "Ó'Brien; -- backup"),
                        now: try Date("2026-11-19T20:00:00Z", strategy: .iso8601))
                }
                let p = try PremisesStore.list(c)[0]
                _ = try IncidentStore.report(
                    c, actor: actor, premisesId: p.id,
                    IncidentDraft(
                        occurredAt: try Date("2026-11-19T21:00:00Z", strategy: .iso8601),
                        category: .threats, severity: .low, description: "Shouting"), now: Date())
                for premises in try PremisesStore.list(c) {
                    _ = try CurfewCheckStore.check(
                        c, premisesId: premises.id, night: LocalDate("2026-11-19")!,
                        now: try Date("2026-11-20T12:00:00Z", strategy: .iso8601))
                }
                if let alert = try AlertStore.list(c, premisesId: p.id, since: LocalDate("2026-11-19")!).first {
                    _ = try AlertStore.acknowledge(c, actor: actor, alertId: alert.id, outcome: .returnedLate)
                }
                return try Self.counts(c)
            }
            #expect(before["movements"]! > 0 && before["alerts"]! > 0 && before["incident_versions"] == 1)

            let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
                "ap-backup-\(UUID().uuidString.prefix(8))")
            defer { try? FileManager.default.removeItem(at: folder) }
            let env = ["DATABASE_URL": TestDatabase.url(database: config.database!)]
            let file = try await TestDatabase.script("ops/backup", [folder.path], environment: env)
            let permissions = try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int
            #expect(permissions == 0o600)
            let restoredName = "ap_restored_" + UUID().uuidString.prefix(8).lowercased()
            let said = try await TestDatabase.script("ops/restore", [file, restoredName], environment: env)
            #expect(said == "restored into \(restoredName); every hash chain verifies")
            // Restoring over an existing database is refused.
            await #expect(throws: ScriptFailure.self) {
                try await TestDatabase.script("ops/restore", [file, restoredName], environment: env)
            }

            let after = try await TestDatabase.withConnection(
                PGConfig(url: TestDatabase.serverURL, database: restoredName)
            ) { c in
                let counts = try Self.counts(c)
                let note: String = try c.query("SELECT note FROM movements WHERE kind = 'out' LIMIT 1")[0].decode(
                    "note")
                return (counts, note)
            }
            #expect(after.0 == before)
            #expect(after.1 == "Ó'Brien; -- backup")
            await TestDatabase.drop(restoredName)  // best effort: an autovacuum worker may be in it

            // A log changed behind the application's back before the backup: the restore says so.
            try await TestDatabase.withConnection(config) { c in
                try c.execute("ALTER TABLE movements DISABLE TRIGGER movements_append_only")
                try c.execute("UPDATE movements SET note = 'rewritten' WHERE seq = 1")
                try c.execute("ALTER TABLE movements ENABLE TRIGGER movements_append_only")
            }
            let tampered = try await TestDatabase.script("ops/backup", [folder.path], environment: env)
            let tamperedName = "ap_tampered_" + UUID().uuidString.prefix(8).lowercased()
            await #expect(throws: ScriptFailure.self) {
                try await TestDatabase.script("ops/restore", [tampered, tamperedName], environment: env)
            }
            await TestDatabase.drop(tamperedName)
        }
    }
}
