import APDomain
import APStore
import APWire
import APWorker
import Civil
import Foundation
import PGDriver
import TestDatabase
import Testing

/// The alerts always equal what the corrected record shows (issue 17), tried on random worlds: residents with
/// and without extra curfews, absences added on time or late and sometimes withdrawn, entries recorded on time
/// or late and sometimes voided, and the worker's passes run at random points in between, across the night the
/// clocks go forward. At the end, the alerts left standing (not resolved) are exactly those one fresh check of
/// the final record raises. Seeded: a failure names its seed, and `AP_INVARIANT_SEEDS=n` tries more.
@Suite struct AlertInvariantTests {
    static let seeds: [UInt64] = Array(
        1...UInt64(ProcessInfo.processInfo.environment["AP_INVARIANT_SEEDS"].flatMap(Int.init) ?? 6))
    static let zone = TimeZone(identifier: "Europe/London")!
    static let nights = (26...30).map { LocalDate(year: 2026, month: 3, day: $0)! }

    @Test(arguments: seeds) func theStandingAlertsAreWhatAFreshCheckRaises(seed: UInt64) async throws {
        var random = SplitMix64(seed: seed)
        try await TestDatabase.withFresh { config in
            let world = try await TestDatabase.withConnection(config) { c in try World(c) }
            let events = world.events(random: &random)
            let pool = PGPool(config, options: .init(maxConnections: 2))
            let clock = MutableClock(world.arrived)
            var settings = CurfewWorker.Settings()
            settings.lookBackNights = 10
            let worker = CurfewWorker(pool: pool, settings: settings, clock: { clock.now })
            for event in events {
                clock.now = event.time
                switch event.action {
                case .check(let regular):
                    _ = regular ? try await worker.runOnce() : try await worker.recheckOnce()
                case .write(let write):
                    try await pool.withConnection { c in try write(c, event.time) }
                }
            }
            // Everything over, then the worker as it would run: its pass and its re-check.
            clock.now = Zone.instant(
                LocalDate(year: 2026, month: 4, day: 2)!, LocalTime(hour: 12, minute: 0)!, in: Self.zone)
            _ = try await worker.runOnce()
            _ = try await worker.recheckOnce()

            let (standing, fresh) = try await pool.withConnection { c in
                let standing = Set(
                    try c.query(
                        """
                        SELECT resident_id, night, kind, evidence FROM alerts
                        WHERE premises_id = $1 AND resolved_at IS NULL
                        """,
                        [world.premises.id]
                    ).map {
                        CurfewCheckStore.Finding(
                            resident: try $0.decode("resident_id"), night: try $0.decode("night"),
                            kind: AlertKind(rawValue: try $0.decode("kind"))!,
                            evidence: try $0.decode("evidence"))
                    })
                let fresh = try CurfewCheckStore.findings(
                    c,
                    ([Self.nights[0].adding(days: -1)] + Self.nights).map {
                        .init(premisesId: world.premises.id, night: $0)
                    },
                    now: clock.now)
                return (standing, fresh)
            }
            #expect(standing == fresh, "seed \(seed): \(events.count) events")
            // The world was not trivial: something was raised along the way.
            let raised: Int = try await pool.withConnection { c in
                try c.query("SELECT count(*) AS n FROM alerts")[0].decode("n")
            }
            #expect(raised > 0, "seed \(seed)")
            await pool.shutdown()
        }
    }
}

/// One premises with three arrived residents, and the writes to make to it, each at its own time.
struct World {
    struct Event {
        enum Action {
            /// The worker's regular pass (true) or its re-check of the queue (false).
            case check(Bool)
            case write(@Sendable (PGConnection, Date) throws -> Void)
        }
        var time: Date
        var action: Action
    }

    let premises: Premises
    let residents: [Resident]
    let staff: Actor
    let arrived: Date

    init(_ c: PGConnection) throws {
        let f = Fixture(c: c)
        let place = try f.premises()
        arrived = Zone.instant(
            LocalDate(year: 2026, month: 3, day: 25)!, LocalTime(hour: 14, minute: 0)!, in: AlertInvariantTests.zone)
        var residents: [Resident] = []
        var staff: Actor?
        for bed in ["1A", "1B", "2A"] {
            let (_, r, _, actor) = try f.arrivedResident(arrivedAt: arrived, premises: place, bed: bed)
            residents.append(r)
            staff = actor
        }
        premises = place.0
        self.residents = residents
        self.staff = staff!
    }

    static func local(_ night: LocalDate, _ minutes: Int) -> Date {
        Zone.instant(night, LocalTime(hour: 0, minute: 0)!, in: AlertInvariantTests.zone).addingTimeInterval(
            Double(minutes) * 60)
    }

