import Foundation
import Logging
import PostgresNIO

// Usage: nio-peer SOCKET_PATH DATABASE USER SECONDS
// Prints lines "RESULT name operations seconds cpu_seconds user_seconds", as ap-bench does.

struct Row { let id: UUID; let name: String; let at: Date; let day: Date; let n: Int32; let flag: Bool; let note: String? }

struct SelectInt: PostgresPreparedStatement {
    static let sql = "SELECT $1::int"
    typealias Row = Int32
    var x: Int32
    func makeBindings() throws -> PostgresBindings { var b = PostgresBindings(); b.append(x); return b }
    func decodeRow(_ row: PostgresRow) throws -> Int32 { try row.decode(Int32.self) }
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
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}

func measure(_ name: String, seconds: Double, _ body: (Int) async throws -> Int) async throws {
    let warm = Date()
    var i = 0
    while Date().timeIntervalSince(warm) < 0.3 { i += try await body(i) }
    let start = Date(), cpu = cpuSeconds(), user = userSeconds()
    var ops = 0
    while Date().timeIntervalSince(start) < seconds { ops += try await body(ops) }
    print("RESULT \(name) \(ops) \(Date().timeIntervalSince(start)) \(cpuSeconds() - cpu) \(userSeconds() - user)")
}

let args = CommandLine.arguments
guard args.count == 5, let seconds = Double(args[4]) else {
    print("usage: nio-peer SOCKET_PATH DATABASE USER SECONDS")
    exit(64)
}
let logger = Logger(label: "nio-peer")
let connection = try await PostgresConnection.connect(
    configuration: .init(unixSocketPath: args[1], username: args[3], password: nil, database: args[2]), id: 1, logger: logger)

try await measure("nio.roundtrip", seconds: seconds) { i in
    for try await v in try await connection.query("SELECT \(Int32(truncatingIfNeeded: i))::int", logger: logger).decode(Int32.self) {
        precondition(v == Int32(truncatingIfNeeded: i))
    }
    return 1
}
try await measure("nio.roundtrip-prepared", seconds: seconds) { i in
    for try await v in try await connection.execute(SelectInt(x: Int32(truncatingIfNeeded: i)), logger: logger) {
        precondition(v == Int32(truncatingIfNeeded: i))
    }
    return 1
}
try await measure("nio.read100", seconds: seconds) { _ in
    var rows: [Row] = []
    rows.reserveCapacity(100)
    let sequence = try await connection.query("SELECT id, name, at, day, n, flag, note FROM bench_rows ORDER BY n LIMIT 100", logger: logger)
    for try await (id, name, at, day, n, flag, note) in sequence.decode((UUID, String, Date, Date, Int32, Bool, String?).self) {
        rows.append(Row(id: id, name: name, at: at, day: day, n: n, flag: flag, note: note))
    }
    precondition(rows.count == 100)
    return 1
}
let ids = (0..<4096).map { _ in UUID() }
try await measure("nio.insert", seconds: seconds) { i in
    let id = ids[i & 4095], now = Date(), n = Int32(truncatingIfNeeded: i), note: String? = nil
    try await connection.query("""
        INSERT INTO bench_insert (id, name, at, day, n, flag, note)
        VALUES (\(id), \("Zoë O'Neill"), \(now), \(now), \(n), \(true), \(note))
        """, logger: logger)
    return 1
}
try await connection.closeGracefully()
