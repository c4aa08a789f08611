import Foundation
import PGDriver
import PGMigrations

/// Fresh databases for tests: the migrations are applied once to a template database (named after a
/// hash of `sql/`, so a changed migration makes a new template), and each test gets a clone of it,
/// dropped afterwards. Tests can therefore run in any order and in parallel.
public enum TestDatabase {
    /// The server the tests use: DATABASE_URL (scripts/test sets it), else the checkout's own local
    /// server from scripts/db, so that a plain `swift test` works too.
    public static let serverURL: String = {
        if let url = ProcessInfo.processInfo.environment["DATABASE_URL"], !url.isEmpty { return url }
        do { return try script("scripts/db") } catch {
            fatalError("no database for the tests: set DATABASE_URL, or make scripts/db work (\(error))")
        }
    }()

    /// The repository's `sql/` folder.
    public static let sqlDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent(
            "sql")

    /// How long a test waits for a connection: on two cores busy with the whole suite (browsers, services, a
    /// fuzzer) a new backend can take seconds to start. The tests judge what connections do, not how fast they come.
    public static let connectTimeout = 30

    /// Runs `body` with the configuration of a new migrated database, then drops it.
    public static func withFresh<T>(
        migrated: Bool = true, template: String? = nil, _ body: (PGConfig) async throws -> T
    ) async throws -> T {
        let name = "ap_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16)
        let template =
            if let template { template } else if migrated { try await Template.shared.name() } else { "template0" }
        try await admin { c in try c.execute("CREATE DATABASE \(name) TEMPLATE \(template)") }
        do {
            let value = try await body(PGConfig(url: serverURL, database: name, connectTimeoutSeconds: connectTimeout))
            await drop(name)
            return value
        } catch {
            await drop(name)
            throw error
        }
    }

    /// Best effort: a plain DROP stops autovacuum by itself and waits a moment for closing sessions;
    /// FORCE then ends any left (but may not signal an autovacuum worker, hence plain first). A test
    /// database that still cannot be dropped is left behind in the throw-away cluster, not a failed test.
    public static func drop(_ name: String) async {
        for statement in ["DROP DATABASE IF EXISTS \(name)", "DROP DATABASE IF EXISTS \(name) WITH (FORCE)"] {
            if (try? await admin { c in try c.execute(statement) }) != nil { return }
        }
    }

    /// Runs `body` on a connection to the server's own database, on a thread of its own.
    @discardableResult
    public static func admin<T: Sendable>(_ body: @escaping @Sendable (PGConnection) throws -> T) async throws -> T {
        try await onThread {
            try body(try PGConnection(PGConfig(url: serverURL, connectTimeoutSeconds: connectTimeout)))
        }
    }

    /// Runs blocking work off the cooperative pool.
    public static func onThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try body() }) }.start()
        }
    }
}

extension TestDatabase {
    /// The migrated template's name (made on first use).
    public static func migratedTemplate() async throws -> String { try await Template.shared.name() }

    /// A template made once (per server, per `key`) by `build` from a clone of the migrated template;
    /// databases cloned from it start with whatever `build` wrote. An advisory lock keeps parallel
    /// processes apart; the connection `build` gets is closed before the template is used.
    public static func derivedTemplate(_ key: String, _ build: @escaping @Sendable (PGConfig) throws -> Void)
        async throws -> String
    {
        let base = try await migratedTemplate()
        let name = "\(base)_\(key)"
        try await admin { c in
            try c.query("SELECT pg_advisory_lock(7112025004)")
            defer { _ = try? c.query("SELECT pg_advisory_unlock(7112025004)") }
            if try c.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]).isEmpty {
                let building = name + "_building"
                try c.execute("DROP DATABASE IF EXISTS \(building) WITH (FORCE)")
                try c.execute("CREATE DATABASE \(building) TEMPLATE \(base)")
                try build(PGConfig(url: serverURL, database: building))
                try c.execute("ALTER DATABASE \(building) RENAME TO \(name)")
            }
        }
        return name
    }
}

/// Makes the migrated template once per process; an advisory lock keeps parallel processes apart.
actor Template {
    static let shared = Template()
    private var made: String?

    func name() async throws -> String {
        if let made { return made }
        let migrations = try Migrator(directory: TestDatabase.sqlDirectory).load()
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325  // FNV-1a of every file's name and text
        for m in migrations {
            for b in (m.name + "\u{0}" + m.sql).utf8 { hash = (hash ^ UInt64(b)) &* 0x100_0000_01b3 }
        }
        let name = "ap_tpl_" + String(hash, radix: 16)
        try await TestDatabase.admin { c in
            try c.query("SELECT pg_advisory_lock(7112025002)")
            defer { _ = try? c.query("SELECT pg_advisory_unlock(7112025002)") }
            if try c.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]).isEmpty {
                let building = name + "_building"
                try c.execute("DROP DATABASE IF EXISTS \(building) WITH (FORCE)")
                try c.execute("CREATE DATABASE \(building) TEMPLATE template0")
                let target = try PGConnection(PGConfig(url: TestDatabase.serverURL, database: building))
                try Migrator(directory: TestDatabase.sqlDirectory).migrate(target)
                _ = consume target  // the template must have no sessions before it is renamed or cloned
                try c.execute("ALTER DATABASE \(building) RENAME TO \(name)")
            }
        }
        made = name
        return name
    }
}
