import APStore
import APWire
import ArgumentParser
import Foundation
import PGDriver

struct AdminCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "admin",
        abstract:
            "Accounts: create the first admin account and its API token; set an account's first password; create "
            + "an integration's account and token.",
        subcommands: [Bootstrap.self, Password.self, Integration.self]
    )

    /// A new account's name and its token's lifetime, as every subcommand that makes one takes them.
    static func validate(name: String, days: Int) throws {
        guard !name.trimmingCharacters(in: .whitespaces).isEmpty, name.count <= 200 else {
            throw ValidationError("--name is 1 to 200 characters")
        }
        guard (1...366).contains(days) else { throw ValidationError("--days is 1 to 366") }
    }

    struct Bootstrap: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "bootstrap",
            abstract:
                "Create the first admin (a staff member, their account and an API token) and print the token once.",
            discussion: """
                Refused once any admin account exists. The token is printed on standard output only, is not \
                kept (only its SHA-256 is), and cannot be shown again: store it now. \
                Exit codes: 0 done, 1 the database failed, 4 an admin exists already, 64 bad usage.

                Example:
                  ap-server admin bootstrap --name "Priya Shah" --days 30
                """
        )

        @Option(help: "The admin's name.") var name: String
        @Option(help: "Days the token is valid (1 to 366).") var days = 30

        func validate() throws { try AdminCommand.validate(name: name, days: days) }

        func run() throws {
            do {
                let c = try PGConnection(try PGConfig.fromEnvironment(applicationName: "ap-admin"))
                let (account, secret) = try AccountStore.bootstrapAdmin(
                    c, name: name, validFor: Double(days) * 86_400, now: Date())
                let created =
                    "admin account \(account.id.uuidString.lowercased()) created; its token (shown once, "
                    + "valid \(days) days):\n"
                FileHandle.standardError.write(Data(created.utf8))
                print(secret)
            } catch let error as StoreError where error.code == "admin-exists" {
                FileHandle.standardError.write(Data("ap-server admin bootstrap: \(error.message)\n".utf8))
                throw ExitCode(4)
            } catch {
                FileHandle.standardError.write(Data("ap-server admin bootstrap: \(error)\n".utf8))
                throw ExitCode(1)
            }
        }
    }

    struct Password: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "password",
            abstract: "Give an account a username and a first password for the pages, or reset a forgotten one.",
            discussion: """
                Prints a new password once, on standard output; the account must choose its own at its first \
                sign-in. Every session the account has open ends. Only a bcrypt hash is kept. \
                Exit codes: 0 done, 1 the database failed, 2 no such account, 5 the username was refused, \
                64 bad usage.

                Example:
                  ap-server admin password --account 3f2a9c1e-0000-4000-8000-000000000000 --username priya.shah
                """
        )

        @Option(help: "The account's id (ap whoami shows it).") var account: String
        @Option(help: "The username to sign in with: lower-case letters, digits, dots, dashes, underscores.")
        var username: String

        func validate() throws {
            guard UUID(uuidString: account) != nil else { throw ValidationError("--account is an account's id") }
        }

        func run() throws {
            let password = PasswordStore.firstPassword()
            do {
                let c = try PGConnection(try PGConfig.fromEnvironment(applicationName: "ap-admin"))
                try PasswordStore.set(
                    c, actor: .system, accountId: UUID(uuidString: account)!, username: username, password: password,
                    mustChange: true, now: Date())
                FileHandle.standardError.write(
                    Data("\(username): a first password, shown once; it must be changed at the first sign-in:\n".utf8))
                print(password)
            } catch let error as StoreError {
                FileHandle.standardError.write(Data("ap-server admin password: \(error.message)\n".utf8))
                throw ExitCode(error.code == "account-not-found" ? 2 : 5)
            } catch {
                FileHandle.standardError.write(Data("ap-server admin password: \(error)\n".utf8))
                throw ExitCode(1)
            }
        }
    }

    struct Integration: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "integration",
            abstract: "Create an account for another system, which reads events only, and print its token once.",
            discussion: """
                The account reads GET /api/v1/events and nothing else, at every premises; it cannot sign in to \
                the pages. The token is printed on standard output only and is not kept (only its SHA-256 is). \
                Exit codes: 0 done, 1 the database failed, 64 bad usage.

                Example:
                  ap-server admin integration --name "National case system" --days 90
                """
        )

        @Option(help: "What the system is.") var name: String
        @Option(help: "Days the token is valid (1 to 366).") var days = 90

        func validate() throws { try AdminCommand.validate(name: name, days: days) }

        func run() throws {
            do {
                let c = try PGConnection(try PGConfig.fromEnvironment(applicationName: "ap-admin"))
                let now = Date()
                let account = try AccountStore.create(c, actor: .system, staffId: nil, name: name, role: .integration)
                let (secret, _) = try AccountStore.issueToken(
                    c, actor: .system, accountId: account.id, validFor: Double(days) * 86_400, now: now)
                FileHandle.standardError.write(
                    Data(
                        "integration account \(account.id.uuidString.lowercased()) created; its token (shown once):\n"
                            .utf8))
                print(secret)
            } catch {
                FileHandle.standardError.write(Data("ap-server admin integration: \(error)\n".utf8))
                throw ExitCode(1)
            }
        }
    }
}
