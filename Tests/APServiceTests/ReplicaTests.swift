import APClient
import APWire
import Foundation
import PGDriver
import PGMigrations
import ServiceHarness
import TestDatabase
import Testing

/// Reports read from a streaming replica (DATABASE_READ_URL), shown with a second local cluster made by
/// `scripts/db replica`: with the primary stopped, the occupancy report is still answered (from the
/// replica) while shift work answers 503.
@Suite struct ReplicaTests {
    @Test func reportsAreReadFromTheReplica() async throws {
        let primary = try ScratchCluster()
        let replicaFolder = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent(
            "ap-replica-\(UUID().uuidString.prefix(8))")
        defer {
            _ = try? TestDatabase.script("scripts/db", ["stop"], environment: ["AP_PG_DIR": replicaFolder.path])
            try? FileManager.default.removeItem(at: replicaFolder)
            primary.destroy()
        }
        try await TestDatabase.withConnection(primary.config) { c in
            _ = try Migrator(directory: TestDatabase.sqlDirectory).migrate(c)
        }
        let replicaURL = try await TestDatabase.script(
            "scripts/db", ["replica", replicaFolder.path], environment: ["AP_PG_DIR": primary.folder.path])
        let replica = PGConfig(url: replicaURL, connectTimeoutSeconds: 2)
        try await Harness.run(
            primary.config, pool: .init(maxConnections: 2, acquireTimeout: .seconds(3)), clock: Date.init,
            replica: replica
        ) { h in
            // The demo (loaded on the primary) reaches the replica.
            var replicated = false
            for _ in 0..<50 where !replicated {
                replicated =
                    (try? await TestDatabase.withConnection(replica) { c in
                        try c.query("SELECT count(*) FROM accounts WHERE name = 'Other Staff'")[0].decode(
                            0, as: Int.self)
                    }) == 1
                if !replicated { try await Task.sleep(for: .milliseconds(200)) }
            }
            #expect(replicated)
            let isStandby = try await TestDatabase.withConnection(replica) { c in
                try c.query("SELECT pg_is_in_recovery()")[0].decode(0, as: Bool.self)
            }
            #expect(isStandby)
            let before: JSONValue = try await h.manager.get("api/v1/premises/\(h.home)/occupancy-report")
            #expect(before["daily"]?.array?.count == 30)

            try primary.run("stop")
            // The manager's token was accepted a moment ago (remembered for 10 s): no need of the primary.
            let report = try await h.manager.send("GET", "api/v1/premises/\(h.home)/occupancy-report")
            #expect(report.status == 200, "the report comes from the replica")
            let roll = try await h.manager.send("GET", "api/v1/premises/\(h.home)/roll")
            #expect(roll.status == 503, "shift work needs the primary")
            try primary.run("start")
        }
    }
}
