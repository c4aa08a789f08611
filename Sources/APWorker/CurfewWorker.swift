import APDomain
import APStore
import APWire
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
        public var checked: [String] = []  // "CODE night" for every premises and night checked
        public var reconciled: [String] = []
        public var raised = 0
        public var resolved = 0
    }

    let pool: PGPool
    let settings: Settings
    let logger: Logger
    let clock: @Sendable () -> Date

    public init(
        pool: PGPool, settings: Settings = Settings(), logger: Logger = Logger(label: "ap.worker"),
        clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.pool = pool
        self.settings = settings
        self.logger = logger
        self.clock = clock
    }

    /// Passes every `interval` until graceful shutdown; a pass that fails is logged and the next one tries again.
    public func run() async throws {
        try await repeatedly(every: settings.interval, logger: logger, name: "curfew pass") {
            let pass = try await runOnce()
            logger.info(
                "curfew pass",
                metadata: [
                    "checked": "\(pass.checked.count)", "reconciled": "\(pass.reconciled.count)",
                    "raised": "\(pass.raised)", "resolved": "\(pass.resolved)",
                ])
        }
    }

    /// One pass: for each premises, every night from the oldest not yet reconciled (within the look-back)
    /// to the current one. A night is over, and reconciled, at noon two days after it starts, when every
    /// window of it has certainly ended. The nights are checked in batches (`batchSize` premises' nights
    /// a transaction): a batch's check and the record that it was done commit together, or neither does.
    public func runOnce(batchSize: Int = 50) async throws -> Pass {
        let now = clock()
        let settings = self.settings
        return try await pool.withConnection { c in
            let reconciled = try CurfewCheckStore.lastReconciled(c)
            var due: [(premises: Premises, night: LocalDate, over: Bool)] = []
            for premises in try PremisesStore.list(c) {
                guard let zone = TimeZone(identifier: premises.timeZone) else { continue }
                let current = CurfewNight.current(at: now, in: zone)
                let oldest = current.adding(days: -settings.lookBackNights)
                var night = max(oldest, reconciled[premises.id].map { $0.adding(days: 1) } ?? oldest)
                while night <= current {
                    due.append((premises, night, CurfewNight.isOver(night, at: now, in: zone)))
                    night = night.adding(days: 1)
                }
            }
            var pass = Pass()
            let size = max(1, batchSize)
            for start in stride(from: 0, to: due.count, by: size) {
                let batch = Array(due[start..<min(start + size, due.count)])
                let outcomes = try c.acting(as: .worker()) { c in
                    let outcomes = try CurfewCheckStore.check(
                        c, batch.map { .init(premisesId: $0.premises.id, night: $0.night) }, now: now,
                        grace: settings.grace, outbox: settings.outbox)
                    try CurfewCheckStore.recordChecked(c, batch.map { ($0.premises.id, $0.night, $0.over) }, at: now)
                    return outcomes
                }
                for (item, outcome) in zip(batch, outcomes) {
                    pass.checked.append("\(item.premises.code) \(item.night)")
                    if item.over { pass.reconciled.append("\(item.premises.code) \(item.night)") }
                    pass.raised += outcome.raised.count
                    pass.resolved += outcome.resolved
                }
            }
            return pass
        }
    }
}
