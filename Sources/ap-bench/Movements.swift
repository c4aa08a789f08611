import APDomain
import APStore
import APWire
import Civil
import Foundation
import PGDriver

/// Sign-outs and sign-ins through the whole store path (actor, role, placement lock, state check,
/// chained insert, audit row), on one connection and on eight at once, one premises each; then the
/// cost of the curfew-night function per resident. Prints RESULT lines like the driver benchmark.
func movementsBenchmark(url: String, seconds: Double) throws {
    let config = PGConfig(url: url, applicationName: "ap-bench")
    let setup = try PGConnection(config)
    let staffId: UUID = try setup.query("INSERT INTO staff (name, role) VALUES ('Bench', 'staff') RETURNING id")[0]
        .decode("id")
    let actor = Actor.staff(staffId, origin: "bench")
    var residentsByPremises: [UUID: [UUID]] = [:]
    for row in try setup.query(
        "SELECT premises_id, resident_id FROM placements WHERE status = 'arrived' ORDER BY premises_id, resident_id")
    {
        residentsByPremises[try row.decode("premises_id"), default: []].append(try row.decode("resident_id"))
    }
    // Start from everyone in: sign back in whoever an earlier run left out.
    let premises = residentsByPremises.keys.sorted { $0.uuidString < $1.uuidString }
    guard premises.count >= 8 else {
        print("need 8 premises with arrived residents")
        exit(1)
    }

    for sessions in [1, 8] {
        let start = Date()
        let cpu = cpuSeconds()
        let user = userSeconds()
        let end = start.addingTimeInterval(seconds)
        let counts = ThreadResults(count: sessions)
        let threads = (0..<sessions).map { k in
            let premisesId = premises[k]
            let residents = residentsByPremises[premises[k]]!
            return Thread {
                counts.set(k, (try? signOutsAndIns(config, actor, premisesId, residents, until: end)) ?? -1)
            }
        }
        for thread in threads { thread.start() }
        let total = counts.waitForAll().reduce(0, +)
        print(
            "RESULT movements-\(sessions) \(total) \(Date().timeIntervalSince(start)) \(cpuSeconds() - cpu) "
                + "\(userSeconds() - user)"
        )
    }
    for (premisesId, _) in residentsByPremises
    where try AuditStore.firstBreak(setup, chain: .movements, premisesId: premisesId) != nil {
        print("chain broken at a premises")
        exit(1)
    }

    // The curfew-night function: a baseline, one extra curfew, an absence for one in five.
    let london = TimeZone(identifier: "Europe/London")!
    let baseline = CurfewWindow(start: LocalTime(hour: 23, minute: 0)!, end: LocalTime(hour: 6, minute: 0)!)!
    let extra = try CurfewCondition(
        windows: [CurfewWindow(start: LocalTime(hour: 21, minute: 0)!, end: LocalTime(hour: 7, minute: 0)!)!],
        days: [5, 6], from: LocalDate(year: 2026, month: 1, day: 1)!)
    let night0 = LocalDate(year: 2026, month: 1, day: 1)!
    var evaluated = 0
    var intervals = 0
    let startCurfew = Date()
    let cpu = cpuSeconds()
    let user = userSeconds()
    while Date().timeIntervalSince(startCurfew) < seconds {
        for i in 0..<1000 {
            let night = night0.adding(days: i % 730)
            let absences =
                i % 5 == 0
                ? [
                    DateInterval(
                        start: Zone.instant(night, LocalTime(hour: 22, minute: 0)!, in: london), duration: 4 * 3600)
                ] : []
            intervals +=
                CurfewNight.intervals(
                    night: night, baseline: baseline, conditions: i % 3 == 0 ? [extra] : [], absences: absences,
                    zone: london
                ).count
        }
        evaluated += 1000
    }
    print(
        "RESULT curfew-night-per-resident \(evaluated) \(Date().timeIntervalSince(startCurfew)) "
            + "\(cpuSeconds() - cpu) \(userSeconds() - user)"
    )
    precondition(intervals >= evaluated)
}

/// Sign-out/sign-in cycles over one premises' residents until `end`, on a connection of its own;
/// returns how many movements it recorded.
func signOutsAndIns(_ config: PGConfig, _ actor: Actor, _ premisesId: UUID, _ residents: [UUID], until end: Date) throws
    -> Int
{
    let c = try PGConnection(config)
    var out = Set<UUID>(
        try MovementStore.roll(c, premisesId: premisesId, night: LocalDate(daysSince1970: 0)).filter { !$0.isIn }.map(
            \.residentId))
    var n = 0
    while Date() < end {
        let r = residents[n % residents.count]
        let kind: MovementKind = out.contains(r) ? .in : .out
        _ = try MovementStore.record(
            c, actor: actor, premisesId: premisesId, .init(residentId: r, kind: kind, destination: "shop"), now: Date())
        if kind == .out { out.insert(r) } else { out.remove(r) }
        n += 1
    }
    return n
}

/// Results from plain threads, gathered without the cooperative pool.
final class ThreadResults: @unchecked Sendable {  // guarded by `lock`
    private let lock = NSCondition()
    private var values: [Int?]
    init(count: Int) { values = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ v: Int) {
        lock.lock()
        values[i] = v
        lock.broadcast()
        lock.unlock()
    }
    func waitForAll() -> [Int] {
        lock.lock()
        defer { lock.unlock() }
        while values.contains(where: { $0 == nil }) { lock.wait() }
        return values.map { $0! }
    }
}
