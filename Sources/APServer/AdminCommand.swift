import APStore
import APWire
import ArgumentParser
import Foundation
import PGDriver

struct AdminCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "admin",
        abstract: "Accounts: create the first admin account and its API token.",
        subcommands: [Bootstrap.self]
    )

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

        func validate() throws {
            guard !name.trimmingCharacters(in: .whitespaces).isEmpty, name.count <= 200 else {
                throw ValidationError("--name is 1 to 200 characters")
            }
            guard (1...366).contains(days) else { throw ValidationError("--days is 1 to 366") }
        }

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
}
