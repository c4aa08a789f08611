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
        /// Time between looks at the queue of corrected nights: a correction is acted on within it.
        public var recheckInterval: Duration = .seconds(15)
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

    /// Passes every `interval`, and re-checks of corrected nights every `recheckInterval`, until graceful
    /// shutdown; a pass that fails is logged and the next one tries again.
    public func run() async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await repeatedly(every: settings.interval, logger: logger, name: "curfew pass") {
                    log("curfew pass", try await runOnce())
                }
            }
            group.addTask {
                try await repeatedly(every: settings.recheckInterval, logger: logger, name: "recheck pass") {
                    let pass = try await recheckOnce()
                    if !pass.checked.isEmpty { log("recheck pass", pass) }
                }
            }
            try await group.waitForAll()
        }
    }

    func log(_ name: Logger.Message, _ pass: Pass) {
        logger.info(
            name,
            metadata: [
                "checked": "\(pass.checked.count)", "reconciled": "\(pass.reconciled.count)",
                "raised": "\(pass.raised)", "resolved": "\(pass.resolved)",
            ])
    }

    /// One pass: for each premises, every night from the oldest not yet reconciled (within the look-back)
    /// to the current one. A night is over, and reconciled, at noon two days after it starts, when every
    /// window of it has certainly ended.
    public func runOnce(batchSize: Int = 50) async throws -> Pass {
        let now = clock()
        let settings = self.settings
        return try await pool.withConnection { c in
            let reconciled = try CurfewCheckStore.lastReconciled(c)
            var due: [Due] = []
            for premises in try PremisesStore.list(c) {
                guard let zone = TimeZone(identifier: premises.timeZone) else { continue }
                let current = CurfewNight.current(at: now, in: zone)
                let oldest = current.adding(days: -settings.lookBackNights)
                var night = max(oldest, reconciled[premises.id].map { $0.adding(days: 1) } ?? oldest)
                while night <= current {
                    due.append(
                        Due(premises: premises, night: night, over: CurfewNight.isOver(night, at: now, in: zone)))
                    night = night.adding(days: 1)
                }
            }
            return try check(c, due, now: now, batchSize: batchSize)
        }
    }

    /// Re-checks the premises' nights that corrections have queued (an entry recorded late, a void, an
    /// absence, a condition, an arrival or departure recorded after the fact), however old, and marks them
    /// done. What a correction no longer supports is resolved; what it now shows is raised. A night that was
    /// never checked and is older than the look-back is left: no check would ever have raised anything on it,
    /// and the regular pass checks the rest.
    public func recheckOnce(batchSize: Int = 50) async throws -> Pass {
        let now = clock()
        let lookBack = settings.lookBackNights
        return try await pool.withConnection { c in
            let queued = try RecheckStore.pending(c)
            if queued.isEmpty { return Pass() }
            let premises = Dictionary(uniqueKeysWithValues: try PremisesStore.list(c).map { ($0.id, $0) })
            let checked = try CurfewCheckStore.checked(
                c, premisesIds: Array(Set(queued.map(\.premisesId))),
                nights: queued.map(\.nights.lowerBound).min()!...queued.map(\.nights.upperBound).max()!)
            var due: [Due] = []
            var seen: Set<CurfewCheckStore.Night> = []
            for q in queued {
                guard let p = premises[q.premisesId], let zone = TimeZone(identifier: p.timeZone) else { continue }
                let current = CurfewNight.current(at: now, in: zone)
                var night = q.nights.lowerBound
                while night <= min(q.nights.upperBound, current) {
                    let key = CurfewCheckStore.Night(premisesId: p.id, night: night)
                    if checked.contains(key) || night >= current.adding(days: -lookBack), seen.insert(key).inserted {
                        due.append(Due(premises: p, night: night, over: CurfewNight.isOver(night, at: now, in: zone)))
                    }
                    night = night.adding(days: 1)
                }
            }
            let pass = try check(c, due, now: now, batchSize: batchSize)
            try RecheckStore.done(c, ids: queued.map(\.id), at: now)
            return pass
        }
    }

    struct Due {
        var premises: Premises
        var night: LocalDate
        var over: Bool
    }

    /// Checks the nights in batches (`batchSize` premises' nights a transaction): a batch's check and the
    /// record that it was done commit together, or neither does.
    func check(_ c: PGConnection, _ due: [Due], now: Date, batchSize: Int) throws -> Pass {
        var pass = Pass()
        let size = max(1, batchSize)
        for start in stride(from: 0, to: due.count, by: size) {
            let batch = Array(due[start..<min(start + size, due.count)])
            let outcomes = try c.acting(as: .worker()) { c in
                let outcomes = try CurfewCheckStore.check(
                    c, batch.map { .init(premisesId: $0.premises.id, night: $0.night) }, now: now,
                    grace: settings.grace)
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
