import APClient
import APDomain
import APWire
import ArgumentParser
import Foundation

struct Login: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Save the service's URL and your token (asked for when not given), after checking them.",
        discussion: """
            The token is read from standard input when --token is not given, so it stays out of your shell \
            history. It is saved in ~/.config/ap/config.json, readable by you only.

            Examples:
              ap login --url http://127.0.0.1:8080
              echo "$TOKEN" | ap login --url https://ap.example.org --premises AP-001
            """
    )
    @Option(help: "The service's URL.") var url: String
    @Option(help: "Your API token (ap_…). Better: leave it out and paste it when asked.") var token: String?
    @Option(help: "The premises to use when your account works at several.") var premises: String?

    func run() async throws {
        try await guarded {
            var secret = token
            if secret == nil {
                if isatty(STDIN_FILENO) == 1 { FileHandle.standardError.write(Data("API token: ".utf8)) }
                secret = readLine(strippingNewline: true)
            }
            guard let secret, !secret.isEmpty else {
                throw CLIError(.invalid, "no token given: paste the token an admin gave you")
            }
            guard let base = URL(string: url), base.scheme == "http" || base.scheme == "https" else {
                throw CLIError(.invalid, "'\(url)' is not an http(s) URL")
            }
            let me: Me = try await Session.client(base, token: secret).call("GET", "api/v1/me")
            try Config(url: url, token: secret, premises: premises).save()
            Output.line(
                "logged in as \(me.account.name) (\(me.account.role)) at "
                    + me.premises.map(\.code).joined(separator: ", "))
        }
    }
}

struct WhoAmI: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "whoami", abstract: "Who the token is, and where they work.")
    @OptionGroup var output: JSONFlag

    func run() async throws {
        try await guarded {
            let config = try Config.load()
            guard let url = URL(string: config.url) else {
                throw CLIError(.invalid, "the service URL '\(config.url)' is not a URL: run `ap login --url URL`")
            }
            let client = Session.client(url, token: config.token)
            let reply = try await client.send("GET", "api/v1/me")
            if output.json, reply.status == 200 {
                Output.json(reply.body)
                return
            }
            let me: Me = try await client.call("GET", "api/v1/me")
            Output.line(
                "\(me.account.name) (\(me.account.role)) at "
                    + "\(me.premises.map { "\($0.code) \($0.name)" }.joined(separator: ", ")) — \(config.url)"
            )
        }
    }
}