    func events(random: inout SplitMix64) -> [Event] {
        var events: [Event] = []
        let staff = self.staff
        let premisesId = premises.id
        for resident in residents {
            let rid = resident.id
            // The true comings and goings: most nights out in the evening, back some time later (or next day).
            var times: [(kind: MovementKind, at: Date)] = []
            var free = arrived.addingTimeInterval(3600)
            for night in AlertInvariantTests.nights where Double.random(in: 0..<1, using: &random) < 0.6 {
                let out = max(free, World.local(night, 18 * 60 + 5 * Int.random(in: 0...96, using: &random)))
                let back = out.addingTimeInterval(Double(10 + 5 * Int.random(in: 0...170, using: &random)) * 60)
                times += [(.out, out), (.in, back)]
                free = back.addingTimeInterval(600)
            }
            // Recorded in order, each on time or late (then with its reason); a late one delays those after it.
            var recorded: [Date] = []
            var last = arrived
            for entry in times {
                var when = max(entry.at, last.addingTimeInterval(1))
                if Double.random(in: 0..<1, using: &random) < 0.3 {
                    when = when.addingTimeInterval(Double(6 + Int.random(in: 0...1800, using: &random)) * 60)
                }
                recorded.append(when)
                last = when
            }
            let ids = IDs()
            for (i, entry) in times.enumerated() {
                events.append(
                    Event(
                        time: recorded[i],
                        action: .write { c, now in
                            let late = MovementRules.isLate(at: entry.at, now: now)
                            let m = try MovementStore.record(
                                c, actor: staff, premisesId: premisesId,
                                .init(
                                    residentId: rid, kind: entry.kind, at: entry.at,
                                    lateReason: late ? "recorded from the paper book" : nil),
                                now: now)
                            ids.set(i, m.id)
                        }))
                // Some voided, once the next has been recorded (so that the log stays in turn).
                if i + 1 < times.count, Double.random(in: 0..<1, using: &random) < 0.15 {
                    let when = recorded[i + 1].addingTimeInterval(
                        Double(1 + Int.random(in: 0...1200, using: &random)) * 60)
                    events.append(
                        Event(
                            time: when,
                            action: .write { c, now in
                                _ = try MovementStore.void(
                                    c, actor: staff, movementId: ids.get(i), reason: "wrong resident", now: now)
                            }))
                }
            }
            // An authorised absence over one night, recorded before it or after it, and sometimes withdrawn.
            if Double.random(in: 0..<1, using: &random) < 0.4 {
                let night = AlertInvariantTests.nights.randomElement(using: &random)!
                let during = DateInterval(start: World.local(night, 20 * 60), end: World.local(night, 34 * 60))
                let added =
                    Double.random(in: 0..<1, using: &random) < 0.5
                    ? during.start.addingTimeInterval(-6 * 3600)
                    : during.end.addingTimeInterval(Double(Int.random(in: 1...1800, using: &random)) * 60)
                let absence = IDs()
                events.append(
                    Event(
                        time: added,
                        action: .write { c, _ in
                            absence.set(
                                0,
                                try ConditionStore.addAbsence(
                                    c, actor: staff, residentId: rid, during: during, reason: "family visit",
                                    approvedBy: "A. Manager", role: "AP manager"
                                ).id)
                        }))
                if Double.random(in: 0..<1, using: &random) < 0.3 {
                    events.append(
                        Event(
                            time: added.addingTimeInterval(Double(Int.random(in: 1...1800, using: &random)) * 60),
                            action: .write { c, _ in
                                try ConditionStore.withdrawAbsence(
                                    c, actor: staff, absenceId: absence.get(0), reason: "did not go")
                            }))
                }
            }
            // An extra curfew, earlier than the premises' own, recorded before the nights or part-way through.
            if Double.random(in: 0..<1, using: &random) < 0.5 {
                let start = LocalTime(hour: [19, 20, 21, 22].randomElement(using: &random)!, minute: 0)!
                let end = LocalTime(hour: [5, 7].randomElement(using: &random)!, minute: 0)!
                let until = Double.random(in: 0..<1, using: &random) < 0.5 ? nil : AlertInvariantTests.nights[3]
                let added =
                    Double.random(in: 0..<1, using: &random) < 0.5
                    ? arrived : World.local(AlertInvariantTests.nights[Int.random(in: 0...4, using: &random)], 15 * 60)
                events.append(
                    Event(
                        time: added,
                        action: .write { c, _ in
                            _ = try ConditionStore.add(
                                c, actor: staff, residentId: rid,
                                NewCondition(
                                    kind: .curfew, source: .licence, startsOn: AlertInvariantTests.nights[0],
                                    endsOn: until, wording: "extra curfew",
                                    curfew: CurfewDetails(windows: [CurfewWindow(start: start, end: end)!])))
                        }))
            }
        }
        // The worker's passes at random moments over the nights.
        let first = World.local(AlertInvariantTests.nights[0], 12 * 60)
        for _ in 0..<10 {
            let when = first.addingTimeInterval(Double(Int.random(in: 0...(6 * 24 * 60), using: &random)) * 60)
            events.append(Event(time: when, action: .check(Bool.random(using: &random))))
        }
        // In time order; among writes at the same moment, in the order made (a stable sort).
        return events.enumerated().sorted { ($0.element.time, $0.offset) < ($1.element.time, $1.offset) }.map(\.element)
    }
}

/// Ids known only once a write has run, read by a later write.
final class IDs: @unchecked Sendable {  // guarded by `lock`
    private let lock = NSLock()
    private var ids: [Int: UUID] = [:]
    func set(_ i: Int, _ id: UUID) {
        lock.lock()
        defer { lock.unlock() }
        ids[i] = id
    }
    func get(_ i: Int) -> UUID {
        lock.lock()
        defer { lock.unlock() }
        return ids[i]!
    }
}
