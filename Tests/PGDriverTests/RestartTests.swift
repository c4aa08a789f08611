import Foundation
import PGDriver
import TestDatabase
import Testing

/// A real server restart and a kill -9 crash, on a scratch cluster of the test's own.
@Suite(.serialized) struct RestartTests {
    @Test func poolAndListenerSurviveRestartAndCrash() async throws {
        let cluster = try ScratchCluster()
        defer { cluster.destroy() }
        let pool = PGPool(cluster.config, options: .init(maxConnections: 3, acquireTimeout: .seconds(5)))
        let listener = try PGListener(cluster.config, channels: ["alerts"])
        var events = listener.events.makeAsyncIterator()
        #expect(await events.next() == .listening)

        for disruption in ["restart", "crash"] {
            // Warm every connection so that the pool holds sessions the server is about to lose.
            _ = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<3 {
                    group.addTask {
                        try await pool.withConnection { c in
                            try c.query("SELECT pg_sleep(0.05)")
                            return 1
                        }
                    }
                }
                return try await group.reduce(0, +)
            }
            try await pool.withConnection { try $0.notify("alerts", payload: "before \(disruption)") }
            #expect(
                await events.next() == .notification(PGNotification(channel: "alerts", payload: "before \(disruption)"))
            )

            try cluster.run(disruption)
            if disruption == "crash" { try cluster.run("start") }

            // The first statement after the server is back succeeds: stale sessions are detected, not used.
            let one: Int = try await pool.withConnection { try $0.query("SELECT 1 AS one")[0].decode("one") }
            #expect(one == 1)
            #expect(await events.next() == .listening)  // the listener reconnected and listens again
            try await pool.withConnection { try $0.notify("alerts", payload: "after \(disruption)") }
            #expect(
                await events.next() == .notification(PGNotification(channel: "alerts", payload: "after \(disruption)")))
        }
        await listener.stop()
        await pool.shutdown()
    }
}
