import Foundation
import PGDriver

/// One file of `sql/`: `NNNN_name.sql`.
public struct Migration: Sendable, Equatable {
    public let version: Int
    public let name: String
    public let sql: String
}

/// Applies `sql/NNNN_name.sql` files in order, each in its own transaction, once each.
///
/// Applied files are recorded in `schema_migrations` with a SHA-256 of their text (computed by the
/// server, so no crypto library is needed here). A file changed after it was applied is refused: the
/// fix is a new migration, never an edit of history. Runners take a session advisory lock, so two at
/// once apply each file exactly once.
public struct Migrator: Sendable {
    public enum State: String, Sendable { case applied, pending, changed, missing }
    public struct Status: Sendable, Equatable {
        public let version: Int
        public let name: String
        public let state: State
        public let appliedAt: Date?
    }

    public let directory: URL
    /// An arbitrary constant: the advisory lock every runner of this schema takes.
    static let lockKey = 7_112_025_001

    public init(directory: URL) { self.directory = directory }

    /// `AP_SQL_DIR`, else `sql/` in the current folder.
    public static func defaultDirectory() -> URL {
        if let dir = ProcessInfo.processInfo.environment["AP_SQL_DIR"], !dir.isEmpty {
            return URL(fileURLWithPath: dir)
        }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("sql")
    }

    /// The migration files, in order; refuses misnamed files and duplicate numbers.
    public func load() throws -> [Migration] {
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: directory.path) } catch {
            throw MigrationError(
                "cannot read the migrations folder \(directory.path): check AP_SQL_DIR or run from the checkout")
        }
        var migrations: [Migration] = []
        for file in names.sorted() where file.hasSuffix(".sql") {
            let stem = file.dropLast(4)
            guard let underscore = stem.firstIndex(of: "_"), let version = Int(stem[..<underscore]),
                stem[..<underscore].count == 4, stem.index(after: underscore) < stem.endIndex
            else {
                throw MigrationError(
                    "\(file): a migration must be named NNNN_name.sql (four digits, an underscore, a name)")
            }
            if let clash = migrations.first(where: { $0.version == version }) {
                throw MigrationError("\(file) and \(clash.name).sql share the number \(version): renumber one of them")
            }
            let text = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
            migrations.append(Migration(version: version, name: String(stem), sql: text))
        }
        return migrations
    }

    /// Applies every pending migration; returns those applied by this call.
    @discardableResult
    public func migrate(_ connection: PGConnection) throws -> [Migration] {
        let files = try load()
        try connection.query("SELECT pg_advisory_lock($1)", [Migrator.lockKey], prepare: false)
        defer { _ = try? connection.query("SELECT pg_advisory_unlock($1)", [Migrator.lockKey], prepare: false) }
        try ensureTable(connection)
        let applied = try appliedChecksums(connection)
        try verify(files, against: applied, connection)
        var done: [Migration] = []
        for migration in files where applied[migration.version] == nil {
            do {
                try connection.transaction { c in
                    try c.execute(migration.sql)
                    try c.query(
                        """
                        INSERT INTO schema_migrations (version, name, checksum)
                        VALUES ($1, $2, encode(sha256(convert_to($3, 'UTF8')), 'hex'))
                        """, [migration.version, migration.name, migration.sql], prepare: false)
                }
            } catch let error as PGError {
                throw MigrationError("\(migration.name).sql failed and was rolled back: \(error)")
            }
            done.append(migration)
        }
        return done
    }

    /// Each file and each applied version, with its state.
    public func status(_ connection: PGConnection) throws -> [Status] {
        let files = try load()
        try ensureTable(connection)
        var applied: [Int: (name: String, sum: String, at: Date)] = [:]
        for row in try connection.query(
            "SELECT version, name, checksum, applied_at FROM schema_migrations", prepare: false)
        {
            applied[try row.decode("version")] = (
                try row.decode("name"), try row.decode("checksum"), try row.decode("applied_at")
            )
        }
        let sums = try checksums(of: files, connection)
        var out = files.map { file -> Status in
            guard let a = applied[file.version] else {
                return Status(version: file.version, name: file.name, state: .pending, appliedAt: nil)
            }
            return Status(
                version: file.version, name: file.name, state: a.sum == sums[file.version] ? .applied : .changed,
                appliedAt: a.at)
        }
        for (version, a) in applied where !files.contains(where: { $0.version == version }) {
            out.append(Status(version: version, name: a.name, state: .missing, appliedAt: a.at))
        }
        return out.sorted { $0.version < $1.version }
    }

    /// True when every file is applied unchanged (what a readiness check asks).
    public func isCurrent(_ connection: PGConnection) throws -> Bool {
        try status(connection).allSatisfy { $0.state == .applied }
    }

    private func ensureTable(_ connection: PGConnection) throws {
        try connection.execute(
            """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version integer PRIMARY KEY,
                name text NOT NULL,
                checksum text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            )
            """)
    }

    private func appliedChecksums(_ connection: PGConnection) throws -> [Int: (name: String, sum: String)] {
        var applied: [Int: (String, String)] = [:]
        for row in try connection.query("SELECT version, name, checksum FROM schema_migrations", prepare: false) {
            applied[try row.decode("version")] = (try row.decode("name"), try row.decode("checksum"))
        }
        return applied
    }

    private func checksums(of files: [Migration], _ connection: PGConnection) throws -> [Int: String] {
        if files.isEmpty { return [:] }
        let rows = try connection.query(
            """
            SELECT v, encode(sha256(convert_to(t, 'UTF8')), 'hex') AS sum FROM unnest($1::int8[], $2::text[]) AS f(v, t)
            """, [files.map(\.version), files.map(\.sql)], prepare: false)
        var sums: [Int: String] = [:]
        for row in rows { sums[try row.decode("v")] = try row.decode("sum") }
        return sums
    }

    private func verify(
        _ files: [Migration], against applied: [Int: (name: String, sum: String)], _ connection: PGConnection
    ) throws {
        let sums = try checksums(of: files, connection)
        for file in files {
            if let a = applied[file.version], a.sum != sums[file.version] {
                throw MigrationError(
                    "\(file.name).sql was changed after it was applied: restore it as it was and put the change in a "
                        + "new migration"
                )
            }
        }
        for (version, a) in applied where !files.contains(where: { $0.version == version }) {
            throw MigrationError(
                "\(a.name).sql is applied to this database but missing from \(directory.path): restore the file")
        }
        if let lastApplied = applied.keys.max(),
            let gap = files.first(where: { applied[$0.version] == nil && $0.version < lastApplied })
        {
            throw MigrationError(
                "\(gap.name).sql is numbered before \(lastApplied), which is already applied: give it a number after "
                    + "\(lastApplied)"
            )
        }
    }
}

public struct MigrationError: Error, CustomStringConvertible, Sendable {
    public let description: String
    init(_ description: String) { self.description = description }
}
