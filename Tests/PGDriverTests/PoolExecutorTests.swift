import Foundation
import PGDriver
import Synchronization
import TestDatabase
import Testing

/// The pool as a task executor: a task that prefers it runs its closures on the pool thread it is on, with that
/// thread's connection (no hop); without the preference a closure still runs on a pool thread, never the caller's.
@Suite struct PoolExecutorTests {
    @Test func aTaskThatPrefersThePoolRunsItsClosuresWhereItIs() async throws {
        try await TestDatabase.withFresh(migrated: false) { config in
            let pool = PGPool(config, options: .init(maxConnections: 2))
            // With the preference: the task and its closures on the same pool thread, the same connection each time,
            // and no second thread started (a closure queued for another thread would have started one).
            let (first, second, pids) = try await withTaskExecutorPreference(pool) {
                let first = try await Self.whereItRuns(pool)
                let second = try await Self.whereItRuns(pool)
                let pids = (
                    try await pool.withConnection { $0.backendPID }, try await pool.withConnection { $0.backendPID }
                )
                return (first, second, pids)
            }
            for run in [first, second] {
                #expect(run.caller && run.closure && run.callerThread == run.closureThread)
            }
            #expect(pids.0 == pids.1)
            #expect(pool.threadCount == 1)
            // Without it: the task is on Swift's pool, the closure on a pool thread.
            let plain = try await Self.whereItRuns(pool)
            #expect(!plain.caller && plain.closure && plain.callerThread != plain.closureThread)
            await pool.shutdown()
        }
    }

    struct Where: Sendable {
        let caller: Bool
        let callerThread: UInt
        let closure: Bool
        let closureThread: UInt
    }

    nonisolated static func whereItRuns(_ pool: PGPool) async throws -> Where {
        let caller = pool.isCurrentThread
        let callerThread = UInt(pthread_self())
        let (closure, closureThread) = try await pool.withConnection { c in
            _ = try c.query("SELECT 1")
            return (pool.isCurrentThread, UInt(pthread_self()))
        }
        return Where(caller: caller, callerThread: callerThread, closure: closure, closureThread: closureThread)
    }

    @Test func manyTasksPreferringAOneConnectionPoolAllFinish() async throws {
        try await TestDatabase.withFresh(migrated: false) { config in
            let pool = PGPool(config, options: .init(maxConnections: 1))
            try await pool.query("CREATE TABLE counter (n int)")
            try await pool.query("INSERT INTO counter VALUES (0)")
            // Each task suspends between its closures (a sleep, as a request awaits its body): the one thread runs
            // the others meanwhile, and every one finishes.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<50 {
                    group.addTask {
                        try await withTaskExecutorPreference(pool) {
                            try await pool.withTransaction { c in _ = try c.query("UPDATE counter SET n = n + 1") }
                            try await Task.sleep(for: .milliseconds(1))
                            try await pool.withTransaction { c in _ = try c.query("UPDATE counter SET n = n + 1") }
                        }
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await pool.query("SELECT n FROM counter")[0].decode("n", as: Int.self) == 100)
            #expect(pool.threadCount == 1)
            await pool.shutdown()
        }
    }

    @Test func aConnectionLeftInATransactionHereIsNotReused() async throws {
        try await TestDatabase.withFresh(migrated: false) { config in
            let pool = PGPool(config, options: .init(maxConnections: 1))
            let (left, next) = try await withTaskExecutorPreference(pool) {
                let left = try await pool.withConnection { c in
                    _ = try c.query("BEGIN")
                    return c.backendPID
                }
                return (left, try await pool.withConnection { c in c.transactionState == .idle ? c.backendPID : -1 })
            }
            #expect(next != -1 && next != left)
            await pool.shutdown()
        }
    }

    @Test func aTaskPreferringAPoolShutDownStillFinishes() async throws {
        try await TestDatabase.withFresh(migrated: false) { config in
            let pool = PGPool(config, options: .init(maxConnections: 1))
            try await pool.query("SELECT 1")
            await pool.shutdown()
            let refused: Bool = await withTaskExecutorPreference(pool) {
                do {
                    _ = try await pool.query("SELECT 1")
                    return false
                } catch { return (error as? PGError)?.kind == .poolClosed }
            }
            #expect(refused)
        }
    }
}
