import ArgumentParser
import Foundation
import PGDriver
import PGMigrations

struct MigrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Apply the pending sql/NNNN_name.sql migrations in order, or show their status.",
        discussion: """
            Each file runs in its own transaction and is recorded in schema_migrations with its checksum. \
            A file changed after it was applied is refused: put the change in a new file. \
            Exit codes: 0 done, 1 a migration or the database failed, 64 bad usage.

            Examples:
              ap-server migrate
              ap-server migrate --status
              AP_SQL_DIR=/opt/ap/sql ap-server migrate
            """
    )

    @Flag(help: "Show each migration and whether it is applied, pending, changed or missing; change nothing.")
    var status = false

    @Option(name: .customLong("sql-dir"), help: "The migrations folder (default: AP_SQL_DIR, else ./sql).")
    var sqlDirectory: String?

    func run() throws {
        let migrator = Migrator(directory: sqlDirectory.map { URL(fileURLWithPath: $0) } ?? Migrator.defaultDirectory())
        do {
            let connection = try PGConnection(try PGConfig.fromEnvironment(applicationName: "ap-migrate"))
            if status {
                for s in try migrator.status(connection) {
                    let at = s.appliedAt.map { " " + $0.formatted(.iso8601) } ?? ""
                    print("\(s.state.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)) \(s.name)\(at)")
                }
                return
            }
            let applied = try migrator.migrate(connection)
            print(applied.isEmpty ? "up to date" : applied.map { "applied \($0.name)" }.joined(separator: "\n"))
        } catch {
            FileHandle.standardError.write(Data("ap-server migrate: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}
