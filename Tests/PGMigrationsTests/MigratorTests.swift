import Foundation
import PGDriver
import PGMigrations
import TestDatabase
import Testing

@Suite struct MigratorTests {
    /// A folder of migration files for one test.
    final class Folder: @unchecked Sendable {
        let url = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent(
            "ap-mig-\(UUID().uuidString.prefix(8))")
        init(_ files: [String: String]) throws {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
            for (name, sql) in files { try write(name, sql) }
        }
        func write(_ name: String, _ sql: String) throws {
            try sql.write(to: url.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        func remove(_ name: String) throws { try FileManager.default.removeItem(at: url.appendingPathComponent(name)) }
        deinit { try? FileManager.default.removeItem(at: url) }
    }

    @Test func appliesInNumericOrderOnceEach() async throws {
        // 0010 depends on 0002, which depends on 0001: only numeric order works (and 10 sorts after 2).
        let folder = try Folder([
            "0010_c.sql": "CREATE TABLE c (b int REFERENCES b (id));",
            "0001_a.sql": "CREATE TABLE a (id int PRIMARY KEY);",
            "0002_b.sql": "CREATE TABLE b (id int PRIMARY KEY, a int REFERENCES a (id));",
        ])
        try await TestDatabase.withFresh(migrated: false) { config in
            try await TestDatabase.withConnection(config) { c in
                let migrator = Migrator(directory: folder.url)
                #expect(try migrator.migrate(c).map(\.name) == ["0001_a", "0002_b", "0010_c"])
                #expect(try migrator.migrate(c).isEmpty)
                #expect(try migrator.status(c).map(\.state) == [.applied, .applied, .applied])
                #expect(try migrator.isCurrent(c))
                let versions: [Int] = try c.query("SELECT version FROM schema_migrations ORDER BY applied_at, version")
                    .map { try $0.decode("version") }
                #expect(versions == [1, 2, 10])

                try folder.write("0011_d.sql", "CREATE TABLE d (x int);")
                #expect(try migrator.status(c).last?.state == .pending)
                #expect(try !migrator.isCurrent(c))
                #expect(try migrator.migrate(c).map(\.name) == ["0011_d"])
            }
        }
    }

    @Test func refusesAChangedAppliedFile() async throws {
        let folder = try Folder(["0001_a.sql": "CREATE TABLE a (id int);"])
        try await TestDatabase.withFresh(migrated: false) { config in
            try await TestDatabase.withConnection(config) { c in
                let migrator = Migrator(directory: folder.url)
                try migrator.migrate(c)
                try folder.write("0001_a.sql", "CREATE TABLE a (id bigint);")
                try folder.write("0002_b.sql", "CREATE TABLE b (id int);")
                let error = #expect(throws: MigrationError.self) { try migrator.migrate(c) }
                #expect(error?.description.contains("0001_a.sql was changed") == true)
                #expect(try migrator.status(c).map(\.state) == [.changed, .pending])
                // Nothing after the refusal ran.
                #expect(try c.query("SELECT to_regclass('b') IS NULL AS absent")[0].decode("absent", as: Bool.self))
            }
        }
    }

    @Test func refusesMissingMisnamedDuplicateAndOutOfOrderFiles() async throws {
        try await TestDatabase.withFresh(migrated: false) { config in
            try await TestDatabase.withConnection(config) { c in
                let folder = try Folder(["0001_a.sql": "SELECT 1;", "0003_c.sql": "SELECT 3;"])
                let migrator = Migrator(directory: folder.url)
                try migrator.migrate(c)

                try folder.write("0002_b.sql", "SELECT 2;")
                #expect(
                    (#expect(throws: MigrationError.self) { try migrator.migrate(c) })?.description.contains(
                        "numbered before 3") == true)
                try folder.remove("0002_b.sql")

                try folder.remove("0003_c.sql")
                #expect(
                    (#expect(throws: MigrationError.self) { try migrator.migrate(c) })?.description.contains("missing")
                        == true)
                #expect(try migrator.status(c).last?.state == .missing)
                try folder.write("0003_c.sql", "SELECT 3;")

                try folder.write("4_bad.sql", "SELECT 4;")
                #expect(
                    (#expect(throws: MigrationError.self) { try migrator.migrate(c) })?.description.contains(
                        "NNNN_name.sql") == true)
                try folder.remove("4_bad.sql")

                try folder.write("0004_x.sql", "SELECT 4;")
                try folder.write("0004_y.sql", "SELECT 4;")
                #expect(
                    (#expect(throws: MigrationError.self) { try migrator.migrate(c) })?.description.contains(
                        "share the number") == true)
            }
        }
    }

    @Test func aFailingMigrationLeavesNothingBehind() async throws {
        let folder = try Folder([
            "0001_ok.sql": "CREATE TABLE ok (id int);",
            "0002_bad.sql": "CREATE TABLE half (id int); INSERT INTO half VALUES ('not a number');",
        ])
        try await TestDatabase.withFresh(migrated: false) { config in
            try await TestDatabase.withConnection(config) { c in
                let error = #expect(throws: MigrationError.self) { try Migrator(directory: folder.url).migrate(c) }
                #expect(error?.description.contains("0002_bad.sql failed and was rolled back") == true)
                #expect(try c.query("SELECT to_regclass('half') IS NULL AS absent")[0].decode("absent", as: Bool.self))
                #expect(
                    try c.query("SELECT to_regclass('ok') IS NOT NULL AS present")[0].decode("present", as: Bool.self))
                let versions: [Int] = try c.query("SELECT version FROM schema_migrations").map {
                    try $0.decode("version")
                }
                #expect(versions == [1])
            }
        }
    }

    /// Two runners start together; the advisory lock makes one wait, and each file runs once.
    @Test func concurrentRunnersApplyEachFileOnce() async throws {
        let folder = try Folder([
            "0001_slow.sql": "SELECT pg_sleep(0.5); CREATE TABLE once (id int);",
            "0002_count.sql": "CREATE TABLE runs (n int); INSERT INTO runs VALUES (1);",
        ])
        try await TestDatabase.withFresh(migrated: false) { config in
            let applied = try await withThrowingTaskGroup(of: [String].self) { group in
                for _ in 0..<2 {
                    group.addTask {
                        try await TestDatabase.withConnection(config) {
                            try Migrator(directory: folder.url).migrate($0).map(\.name)
                        }
                    }
                }
                return try await group.reduce(into: [[String]]()) { $0.append($1) }
            }
            #expect(applied.sorted { $0.count < $1.count } == [[], ["0001_slow", "0002_count"]])
            try await TestDatabase.withConnection(config) { c throws in
                #expect(try c.query("SELECT count(*) AS n FROM runs")[0].decode("n", as: Int.self) == 1)
                #expect(try c.query("SELECT count(*) AS n FROM schema_migrations")[0].decode("n", as: Int.self) == 2)
            }
        }
    }

    @Test func theRepositoryMigrationsApplyToAnEmptyDatabase() async throws {
        try await TestDatabase.withFresh(migrated: false) { config in
            try await TestDatabase.withConnection(config) { c in
                let migrator = Migrator(directory: TestDatabase.sqlDirectory)
                let files = try migrator.load()
                #expect(!files.isEmpty)
                #expect(try migrator.migrate(c).count == files.count)
                #expect(try migrator.isCurrent(c))
            }
        }
    }
}
