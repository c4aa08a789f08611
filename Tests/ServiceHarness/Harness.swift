import APClient
import APDomain
import APService
import APStore
import APWire
import Civil
import Foundation
import Logging
import PGDriver
import PGMigrations
import ServiceLifecycle
import Synchronization
import TestDatabase

/// A running service on a fresh database with the demo loaded, on a free loopback port, driven over
/// real HTTP by the same client the CLI uses.
public struct Harness: Sendable {
    public let config: PGConfig
    public let url: URL
    public let tokens: Tokens
    /// The demo's first premises (where the demo staff and manager work) and another one.
    public let home: UUID
    public let other: UUID

    public struct Tokens: Sendable { public let staff, manager, admin, worker, otherStaff, otherManager: String }

    /// A generous timeout: the whole suite runs in parallel on two cores.
    public func client(_ token: String?) -> APIClient {
        var client = APIClient(baseURL: url, token: token, timeout: 60)
        if let log = ContractLog.shared {
            client.observer = { exchange in log.record(exchange) }
        }
        return client
    }
    public var staff: APIClient { client(tokens.staff) }
    public var manager: APIClient { client(tokens.manager) }
    public var admin: APIClient { client(tokens.admin) }
    public var worker: APIClient { client(tokens.worker) }
    /// A staff member at `other`.
    public var otherStaff: APIClient { client(tokens.otherStaff) }
    /// A manager at `other`.
    public var otherManager: APIClient { client(tokens.otherManager) }
    public var anonymous: APIClient { client(nil) }

    public func db<T: Sendable>(_ body: @escaping @Sendable (PGConnection) throws -> T) async throws -> T {
        try await TestDatabase.withConnection(config, body)
    }

    /// Runs `body` against a fresh service; stops it gracefully afterwards.
    public static func with<T: Sendable>(
        pool options: PGPool.Options = .init(maxConnections: 2), clock: @escaping @Sendable () -> Date = Date.init,
        logs: LogCapture? = nil, _ body: @escaping @Sendable (Harness) async throws -> T
    ) async throws -> T {
        try await TestDatabase.withFresh(template: try await demoTemplate()) { config in
            try await run(config, pool: options, clock: clock, logs: logs, body)
        }
    }

    public static func run<T: Sendable>(
        _ config: PGConfig, pool options: PGPool.Options, clock: @escaping @Sendable () -> Date,
        logs: LogCapture? = nil,
        replica: PGConfig? = nil, _ body: @escaping @Sendable (Harness) async throws -> T
    ) async throws -> T {
        let seeded: Seeded = try await seed(config, now: clock())
        let pool = PGPool(config, options: options)
        let readPool = replica.map { PGPool($0, options: options) }
        var settings = ServiceConfiguration()
        settings.port = 0
        settings.migrations = Migrator(directory: TestDatabase.sqlDirectory)
        var logger =
            logs.map { capture in Logger(label: "test.service") { _ in capture } } ?? Logger(label: "test.service")
        logger.logLevel = logs == nil ? .warning : .trace
        let (ports, portIn) = AsyncStream.makeStream(of: Int.self)
        let app = APService.application(
            pool: pool, readPool: readPool, configuration: settings, clock: clock, logger: logger
        ) { port in portIn.yield(port) }
        let group = ServiceGroup(configuration: .init(services: [app], logger: logger))
        let running = Task { try await group.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw TransportError(description: "the service did not start") }
        let harness = Harness(
            config: config, url: URL(string: "http://127.0.0.1:\(port)")!,
            tokens: seeded.tokens, home: seeded.home, other: seeded.other)
        do {
            let value = try await body(harness)
            await group.triggerGracefulShutdown()
            try await running.value
            await pool.shutdown()
            await readPool?.shutdown()
            return value
        } catch {
            await group.triggerGracefulShutdown()
            _ = try? await running.value
            await pool.shutdown()
            await readPool?.shutdown()
            throw error
        }
    }
}

extension APIClient {
    /// Sends `json` (a JSON object) and decodes a 2xx answer, or throws the problem.
    public func call<T: Decodable>(_ method: String, _ path: String, json: [String: Any], as type: T.Type = T.self)
        async throws -> T
    {
        let reply = try await send(method, path, body: try JSONSerialization.data(withJSONObject: json))
        guard (200..<300).contains(reply.status) else {
            throw try APIJSON.decoder.decode(APIProblem.self, from: reply.body)
        }
        return try APIJSON.decoder.decode(T.self, from: reply.body)
    }

