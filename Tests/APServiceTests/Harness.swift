import APClient
import APService
import APStore
import Foundation
import Logging
import PGDriver
import PGMigrations
import ServiceLifecycle
import TestDatabase

/// A running service on a fresh database with the demo loaded, on a free loopback port, driven over
/// real HTTP by the same client the CLI uses.
struct Harness: Sendable {
    let config: PGConfig
    let url: URL
    let tokens: Tokens
    /// The demo's first premises (where the demo staff and manager work) and another one.
    let home: UUID
    let other: UUID

    struct Tokens: Sendable { let staff, manager, admin, worker, otherStaff: String }

    func client(_ token: String?) -> APIClient { APIClient(baseURL: url, token: token) }
    var staff: APIClient { client(tokens.staff) }
    var manager: APIClient { client(tokens.manager) }
    var admin: APIClient { client(tokens.admin) }
    var worker: APIClient { client(tokens.worker) }
    /// A staff member at `other`.
    var otherStaff: APIClient { client(tokens.otherStaff) }
    var anonymous: APIClient { client(nil) }

    func db<T: Sendable>(_ body: @escaping @Sendable (PGConnection) throws -> T) async throws -> T {
        try await TestDatabase.withConnection(config, body)
    }

    /// Runs `body` against a fresh service; stops it gracefully afterwards.
    static func with<T: Sendable>(pool options: PGPool.Options = .init(maxConnections: 4), clock: @escaping @Sendable () -> Date = Date.init,
                                  _ body: @escaping @Sendable (Harness) async throws -> T) async throws -> T {
        try await TestDatabase.withFresh { config in try await run(config, pool: options, clock: clock, body) }
    }

    static func run<T: Sendable>(_ config: PGConfig, pool options: PGPool.Options, clock: @escaping @Sendable () -> Date,
                                 _ body: @escaping @Sendable (Harness) async throws -> T) async throws -> T {
        let seeded: Seeded = try await seed(config, now: clock())
            let pool = PGPool(config, options: options)
            var settings = ServiceConfiguration()
            settings.port = 0
            settings.migrations = Migrator(directory: TestDatabase.sqlDirectory)
            var logger = Logger(label: "test.service")
            logger.logLevel = .warning
            let (ports, portIn) = AsyncStream.makeStream(of: Int.self)
            let app = APService.application(pool: pool, configuration: settings, clock: clock, logger: logger) { port in portIn.yield(port) }
            let group = ServiceGroup(configuration: .init(services: [app], logger: logger))
            let running = Task { try await group.run() }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else { throw TransportError(description: "the service did not start") }
            let harness = Harness(config: config, url: URL(string: "http://127.0.0.1:\(port)")!,
                                  tokens: seeded.tokens, home: seeded.home, other: seeded.other)
            do {
                let value = try await body(harness)
                await group.triggerGracefulShutdown()
                try await running.value
                await pool.shutdown()
                return value
            } catch {
                await group.triggerGracefulShutdown()
                _ = try? await running.value
                await pool.shutdown()
                throw error
            }
    }
}

extension APIClient {
    /// Sends `json` (a JSON object) and decodes a 2xx answer, or throws the problem.
    func call<T: Decodable>(_ method: String, _ path: String, json: [String: Any], as type: T.Type = T.self) async throws -> T {
        let reply = try await send(method, path, body: try JSONSerialization.data(withJSONObject: json))
        guard (200..<300).contains(reply.status) else { throw try APIJSON.decoder.decode(APIProblem.self, from: reply.body) }
        return try APIJSON.decoder.decode(T.self, from: reply.body)
    }

    func post<T: Decodable>(_ path: String, _ json: [String: Any], as type: T.Type = T.self) async throws -> T {
        try await call("POST", path, json: json, as: type)
    }

    /// The raw reply to a POST of `json`.
    func postRaw(_ path: String, _ json: [String: Any]) async throws -> Reply {
        try await send("POST", path, body: try JSONSerialization.data(withJSONObject: json))
    }

    func get<T: Decodable>(_ path: String, query: [String: String] = [:], as type: T.Type = T.self) async throws -> T {
        try await call("GET", path, query: query, as: type)
    }
}

/// A page of a list.
struct Page<Item: Decodable & Sendable>: Decodable, Sendable { let items: [Item]; let nextCursor: String? }

struct Seeded: Sendable { let tokens: Harness.Tokens; let home: UUID; let other: UUID }

/// The demo, its accounts, and a staff member at a second premises.
func seed(_ config: PGConfig, now: Date) async throws -> Seeded {
    try await TestDatabase.withConnection(config) { c in
        let demo = DemoData(now: now)
        _ = try demo.loadIfEmpty(into: c)
        let a = try demo.accounts(c)
        let other = try PremisesStore.list(c).sorted { $0.code < $1.code }[1]
        let staff = try PremisesStore.addStaff(c, name: "Other Staff", role: .staff, premisesIds: [other.id])
        let account = try AccountStore.create(c, actor: .system, staffId: staff.id, name: "Other Staff", role: .staff)
        let token = try AccountStore.issueToken(c, actor: .system, accountId: account.id, validFor: 86_400, now: now).secret
        return Seeded(tokens: Harness.Tokens(staff: a.staff.token, manager: a.manager.token, admin: a.admin.token, worker: a.worker.token,
                                             otherStaff: token), home: a.premises.id, other: other.id)
    }
}

/// The problem a call was refused with, or nil when it succeeded or failed otherwise.
func problem(_ body: () async throws -> Void) async -> APIProblem? {
    do { try await body(); return nil } catch let p as APIProblem { return p } catch { return nil }
}

/// Any JSON value, for reading answers loosely.
typealias JSONObject = [String: JSONValue]
enum JSONValue: Decodable, Sendable, Equatable {
    case string(String), number(Double), bool(Bool), object([String: JSONValue]), array([JSONValue]), null
    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let n = try? c.decode(Double.self) { self = .number(n) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([JSONValue].self) { self = .array(a) }
        else { self = .object(try c.decode([String: JSONValue].self)) }
    }
    var string: String? { if case .string(let s) = self { return s }; return nil }
    var array: [JSONValue]? { if case .array(let a) = self { return a }; return nil }
    subscript(key: String) -> JSONValue? { if case .object(let o) = self { return o[key] }; return nil }
}
