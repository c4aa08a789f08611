import Foundation
import PGDriver
import Testing
import TestDatabase

/// The `ap-server migrate` binary as an operator runs it.
@Suite struct MigrateCommandTests {
    @Test func migratesThenReportsStatus() async throws {
        try await TestDatabase.withFresh(migrated: false) { config in
            let env = ["DATABASE_URL": TestDatabase.url(database: config.database!), "AP_SQL_DIR": TestDatabase.sqlDirectory.path]
            let first = try TestDatabase.run("ap-server", ["migrate"], environment: env)
            #expect(first.status == 0)
            #expect(first.out.contains("applied 0001_extensions"))
            let again = try TestDatabase.run("ap-server", ["migrate"], environment: env)
            #expect(again.out.trimmingCharacters(in: .whitespacesAndNewlines) == "up to date")
            let status = try TestDatabase.run("ap-server", ["migrate", "--status"], environment: env)
            #expect(status.out.hasPrefix("applied  0001_extensions"))
        }
    }

    @Test func failuresAreOneClearLineWithExitCode1() throws {
        let down = try TestDatabase.run("ap-server", ["migrate"], environment: ["DATABASE_URL": "postgresql://ap@127.0.0.1:1/ap"])
        #expect(down.status == 1)
        #expect(down.err.hasPrefix("ap-server migrate: connectionFailed"))
        #expect(!down.err.contains("Fatal error") && !down.err.contains("Backtrace"))

        let unset = try TestDatabase.run("ap-server", ["migrate"], environment: ["DATABASE_URL": ""])
        #expect(unset.status == 1)
        #expect(unset.err.contains("DATABASE_URL is not set"))

        let usage = try TestDatabase.run("ap-server", ["migrate", "--no-such-flag"])
        #expect(usage.status == 64)
    }
}
