import Foundation
import PGDriver
import Synchronization
import TestDatabase
import Testing

@Suite struct PoolTests {
    @Test func manyConcurrentTasksShareABoundedPool() async throws {
        try await TestDatabase.withFresh { config in
            let pool = PGPool(config, options: .init(maxConnections: 4))
            try await pool.query("CREATE TABLE counter (n int)")
            try await pool.query("INSERT INTO counter VALUES (0)")
            let pids = try await withThrowingTaskGroup(of: Int32.self) { group in
                for _ in 0..<200 {
                    group.addTask {
                        try await pool.withTransaction { c in
                            try c.query("UPDATE counter SET n = n + 1")
                            return c.backendPID
                        }
                    }
                }
                return try await group.reduce(into: Set<Int32>()) { $0.insert($1) }
            }
            #expect(try await pool.query("SELECT n FROM counter")[0].decode("n", as: Int.self) == 200)
            #expect(pids.count <= 4)
            #expect(pool.threadCount <= 4)
            await pool.shutdown()
        }
    }

    @Test func exhaustionGivesTheTimeoutError() async throws {
        try await TestDatabase.withFresh(migrated: false) { config in
            let pool = PGPool(config, options: .init(maxConnections: 1, acquireTimeout: .milliseconds(200)))
            // The holder keeps the only connection until the test lets go.
            let holding = DispatchSemaphore(value: 0)
            let release = DispatchSemaphore(value: 0)
            let holderDone = Atomic<Bool>(false)
            async let holder: Void = pool.withConnection { _ in
                holding.signal()
                release.wait()
                holderDone.store(true, ordering: .releasing)
            }
            await withCheckedContinuation { done in
                Thread {
                    holding.wait()
                    done.resume()
                }.start()
            }
            let error = await #expect(throws: PGError.self) { try await pool.query("SELECT 1") }
            #expect(error?.kind == .poolTimeout)
            #expect(error?.isUnavailable == true)
            // it failed at its deadline, while the connection was still held
            #expect(holderDone.load(ordering: .acquiring) == false)
            release.signal()
            try await holder
            // Once the connection is free again, work goes through.
            let one: Int = try await pool.query("SELECT 1 AS one")[0].decode("one")
            #expect(one == 1)
            await pool.shutdown()
        }
    }

    @Test func aCancelledWaiterLeavesTheQueue() async throws {
        try await TestDatabase.withFresh(migrated: false) { config in
            let pool = PGPool(config, options: .init(maxConnections: 1, acquireTimeout: .seconds(30)))
            // The holder keeps the only connection until the test lets go: no timing involved.
            let holding = DispatchSemaphore(value: 0)
            let release = DispatchSemaphore(value: 0)
            async let holder: Int32 = pool.withConnection { c in
                holding.signal()
                release.wait()
                return c.backendPID
            }
            await withCheckedContinuation { done in
                Thread {
                    holding.wait()
                    done.resume()
                }.start()
            }
            let waiter = Task { try await pool.query("SELECT 1") }
            try await Task.sleep(for: .milliseconds(50))
            waiter.cancel()
            await #expect(throws: CancellationError.self) { try await waiter.value }
            release.signal()
            _ = try await holder
            // The cancelled job left the queue: the next caller gets the connection at once.
            let one: Int = try await pool.query("SELECT 1 AS one")[0].decode("one")
            #expect(one == 1)
            await pool.shutdown()
        }
    }

    @Test func brokenConnectionsAreReplaced() async throws {
        try await TestDatabase.withFresh(migrated: false) { config in
            let pool = PGPool(config, options: .init(maxConnections: 2))
            let before = try await pool.withConnection { $0.backendPID }
            // Kill every session of the pool behind its back, as a server restart would.
            try await TestDatabase.withConnection(config) { admin in
                try admin.query(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND "
                        + "application_name = 'ap' AND pid <> pg_backend_pid()"
                )
            }
            try await Task.sleep(for: .milliseconds(100))
            let after = try await pool.withConnection { $0.backendPID }
            #expect(after != before)
            #expect(try await pool.query("SELECT 1 AS one")[0].decode("one", as: Int.self) == 1)
            await pool.shutdown()
        }
    }

    @Test func aConnectionLeftInATransactionIsNotReused() async throws {
        try await TestDatabase.withFresh(migrated: false) { config in
            let pool = PGPool(config, options: .init(maxConnections: 1))
            let first = try await pool.withConnection { c in
                try c.execute("BEGIN")
                return c.backendPID
            }
            let (second, state) = try await pool.withConnection { ($0.backendPID, $0.transactionState) }
            #expect(second != first)
            #expect(state == .idle)
            await pool.shutdown()
        }
    }

    @Test func statementTimeoutOption() async throws {
        try await TestDatabase.withFresh(migrated: false) { config in
            var limited = config
            limited.statementTimeout = .milliseconds(100)
            let pool = PGPool(limited, options: .init(maxConnections: 1))
            let error = await #expect(throws: PGError.self) { try await pool.query("SELECT pg_sleep(2)") }
            #expect(error?.kind == .queryCanceled)
            let two: Int = try await pool.query("SELECT 2 AS two")[0].decode("two")
            #expect(two == 2)
            await pool.shutdown()
        }
    }

