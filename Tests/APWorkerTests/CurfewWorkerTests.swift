import APDomain
import APStore
import APWire
import APWorker
import Civil
import Foundation
import PGDriver
import TestDatabase
import Testing

@Suite struct CurfewWorkerTests {
    static func at(_ s: String) -> Date { try! Date(s, strategy: .iso8601) }

    func world(_ c: PGConnection) throws -> (Premises, Resident) { try outAllNightWorld(c) }
}

/// A premises whose one resident went out at 20:00 on 15 January and never came back.
func outAllNightWorld(_ c: PGConnection) throws -> (Premises, Resident) {
    func at(_ s: String) -> Date { try! Date(s, strategy: .iso8601) }
    let f = Fixture(c: c)
    let (p, r, _, actor) = try f.arrivedResident(arrivedAt: at("2026-01-01T14:00:00Z"), premises: try f.premises("W1"))
    _ = try MovementStore.record(
        c, actor: actor, premisesId: p.id, .init(residentId: r.id, kind: .out), now: at("2026-01-15T20:00:00Z"))
    return (p, r)
}

extension CurfewWorkerTests {

    func worker(_ pool: PGPool, at time: String, lookBack: Int = 3) -> CurfewWorker {
        var settings = CurfewWorker.Settings()
        settings.lookBackNights = lookBack
        let now = Self.at(time)
        return CurfewWorker(pool: pool, settings: settings, clock: { now })
    }

    @Test func checksTheNightInProgressReconcilesAndCatchesUp() async throws {
        try await TestDatabase.withFresh { config in
            let (p, _) = try await TestDatabase.withConnection(config) { try world($0) }
            let pool = PGPool(config, options: .init(maxConnections: 2))

            // 22:00 on the 15th: the night of the 15th is in progress; the resident is late, not yet absent overnight.
            let evening = try await worker(pool, at: "2026-01-15T23:30:00Z").runOnce()
            #expect(evening.checked == ["W1 2026-01-12", "W1 2026-01-13", "W1 2026-01-14", "W1 2026-01-15"])
            #expect(evening.reconciled == ["W1 2026-01-12", "W1 2026-01-13"])
            #expect(evening.raised == 1)

            // 08:00 on the 16th: the night's last window has ended: absent overnight. Reconciled nights are not checked
            // again.
            let morning = try await worker(pool, at: "2026-01-16T08:00:00Z").runOnce()
            #expect(morning.checked == ["W1 2026-01-14", "W1 2026-01-15"])
            #expect(morning.raised == 1)

            // Down for three days: the next pass catches up on the nights it missed, and he is still out every night.
            // (In batches of three nights: the fourth goes in a second transaction.)
            let later = try await worker(pool, at: "2026-01-19T13:00:00Z").runOnce(batchSize: 3)
            #expect(later.checked == ["W1 2026-01-16", "W1 2026-01-17", "W1 2026-01-18", "W1 2026-01-19"])
            #expect(later.reconciled == ["W1 2026-01-16", "W1 2026-01-17"])
            let kinds = try await pool.withConnection { c in
                try AlertStore.list(c, premisesId: p.id, since: LocalDate("2026-01-01")!).map {
                    "\($0.night) \($0.kind.rawValue)"
                }.sorted()
            }
            #expect(
                kinds == [
                    "2026-01-15 absent_overnight", "2026-01-15 late_return",
                    "2026-01-16 absent_overnight", "2026-01-16 late_return",
                    "2026-01-17 absent_overnight", "2026-01-17 late_return",
                    "2026-01-18 absent_overnight", "2026-01-18 late_return",
                ])
            await pool.shutdown()
        }
    }

    @Test func twoWorkersAtOnceRaiseEachAlertOnce() async throws {
        try await TestDatabase.withFresh { config in
            let (p, _) = try await TestDatabase.withConnection(config) { try world($0) }
            let pools = [
                PGPool(config, options: .init(maxConnections: 1)), PGPool(config, options: .init(maxConnections: 1)),
            ]
            let raised = try await withThrowingTaskGroup(of: Int.self) { group in
                for pool in pools {
                    group.addTask { try await worker(pool, at: "2026-01-16T13:00:00Z").runOnce().raised }
                }
                return try await group.reduce(0, +)
            }
            #expect(raised == 2)
            let count = try await pools[0].withConnection {
                try AlertStore.list($0, premisesId: p.id, since: LocalDate("2026-01-01")!).count
            }
            #expect(count == 2)
            for pool in pools { await pool.shutdown() }
        }
    }

    /// The real binary: its first pass checks the premises' nights, and SIGTERM stops it cleanly.
    @Test func theWorkerProcessStopsOnSIGTERM() async throws {
        try await TestDatabase.withFresh { config in
            _ = try await TestDatabase.withConnection(config) { try outAllNightWorld($0) }
            let process = try TestDatabase.launch(
                "ap-server", ["worker", "--interval-seconds", "10"], database: config.database!)
            var checked = 0
            let started = Date()
            // Each night commits on its own: wait for the whole first pass, not its first night.
            // generous: the suite runs in parallel on two cores
            while checked < 8 && Date().timeIntervalSince(started) < 60 {
                try await Task.sleep(for: .milliseconds(100))
                checked = try await TestDatabase.withConnection(config) {
                    try $0.query("SELECT count(*) AS n FROM curfew_checks")[0].decode("n")
                }
            }
            #expect(checked == 8)  // the night in progress and the seven before it (the default look-back)
            #expect(process.isRunning)
            process.terminate()
            let deadline = Date().addingTimeInterval(5)
            while process.isRunning && Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }
            #expect(!process.isRunning)
            #expect(process.terminationReason == .exit && process.terminationStatus == 0)
        }
    }

    /// LOG_LEVEL sets what the worker logs, as it does the service's: at warning, not a line a pass (scripts/run
    /// and the country bench run it so); at info, a line a pass.
    @Test func theWorkerLogsAtTheLevelLOGLEVELNames() async throws {
        var logged: [String: String] = [:]
        for level in ["warning", "info"] {
            // A database each: the passes counted below are this worker's own.
            try await TestDatabase.withFresh { config in
                _ = try await TestDatabase.withConnection(config) { try outAllNightWorld($0) }
                let file = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("ap-worker-\(UUID())")
                defer { try? FileManager.default.removeItem(at: file) }
                let process = try TestDatabase.launch(
                    "ap-server", ["worker", "--interval-seconds", "0.2"], database: config.database!,
                    environment: ["LOG_LEVEL": level], errorFile: file)
                let started = Date()
                var checks = 0
                // Until the passes have run a second time (a night checked again moves its checked_at).
                while checks < 2 && Date().timeIntervalSince(started) < 60 {
                    try await Task.sleep(for: .milliseconds(100))
                    checks = try await TestDatabase.withConnection(config) {
                        try $0.query("SELECT count(DISTINCT checked_at) AS n FROM curfew_checks")[0].decode("n")
                    }
                }
                process.terminate()
                process.waitUntilExit()
                logged[level] = try String(contentsOf: file, encoding: .utf8)
            }
        }
        #expect(logged["warning"].map { !$0.contains("curfew pass") } == true)
        #expect(logged["info"].map { $0.contains("curfew pass") } == true)
    }
}
