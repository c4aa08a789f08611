import APStore
import Foundation
import PGDriver
import TestDatabase
import Testing

/// The `ap-server migrate` binary as an operator runs it.
@Suite struct MigrateCommandTests {
    @Test func migratesThenReportsStatus() async throws {
        try await TestDatabase.withFresh(migrated: false) { config in
            let env = [
                "DATABASE_URL": TestDatabase.url(database: config.database!),
                "AP_SQL_DIR": TestDatabase.sqlDirectory.path,
            ]
            let first = try await TestDatabase.run("ap-server", ["migrate"], environment: env)
            #expect(first.status == 0)
            #expect(first.out.contains("applied 0001_extensions"))
            let again = try await TestDatabase.run("ap-server", ["migrate"], environment: env)
            #expect(again.out.trimmingCharacters(in: .whitespacesAndNewlines) == "up to date")
            let status = try await TestDatabase.run("ap-server", ["migrate", "--status"], environment: env)
            #expect(status.out.hasPrefix("applied  0001_extensions"))
        }
    }

    @Test func failuresAreOneClearLineWithExitCode1() async throws {
        let down = try await TestDatabase.run(
            "ap-server", ["migrate"], environment: ["DATABASE_URL": "postgresql://ap@127.0.0.1:1/ap"])
        #expect(down.status == 1)
        #expect(down.err.hasPrefix("ap-server migrate: connectionFailed"))
        #expect(!down.err.contains("Fatal error") && !down.err.contains("Backtrace"))

        let unset = try await TestDatabase.run("ap-server", ["migrate"], environment: ["DATABASE_URL": ""])
        #expect(unset.status == 1)
        #expect(unset.err.contains("DATABASE_URL is not set"))

        let usage = try await TestDatabase.run("ap-server", ["migrate", "--no-such-flag"])
        #expect(usage.status == 64)
    }
}

/// `ap-server seed` then `ap-server curfew-check`, as an operator runs them.
@Suite struct OperatorCommandTests {
    @Test func seedThenCheckANightTwice() async throws {
        try await TestDatabase.withFresh(migrated: false) { config in
            let env = [
                "DATABASE_URL": TestDatabase.url(database: config.database!),
                "AP_SQL_DIR": TestDatabase.sqlDirectory.path,
            ]
            let seeded = try await TestDatabase.run(
                "ap-server", ["seed", "--premises", "2", "--beds", "6", "--today", "2026-11-24"], environment: env)
            #expect(seeded.status == 0 && seeded.out.hasPrefix("seeded 2 premises, 12 beds"))
            let first = try await TestDatabase.run(
                "ap-server", ["curfew-check", "--night", "2026-11-20"], environment: env)
            #expect(first.status == 0)
            #expect(
                first.out.split(separator: "\n").map { $0.prefix(24) }.prefix(2) == [
                    "AP-001 night 2026-11-20:", "AP-002 night 2026-11-20:",
                ])
            // Then what corrections queued, as the worker would re-check it.
            #expect(first.out.split(separator: "\n").last?.hasPrefix("corrections: ") == true)
            // Nobody signed out in the seeded data, so nobody is out: no alerts; and a second run changes nothing.
            #expect(first.out.contains("0 alerts raised"))
            let one = try await TestDatabase.run(
                "ap-server", ["curfew-check", "--night", "2026-11-20", "--premises", "AP-002"], environment: env)
            #expect(one.status == 0 && one.out.hasPrefix("AP-002 night 2026-11-20:"))
            let missing = try await TestDatabase.run(
                "ap-server", ["curfew-check", "--night", "2026-11-20", "--premises", "NOPE"], environment: env)
            #expect(missing.status == 3 && missing.err.contains("no premises with code NOPE"))
            let bad = try await TestDatabase.run(
                "ap-server", ["curfew-check", "--night", "20/11/2026"], environment: env)
            #expect(bad.status == 64 && bad.err.contains("YYYY-MM-DD") && !bad.err.contains("Backtrace"))
        }
    }
}

@Suite struct AdminCommandTests {
    @Test func bootstrapPrintsTheTokenOnceThenRefuses() async throws {
        try await TestDatabase.withFresh { config in
            let env = ["DATABASE_URL": TestDatabase.url(database: config.database!)]
            let first = try await TestDatabase.run(
                "ap-server", ["admin", "bootstrap", "--name", "Priya Shah"], environment: env)
            #expect(first.status == 0)
            let token = first.out.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(token.hasPrefix("ap_") && token.count == 67)
            #expect(first.err.contains("shown once") && !first.err.contains(token))
            let again = try await TestDatabase.run(
                "ap-server", ["admin", "bootstrap", "--name", "Someone"], environment: env)
            #expect(again.status == 4 && again.out.isEmpty && again.err.contains("an admin account exists already"))
            let bad = try await TestDatabase.run(
                "ap-server", ["admin", "bootstrap", "--name", "X", "--days", "0"], environment: env)
            #expect(bad.status == 64)

            // A first password for the pages: printed once, kept only as a hash, to be changed at the first sign-in.
            let account: String = try await TestDatabase.withConnection(config) { c in
                try c.query("SELECT id::text AS id FROM accounts WHERE name = 'Priya Shah'")[0].decode("id")
            }
            let given = try await TestDatabase.run(
                "ap-server", ["admin", "password", "--account", account, "--username", "priya.shah"], environment: env)
            let password = given.out.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(given.status == 0 && password.count >= 10 && given.err.contains("changed at the first sign-in"))
            let mustChange: Bool = try await TestDatabase.withConnection(config) { c in
                guard
                    case .success(let (_, mustChange)) = try PasswordStore.check(
                        c, username: "priya.shah", password: password, now: Date())
                else { return false }
                return mustChange
            }
            #expect(mustChange)
            let badName = try await TestDatabase.run(
                "ap-server", ["admin", "password", "--account", account, "--username", "Priya Shah"], environment: env)
            #expect(badName.status == 5 && badName.err.contains("lower-case"))
            let nobody = try await TestDatabase.run(
                "ap-server", ["admin", "password", "--account", UUID().uuidString, "--username", "no.one"],
                environment: env)
            #expect(nobody.status == 2)
        }
    }
}
