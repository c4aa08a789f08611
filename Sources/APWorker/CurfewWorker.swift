import APStore
import Civil
import Foundation
import Logging
import PGDriver
import ServiceLifecycle

/// Checks every premises' curfew night repeatedly, reconciles each night once it is over, and after a
/// stop catches up on the nights it missed (up to a look-back). Many workers may run: each premises
/// and night is checked under an advisory lock, and alerts are unique, so none is raised twice.
public struct CurfewWorker: Service {
    public struct Settings: Sendable {
        /// Time between passes.
        public var interval: Duration = .seconds(300)
        public var grace: TimeInterval = 15 * 60
        /// How many nights back a worker that was stopped goes to catch up.
        public var lookBackNights = 7
        /// Queue new alerts for the webhook (when one is configured).
        public var outbox = false
        public init() {}
    }

    public struct Pass: Sendable, Equatable {
        public var checked: [String] = []    // "CODE night" for every premises and night checked
        public var reconciled: [String] = []
        public var raised = 0
        public var resolved = 0
    }

    let pool: PGPool
    let settings: Settings
    let logger: Logger
    let clock: @Sendable () -> Date

    public init(pool: PGPool, settings: Settings = Settings(), logger: Logger = Logger(label: "ap.worker"),
                clock: @escaping @Sendable () -> Date = { Date() }) {
        self.pool = pool; self.settings = settings; self.logger = logger; self.clock = clock
    }

    /// Passes every `interval` until graceful shutdown; a pass that fails is logged and the next one tries again.
    public func run() async throws {
        try await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    let pass = try await runOnce()
                    logger.info("curfew pass", metadata: ["checked": "\(pass.checked.count)", "reconciled": "\(pass.reconciled.count)",
                                                          "raised": "\(pass.raised)", "resolved": "\(pass.resolved)"])
                } catch is CancellationError {
                    return
                } catch {
                    logger.error("curfew pass failed; trying again next time", metadata: ["error": "\(error)"])
                }
                // Graceful shutdown cancels the wait: that is the end of the loop, not a failure.
                do { try await Task.sleep(for: settings.interval) } catch { return }
            }
        }
    }

    /// One pass: for each premises, every night from the oldest not yet reconciled (within the look-back)
    /// to the current one. A night is over, and reconciled, at noon two days after it starts, when every
    /// window of it has certainly ended.
    public func runOnce() async throws -> Pass {
        let now = clock()
        let settings = self.settings
        return try await pool.withConnection { c in
            var pass = Pass()
            for premises in try PremisesStore.list(c) {
                guard let zone = TimeZone(identifier: premises.timeZone) else { continue }
                // The night in progress: the local date twelve hours ago (a night runs noon to noon).
                let current = Zone.local(now.addingTimeInterval(-12 * 3600), in: zone).date
                let oldest = current.adding(days: -settings.lookBackNights)
                let lastReconciled: LocalDate? = try c.query("""
                    SELECT max(night) AS night FROM curfew_checks WHERE premises_id = $1 AND reconciled_at IS NOT NULL
                    """, [premises.id])[0].decode("night")
                var night = max(oldest, lastReconciled.map { $0.adding(days: 1) } ?? oldest)
                while night <= current {
                    let over = now >= Zone.instant(night.adding(days: 2), LocalTime(hour: 12, minute: 0)!, in: zone)
                    // The check and the record that it was done commit together, or neither does.
                    let outcome = try c.acting(as: .worker()) { c in
                        let outcome = try CurfewCheckStore.check(c, premisesId: premises.id, night: night, now: now, grace: settings.grace,
                                                                 outbox: settings.outbox)
                        try c.query("""
                            INSERT INTO curfew_checks (premises_id, night, checked_at, reconciled_at) VALUES ($1, $2, $3, CASE WHEN $4 THEN $3 END)
                            ON CONFLICT (premises_id, night) DO UPDATE
                            SET checked_at = $3, reconciled_at = coalesce(curfew_checks.reconciled_at, excluded.reconciled_at)
                            """, [premises.id, night, now, over])
                        return outcome
                    }
                    pass.checked.append("\(premises.code) \(night)")
                    if over { pass.reconciled.append("\(premises.code) \(night)") }
                    pass.raised += outcome.raised.count
                    pass.resolved += outcome.resolved
                    night = night.adding(days: 1)
                }
            }
            return pass
        }
    }
}
