import APStore
import APWire
import ArgumentParser
import Foundation
import PGDriver
import PGMigrations

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Migrate, load the demo into an empty database, and issue demo tokens (printed as export lines).",
        discussion: """
            The demo: three premises with 60 beds, their residents and placements past, present and upcoming, \
            licence conditions, a week of signing in and out, curfew alerts and incidents, dated relative to \
            now. A database that has premises already is left as it is. Each run issues new tokens (valid \
            7 days) for the demo's staff, manager, admin and worker accounts. \
            Standard output has only the export lines, for `eval`; progress goes to standard error. \
            Exit codes: 0 done, 1 the database refused or failed.

            Example:
              eval "$(ap-server demo --url http://127.0.0.1:8080)"
            """
    )

    @Option(help: "The service's URL, for the AP_URL line.") var url = "http://127.0.0.1:8080"

    /// The demo's first password for the pages: printed, and to be changed at the first sign-in.
    static let firstPassword = "approved-premises-demo"

    func run() throws {
        do {
            let c = try PGConnection(try PGConfig.fromEnvironment(applicationName: "ap-demo"))
            try Migrator(directory: Migrator.defaultDirectory()).migrate(c)
            let demo = DemoData(now: Date())
            let started = Date()
            if try demo.loadIfEmpty(into: c) {
                FileHandle.standardError.write(
                    Data("demo loaded in \(String(format: "%.1f", Date().timeIntervalSince(started))) s\n".utf8))
            } else {
                FileHandle.standardError.write(Data("the database has data already: left as it is\n".utf8))
            }
            let a = try demo.accounts(c)
            // Sign-ins for the pages: a first password each, to be changed at the first sign-in.
            for (account, username) in [
                (a.staff.account, "demo.staff"), (a.manager.account, "demo.manager"), (a.admin.account, "demo.admin"),
            ] {
                try PasswordStore.set(
                    c, actor: .system, accountId: account.id, username: username, password: Self.firstPassword,
                    mustChange: true, now: Date())
            }
            print(
                """
                export AP_URL=\(url)
                export AP_TOKEN=\(a.staff.token)          # Demo Staff at \(a.premises.code)
                export AP_MANAGER_TOKEN=\(a.manager.token)  # Demo Manager at \(a.premises.code)
                export AP_ADMIN_TOKEN=\(a.admin.token)
                export AP_WORKER_TOKEN=\(a.worker.token)
                export AP_PREMISES=\(a.premises.code)
                # The pages: sign in as demo.staff, demo.manager or demo.admin with the password \(Self.firstPassword),
                # then choose your own.
                """)
        } catch {
            FileHandle.standardError.write(Data("ap-server demo: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}
