import APStore
import Civil
import Foundation
import PGDriver

// The Swift side of scripts/bench.
//   ap-bench driver DATABASE_URL SECONDS    prints "RESULT name operations seconds cpu_seconds user_seconds"
//   ap-bench occupancy DATABASE_URL RUNS    the store's occupancy against psql (see Occupancy.swift)
//   ap-bench movements DATABASE_URL SECONDS the sign-in/out log and the curfew function (see Movements.swift)
//   ap-bench curfew DATABASE_URL            the curfew check, set-based against naive (see Curfew.swift)
//   ap-bench json SECONDS                   the API's JSON encoder against Foundation's (see JSON.swift)
//   ap-bench passwords                      bcrypt's time a hash at costs 10 to 12 (PasswordStore.cost)
//   ap-bench report-sql DATABASE_URL PREFIX FROM TO TODAY   the occupancy report's SQL as a pgbench script
// scripts/bench pins it to a core, runs the baselines beside it and prints the ratios.

struct BenchRow {
    let id: UUID
    let name: String
    let at: Date
    let day: LocalDate
    let n: Int32
    let flag: Bool
    let note: String?
}

struct CodableRow: Decodable {
    let id: UUID
    let name: String
    let at: Date
    let day: LocalDate
    let n: Int32
    let flag: Bool
    let note: String?
}

/// User plus system CPU of this process; `userSeconds` alone is the library's own work.
func userSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
}

func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(
        usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}

/// BENCH_ONLY=name runs just that measurement (for a profiler).
let only = ProcessInfo.processInfo.environment["BENCH_ONLY"]

/// Runs `body` (which returns how many operations it did) for `seconds` after a short warm-up.
func measure(_ name: String, seconds: Double, _ body: (Int) throws -> Int) rethrows {
    if let only, only != name { return }
    let warm = Date()
    var i = 0
    while Date().timeIntervalSince(warm) < 0.3 { i += try body(i) }
    let start = Date()
    let cpu = cpuSeconds()
    let user = userSeconds()
    var ops = 0
    while Date().timeIntervalSince(start) < seconds { ops += try body(ops) }
    print("RESULT \(name) \(ops) \(Date().timeIntervalSince(start)) \(cpuSeconds() - cpu) \(userSeconds() - user)")
}