    public func post<T: Decodable>(_ path: String, _ json: [String: Any], as type: T.Type = T.self) async throws -> T {
        try await call("POST", path, json: json, as: type)
    }

    /// The raw reply to a POST of `json`.
    public func postRaw(_ path: String, _ json: [String: Any]) async throws -> Reply {
        try await send("POST", path, body: try JSONSerialization.data(withJSONObject: json))
    }

    public func get<T: Decodable>(_ path: String, query: [String: String] = [:], as type: T.Type = T.self) async throws
        -> T
    {
        try await call("GET", path, query: query, as: type)
    }
}

struct Seeded: Sendable {
    let tokens: Harness.Tokens
    let home: UUID
    let other: UUID
}

/// The demo loaded once a day into a template that each harness clones: loading it per test would cost
/// more than the test. Its dates are relative to the day it was made.
func demoTemplate() async throws -> String {
    let day = Zone.local(Date(), in: TimeZone(identifier: "Europe/London")!).date
    return try await TestDatabase.derivedTemplate("demo_\(day.description.replacingOccurrences(of: "-", with: ""))") {
        config in
        let c = try PGConnection(config)
        let demo = DemoData(now: Date())
        _ = try demo.loadIfEmpty(into: c)
        _ = try demo.accounts(c)
        let other = try PremisesStore.list(c).sorted { $0.code < $1.code }[1]
        for (name, role) in otherAccounts { _ = try otherAccount(c, name: name, role: role, at: other.id) }
    }
}

/// The accounts at the second premises that tests act as.
let otherAccounts: [(String, StaffRole)] = [("Other Staff", .staff), ("Other Manager", .manager)]

/// The account called `name` at `premises`, made the first time it is asked for.
func otherAccount(_ c: PGConnection, name: String, role: StaffRole, at premises: UUID) throws -> UUID {
    if let id = try c.query("SELECT id FROM accounts WHERE name = $1", [name]).first?.decode("id", as: UUID.self) {
        return id
    }
    let staff = try PremisesStore.addStaff(c, name: name, role: role, premisesIds: [premises])
    let accountRole: Account.Role = role == .manager ? .manager : .staff
    return try AccountStore.create(c, actor: .system, staffId: staff.id, name: name, role: accountRole).id
}

/// Fresh tokens for the demo's accounts and for a staff member at a second premises (a token is kept
/// only as its hash, so each harness issues its own).
func seed(_ config: PGConfig, now: Date) async throws -> Seeded {
    try await TestDatabase.withConnection(config) { c in
        let demo = DemoData(now: now)
        _ = try demo.loadIfEmpty(into: c)
        let a = try demo.accounts(c)
        let other = try PremisesStore.list(c).sorted { $0.code < $1.code }[1]
        let tokens = try otherAccounts.map { name, role in
            let account = try otherAccount(c, name: name, role: role, at: other.id)
            return try AccountStore.issueToken(c, actor: .system, accountId: account, validFor: 86_400, now: now).secret
        }
        return Seeded(
            tokens: Harness.Tokens(
                staff: a.staff.token, manager: a.manager.token, admin: a.admin.token, worker: a.worker.token,
                otherStaff: tokens[0], otherManager: tokens[1]), home: a.premises.id, other: other.id)
    }
}

/// The problem a call was refused with, or nil when it succeeded or failed otherwise.
public func problem(_ body: () async throws -> Void) async -> APIProblem? {
    do {
        try await body()
        return nil
    } catch let p as APIProblem { return p } catch { return nil }
}

/// Any JSON value, for reading answers loosely.
public enum JSONValue: Decodable, Sendable, Equatable {
    case string(String)
    case number(Double)
    case bool(Bool)
    case object([String: JSONValue])
    case array([JSONValue])
    case null
    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() {
            self = .null
        } else if let b = try? c.decode(Bool.self) {
            self = .bool(b)
        } else if let n = try? c.decode(Double.self) {
            self = .number(n)
        } else if let s = try? c.decode(String.self) {
            self = .string(s)
        } else if let a = try? c.decode([JSONValue].self) {
            self = .array(a)
        } else {
            self = .object(try c.decode([String: JSONValue].self))
        }
    }
    public var string: String? {
        if case .string(let s) = self { return s }
        return nil
    }
    public var object: [String: JSONValue]? {
        if case .object(let o) = self { return o }
        return nil
    }

    public var array: [JSONValue]? {
        if case .array(let a) = self { return a }
        return nil
    }
    public subscript(key: String) -> JSONValue? {
        if case .object(let o) = self { return o[key] }
        return nil
    }
}

