import APClient
import APWire
import Foundation
import PGDriver
import PGMigrations
import ServiceHarness
import TestDatabase
import Testing

/// When the database goes away the service answers 503 with Retry-After, not 500, and recovers by
/// itself when the database is back.
@Suite struct DatabaseDownTests {
    @Test func answers503WhileTheDatabaseIsDownAndRecovers() async throws {
        let cluster = try ScratchCluster()
        defer { cluster.destroy() }
        try await TestDatabase.withConnection(cluster.config) { c in
            _ = try Migrator(directory: TestDatabase.sqlDirectory).migrate(c)
        }
        try await Harness.run(
            cluster.config, pool: .init(maxConnections: 2, acquireTimeout: .seconds(3)), clock: Date.init
        ) { h in
            let path = "api/v1/premises/\(h.home)/roll"
            #expect(try await h.staff.send("GET", path).status == 200)
            try cluster.run("stop")
            for route in [path, "readyz"] {
                let reply = try await h.staff.send("GET", route)
                #expect(reply.status == 503, "\(route)")
                #expect(reply.header("Retry-After") != nil)
                #expect(reply.header("Content-Type") == "application/problem+json")
            }
            try cluster.run("start")
            var status = 0
            for _ in 0..<20 where status != 200 {
                status = try await h.staff.send("GET", path).status
                if status != 200 { try await Task.sleep(for: .milliseconds(250)) }
            }
            #expect(status == 200)
            #expect(try await h.anonymous.send("GET", "readyz").status == 200)
        }
    }
}