let args = CommandLine.arguments
if args.count == 7 && args[1] == "report-sql", let from = LocalDate(args[4]), let to = LocalDate(args[5]),
    let today = LocalDate(args[6])
{
    try reportSQL(url: args[2], prefix: args[3], from: from, to: to, today: today)
    exit(0)
}
if args.count == 3 && args[1] == "json", let seconds = Double(args[2]) {
    try jsonBenchmark(seconds: seconds)
    exit(0)
}
if args.count == 2 && args[1] == "passwords" {
    for cost in UInt8(10)...12 {
        let runs = 5
        let start = Date()
        for i in 0..<runs { _ = PasswordStore.hash("a password of some length \(i)", cost: cost) }
        let each = Date().timeIntervalSince(start) / Double(runs) * 1000
        print(
            "bcrypt cost \(cost)\(cost == PasswordStore.cost ? " (the service's)" : ""): "
                + "\(String(format: "%.0f", each)) ms a hash"
        )
    }
    exit(0)
}
if args.count == 3 && args[1] == "curfew" {
    try curfewBenchmark(url: args[2])
    exit(0)
}
guard args.count == 4, let number = Double(args[3]), ["driver", "occupancy", "movements"].contains(args[1]) else {
    print(
        "usage: ap-bench driver DATABASE_URL SECONDS | ap-bench occupancy DATABASE_URL RUNS | ap-bench movements "
            + "DATABASE_URL SECONDS | ap-bench curfew DATABASE_URL"
    )
    exit(64)
}
if args[1] == "movements" {
    try movementsBenchmark(url: args[2], seconds: number)
    exit(0)
}
if args[1] == "occupancy" {
    try occupancyBenchmark(url: args[2], runs: Int(number))
    exit(0)
}
let seconds = number
let config = PGConfig(url: args[2], applicationName: "ap-bench")
let c = try PGConnection(config)

try measure("driver.roundtrip", seconds: seconds) { i in
    let v: Int32 = try c.query("SELECT $1::int", [Int32(truncatingIfNeeded: i)], prepare: false)[0].decode(0)
    precondition(v == Int32(truncatingIfNeeded: i))
    return 1
}
try measure("driver.roundtrip-prepared", seconds: seconds) { i in
    let v: Int32 = try c.query("SELECT $1::int", [Int32(truncatingIfNeeded: i)])[0].decode(0)
    precondition(v == Int32(truncatingIfNeeded: i))
    return 1
}
let batch = (0..<100).map { PGStatement("SELECT $1::int", [Int32($0)]) }
try measure("driver.roundtrip-pipeline", seconds: seconds) { _ in
    let results = try c.pipeline(batch)
    precondition(results.count == 100)
    return 100
}
let readSQL = "SELECT id, name, at, day, n, flag, note FROM bench_rows ORDER BY n LIMIT 100"
try measure("driver.read100", seconds: seconds) { _ in
    let result = try c.query(readSQL)
    var rows: [BenchRow] = []
    rows.reserveCapacity(result.count)
    for row in result {
        rows.append(
            BenchRow(
                id: try row.decode(0), name: try row.decode(1), at: try row.decode(2), day: try row.decode(3),
                n: try row.decode(4), flag: try row.decode(5), note: try row.decode(6)))
    }
    precondition(rows.count == 100)
    return 1
}
// The page fetched but not decoded: what libpq costs on its own.
try measure("driver.read100-undecoded", seconds: seconds) { _ in
    let rows = try c.query(readSQL).count
    precondition(rows == 100)
    return 1
}
try measure("driver.read100-codable", seconds: seconds) { _ in
    let rows = try c.query(readSQL).decode(CodableRow.self)
    precondition(rows.count == 100)
    return 1
}
let today = LocalDate(daysSince1970: Int32(Date().timeIntervalSince1970 / 86_400))
// Made before timing: Foundation's UUID() costs a getrandom system call, and pgbench's side makes its uuid on the
// server.
let ids = (0..<4096).map { _ in UUID() }
try measure("driver.insert", seconds: seconds) { i in
    try c.query(
        "INSERT INTO bench_insert (id, name, at, day, n, flag, note) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        [ids[i & 4095], "Zoë O'Neill", Date(), today, Int32(truncatingIfNeeded: i), true, String?.none])
    return 1
}

// The same round trip through the pool from an async task: what a service handler pays, hop included. The loops are
// nonisolated functions: top-level code runs on the main actor, and every await would add a hop to the main thread
// that no handler pays.
nonisolated func pooledRoundTrips(_ pool: PGPool, seconds: Double) async throws -> String {
    var ops = 0
    let warm = Date()
    while Date().timeIntervalSince(warm) < 0.3 { _ = try await pool.query("SELECT $1::int", [Int32(1)]) }
    let start = Date()
    let cpu = cpuSeconds()
    let user = userSeconds()
    while Date().timeIntervalSince(start) < seconds {
        let x = Int32(truncatingIfNeeded: ops)
        let v: Int32 = try await pool.withConnection { try $0.query("SELECT $1::int", [x])[0].decode(0) }
        precondition(v == x)
        ops += 1
    }
    return "\(ops) \(Date().timeIntervalSince(start)) \(cpuSeconds() - cpu) \(userSeconds() - user)"
}

/// driver.roundtrip-pooled: from a task on Swift's cooperative pool (two hops a closure); -executor: from a task that
/// prefers the pool as its executor (the closure runs on the thread the task is on).
for name in ["driver.roundtrip-pooled", "driver.roundtrip-pooled-executor"] {
    if let only, only != name { continue }
    let pool = PGPool(config, options: .init(maxConnections: 1))
    let figures =
        name.hasSuffix("executor")
        ? try await withTaskExecutorPreference(pool) { try await pooledRoundTrips(pool, seconds: seconds) }
        : try await pooledRoundTrips(pool, seconds: seconds)
    print("RESULT \(name) \(figures)")
    await pool.shutdown()
}
