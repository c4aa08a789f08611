import Foundation
import Logging
import NIOCore
import NIOPosix
import PostgresNIO

// Usage: nio-peer SOCKET_PATH DATABASE USER SECONDS
// Prints lines "RESULT name operations seconds cpu_seconds user_seconds", as ap-bench does.
//
// The best idiomatic use of postgres-nio, as issue 21 asks: every loop is a nonisolated function (top-level code runs
// on the main actor, and each await would hop between the main thread, Swift's pool and the event loop: 15 to 17
// context switches a round trip, measured with perf stat), run under withTaskExecutorPreference with the executor
// of the connection's own event loop (SE-0417, through EventLoopTaskExecutor below), so that a round trip costs the
// event loop's thread and nothing more.
//   nio.*          one PostgresConnection, its event loop preferred
//   nio-client.*   PostgresClient (postgres-nio's pool) on a one-thread event loop group, that loop preferred
//   nio-mainactor.roundtrip   the round trip as the peer first ran it (loop on the main actor), for comparison

struct Row {
    let id: UUID
    let name: String
    let at: Date
    let day: Date
    let n: Int32
    let flag: Bool
    let note: String?
}

struct SelectInt: PostgresPreparedStatement {
    static let sql = "SELECT $1::int"
    typealias Row = Int32
    var x: Int32
    func makeBindings() throws -> PostgresBindings {
        var b = PostgresBindings()
        b.append(x)
        return b
    }
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
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
        + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}

nonisolated func measure(_ name: String, seconds: Double, _ body: (Int) async throws -> Int) async throws {
    let warm = Date()
    var i = 0
    while Date().timeIntervalSince(warm) < 0.3 { i += try await body(i) }
    let start = Date()
    let cpu = cpuSeconds()
    let user = userSeconds()
    var ops = 0
    while Date().timeIntervalSince(start) < seconds { ops += try await body(ops) }
    print("RESULT \(name) \(ops) \(Date().timeIntervalSince(start)) \(cpuSeconds() - cpu) \(userSeconds() - user)")
}

let readSQL: PostgresQuery = "SELECT id, name, at, day, n, flag, note FROM bench_rows ORDER BY n LIMIT 100"

/// The four loops ap-bench runs, on one connection.
nonisolated func connectionLoops(_ connection: PostgresConnection, seconds: Double, logger: Logger) async throws {
    try await measure("nio.roundtrip", seconds: seconds) { i in
        let x = Int32(truncatingIfNeeded: i)
        for try await v in try await connection.query("SELECT \(x)::int", logger: logger).decode(Int32.self) {
            precondition(v == x)
        }
        return 1
    }
    try await measure("nio.roundtrip-prepared", seconds: seconds) { i in
        let x = Int32(truncatingIfNeeded: i)
        for try await v in try await connection.execute(SelectInt(x: x), logger: logger) { precondition(v == x) }
        return 1
    }
    try await measure("nio.read100", seconds: seconds) { _ in
        var rows: [Row] = []
        rows.reserveCapacity(100)
        let sequence = try await connection.query(readSQL, logger: logger)
        for try await (id, name, at, day, n, flag, note) in sequence.decode(
            (UUID, String, Date, Date, Int32, Bool, String?).self)
        {
            rows.append(Row(id: id, name: name, at: at, day: day, n: n, flag: flag, note: note))
        }
        precondition(rows.count == 100)
        return 1
    }
    let ids = (0..<4096).map { _ in UUID() }
    try await measure("nio.insert", seconds: seconds) { i in
        let id = ids[i & 4095]
        let now = Date()
        let n = Int32(truncatingIfNeeded: i)
        let note: String? = nil
        try await connection.query(
            """
            INSERT INTO bench_insert (id, name, at, day, n, flag, note)
            VALUES (\(id), \("Zoë O'Neill"), \(now), \(now), \(n), \(true), \(note))
            """, logger: logger)
        return 1
    }
}

/// The round trip and the read through postgres-nio's own pool: the async path a service built on it would take.
nonisolated func clientLoops(_ client: PostgresClient, seconds: Double, logger: Logger) async throws {
    try await measure("nio-client.roundtrip-prepared", seconds: seconds) { i in
        let x = Int32(truncatingIfNeeded: i)
        for try await v in try await client.execute(SelectInt(x: x), logger: logger) { precondition(v == x) }
        return 1
    }
    try await measure("nio-client.read100", seconds: seconds) { _ in
        var n = 0
        for try await _ in try await client.query(readSQL, logger: logger).decode(
            (UUID, String, Date, Date, Int32, Bool, String?).self)
        {
            n += 1
        }
        precondition(n == 100)
        return 1
    }
}

/// An event loop as a task executor (this swift-nio has no conformance of its own): a job is run on the loop's thread,
/// as NIO's own helper for newer versions does.
final class EventLoopTaskExecutor: TaskExecutor, @unchecked Sendable {
    let loop: any EventLoop
    init(_ loop: any EventLoop) { self.loop = loop }
    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        loop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}

func taskExecutor(_ loop: any EventLoop) -> any TaskExecutor { EventLoopTaskExecutor(loop) }

let args = CommandLine.arguments
guard args.count == 5, let seconds = Double(args[4]) else {
    print("usage: nio-peer SOCKET_PATH DATABASE USER SECONDS")
    exit(64)
}
let logger = Logger(label: "nio-peer")
let configuration = PostgresConnection.Configuration(
    unixSocketPath: args[1], username: args[3], password: nil, database: args[2])
let connection = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: logger)
try await withTaskExecutorPreference(taskExecutor(connection.eventLoop)) {
    try await connectionLoops(connection, seconds: seconds, logger: logger)
}

// As the peer first ran: the loop in top-level code, on the main actor.
do {
    let warm = Date()
    while Date().timeIntervalSince(warm) < 0.3 { _ = try await connection.query("SELECT 1", logger: logger).collect() }
    let start = Date()
    let cpu = cpuSeconds()
    let user = userSeconds()
    var ops = 0
    while Date().timeIntervalSince(start) < seconds {
        let x = Int32(truncatingIfNeeded: ops)
        for try await v in try await connection.query("SELECT \(x)::int", logger: logger).decode(Int32.self) {
            precondition(v == x)
        }
        ops += 1
    }
    print(
        "RESULT nio-mainactor.roundtrip \(ops) \(Date().timeIntervalSince(start)) \(cpuSeconds() - cpu) "
            + "\(userSeconds() - user)")
}
try await connection.closeGracefully()

let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
let client = PostgresClient(
    configuration: PostgresClient.Configuration(
        unixSocketPath: args[1], username: args[3], password: nil, database: args[2]),
    eventLoopGroup: group, backgroundLogger: logger)
try await withThrowingDiscardingTaskGroup { tasks in
    tasks.addTask { await client.run() }
    try await Task.sleep(for: .milliseconds(100))  // run() under way before the first lease
    try await withTaskExecutorPreference(taskExecutor(group.next())) {
        try await clientLoops(client, seconds: seconds, logger: logger)
    }
    tasks.cancelAll()
}
try await group.shutdownGracefully()