/// Every log line the service writes, with its metadata, for tests that look for what must never be logged.
public final class LogCapture: LogHandler, @unchecked Sendable {  // lines are guarded by a lock
    private let lock = NSLock()
    private var lines: [String] = []
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .trace
    public init() {}
    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }
    public func log(event: LogEvent) {
        let all = metadata.merging(event.metadata ?? [:]) { $1 }
        lock.lock()
        defer { lock.unlock() }
        lines.append(
            "\(event.level) \(event.message) \(all.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: " "))")
    }
    public var text: String {
        lock.lock()
        defer { lock.unlock() }
        return lines.joined(separator: "\n")
    }
}

/// Every exchange the tests' clients make, one JSON object a line, when AP_CONTRACT_LOG names a file:
/// scripts/test checks each answer against openapi.yaml afterwards (Tests/Contract/check.py), so the
/// document and the service cannot drift apart unnoticed.
final class ContractLog: Sendable {
    static let shared: ContractLog? = ProcessInfo.processInfo.environment["AP_CONTRACT_LOG"].flatMap {
        ContractLog(path: $0)
    }

    private let file: Mutex<FileHandle>

    init?(path: String) {
        if !FileManager.default.fileExists(atPath: path) { FileManager.default.createFile(atPath: path, contents: nil) }
        guard let handle = FileHandle(forWritingAtPath: path) else { return nil }
        handle.seekToEndOfFile()
        file = Mutex(handle)
    }

    func record(_ e: APIClient.Exchange) {
        let line: [String: Any] = [
            "method": e.method, "path": e.path, "query": e.query, "status": e.reply.status,
            "contentType": e.reply.header("Content-Type") ?? "", "body": e.reply.body.base64EncodedString(),
        ]
        guard var data = try? JSONSerialization.data(withJSONObject: line, options: [.sortedKeys]) else { return }
        data.append(0x0A)
        file.withLock { $0.write(data) }
    }
}

extension Harness {
    /// A resident at `premises` whose log says they are in, by an entry before `before` (two hours ago unless
    /// said): a test that records an entry back in time needs one after the last, and the demo's returns are
    /// random, some after 23:00 the night before.
    public func residentIn(at premises: UUID, before: Date = Date().addingTimeInterval(-7200)) async throws
        -> Presence
    {
        let roll: Page<Presence> = try await staff.get("api/v1/premises/\(premises)/roll", query: ["limit": "500"])
        guard let entry = roll.items.first(where: { $0.isIn && $0.since < before }) else {
            throw TransportError(description: "nobody at the premises has been in since before \(before)")
        }
        return entry
    }

    /// Raises a missed-reporting alert for the first arrived resident at `premises`, on the night `daysAgo`
    /// nights back, as the worker would (a distinct night per call keeps each alert new).
    public func raiseAlert(at premises: UUID, daysAgo: Int) async throws -> UUID {
        try await db { c in
            let placement: UUID = try c.query(
                "SELECT id FROM placements WHERE premises_id = $1 AND status = 'arrived' ORDER BY id LIMIT 1",
                [premises]
            )[0].decode("id")
            let night: LocalDate = try c.query(
                "SELECT (now() AT TIME ZONE 'Europe/London')::date - $1::int", [daysAgo])[0].decode(0)
            guard
                let alert = try AlertStore.raise(
                    c, actor: .worker(), placementId: placement, night: night, kind: .missedReporting, evidence: [],
                    escalate: false)
            else { throw TransportError(description: "an alert of that night was raised already") }
            return alert.id
        }
    }

    /// A port the kernel has just given out and taken back: free for a server this test starts.
    public static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { p -> Int32 in
                guard bind(fd, p, length) == 0 else { return -1 }
                return getsockname(fd, p, &length)
            }
        }
        guard bound == 0 else { throw TransportError(description: "no free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