    @Test func shutdownDrainsThenRefuses() async throws {
        try await TestDatabase.withFresh(migrated: false) { config in
            let pool = PGPool(config, options: .init(maxConnections: 2))
            async let running = pool.withConnection { c -> Int in
                try c.query("SELECT pg_sleep(0.3)")
                return 1
            }
            try await Task.sleep(for: .milliseconds(50))
            await pool.shutdown()
            #expect(try await running == 1)  // the work in progress finished
            #expect(pool.threadCount == 0)
            let error = await #expect(throws: PGError.self) { try await pool.query("SELECT 1") }
            #expect(error?.kind == .poolClosed)
        }
    }

    @Test func databaseDownIsReportedAsUnavailable() async throws {
        let pool = PGPool(
            PGConfig(url: "postgresql://ap@127.0.0.1:1/ap", connectTimeoutSeconds: 1), options: .init(maxConnections: 1)
        )
        let error = await #expect(throws: PGError.self) { try await pool.query("SELECT 1") }
        #expect(error?.kind == .connectionFailed)
        #expect(error?.isUnavailable == true)
        await pool.shutdown()
    }
}

@Suite struct PipelineTests {
    @Test func runsStatementsInOrderInOneRoundTrip() async throws {
        try await TestDatabase.withFresh(migrated: false) { config in
            try await TestDatabase.withConnection(config) { c in
                try c.execute("CREATE TABLE t (n int)")
                let statements = (1...500).map {
                    PGStatement("INSERT INTO t VALUES ($1) RETURNING n * 2 AS d", [Int32($0)])
                }
                let results = try c.pipeline(statements)
                #expect(results.count == 500)
                #expect(try results.map { try $0[0].decode("d", as: Int.self) } == (1...500).map { $0 * 2 })
                #expect(try c.query("SELECT count(*) AS n FROM t")[0].decode("n", as: Int.self) == 500)
                // A large pipeline of reads cannot deadlock on full socket buffers.
                let big = try c.pipeline(
                    Array(repeating: PGStatement("SELECT repeat('x', 10000) AS s, generate_series(1, 20)"), count: 300))
                #expect(big.count == 300 && big.allSatisfy { $0.count == 20 })
                // The connection is back in normal mode afterwards.
                #expect(try c.query("SELECT 1 AS one")[0].decode("one", as: Int.self) == 1)
            }
        }
    }

    @Test func theFirstErrorIsThrownAndLaterStatementsDoNotRun() async throws {
        try await TestDatabase.withFresh(migrated: false) { config in
            try await TestDatabase.withConnection(config) { c in
                try c.execute("CREATE TABLE t (n int PRIMARY KEY)")
                let error = pgError {
                    _ = try c.pipeline([
                        PGStatement("BEGIN"), PGStatement("INSERT INTO t VALUES (1)"),
                        PGStatement("INSERT INTO t VALUES (1)"),
                        PGStatement("INSERT INTO t VALUES (2)"), PGStatement("COMMIT"),
                    ])
                }
                #expect(error?.kind == .uniqueViolation)
                #expect(c.transactionState == .idle)
                #expect(try c.query("SELECT count(*) AS n FROM t")[0].decode("n", as: Int.self) == 0)
            }
        }
    }
}

@Suite struct PreparedCacheTests {
    @Test func theSameStatementWithOtherParameterTypesStillRuns() async throws {
        try await TestDatabase.withFresh(migrated: false) { config in
            try await TestDatabase.withConnection(config) { c in
                #expect(try c.query("SELECT $1::text AS v", [5])[0].decode("v", as: String.self) == "5")
                #expect(try c.query("SELECT $1::text AS v", ["five"])[0].decode("v", as: String.self) == "five")
                // After DISCARD ALL drops every prepared statement, the cache recovers by itself.
                try c.execute("DISCARD ALL")
                #expect(try c.query("SELECT $1::text AS v", [6])[0].decode("v", as: String.self) == "6")
            }
        }
    }
}

@Suite struct PipelineInTransactionTests {
    /// A failing pipeline inside a caller's transaction leaves that transaction failed, so that nothing
    /// after it can be committed as if it were still inside.
    @Test func aCallersTransactionIsLeftFailedNotEnded() async throws {
        try await TestDatabase.withFresh(migrated: false) { config in
            try await TestDatabase.withConnection(config) { c in
                try c.execute("CREATE TABLE t (n int PRIMARY KEY)")
                let error = pgError {
                    try c.transaction { tx in
                        try tx.query("INSERT INTO t VALUES (1)")
                        _ = try? tx.pipeline([PGStatement("INSERT INTO t VALUES (1)")])
                        try tx.query("INSERT INTO t VALUES (2)")
                    }
                }
                #expect(error?.sqlState == "25P02")  // in failed transaction: the later insert was refused
                #expect(c.transactionState == .idle)
                #expect(try c.query("SELECT count(*) AS n FROM t")[0].decode("n", as: Int.self) == 0)
            }
        }
    }
}
