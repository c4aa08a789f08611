import APClient
import APWire
import ArgumentParser
import Civil
import Foundation

/// A table a manager reads, as CSV on standard output, for a spreadsheet or another system.
struct Export: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "A table as CSV (managers): placements, the sign-in log, alerts, incidents or out-of-service beds.",
        discussion: """
            The period runs from --from to the morning of --to (default: the last 30 nights). Times are in the \
            premises' own time with their offset. Each export is recorded in the audit trail.
            Examples:
              ap export movements --from 2026-11-01 --to 2026-12-01 > november-log.csv
              ap export alerts > alerts.csv
            """)
    @Argument(
        help: ArgumentHelp(
            "Which table: placements, movements, alerts, incidents or out-of-service.", valueName: "table"))
    var table: String
    @Option(help: "The first night (YYYY-MM-DD).") var from: String?
    @Option(help: "The morning after the last night (YYYY-MM-DD).") var to: String?
    @OptionGroup var common: Common

    func run() async throws {
        try await guarded {
            guard let which = ExportTable(rawValue: table) else {
                throw CLIError(
                    .invalid,
                    "no table \(table): say one of " + ExportTable.allCases.map(\.rawValue).joined(separator: ", "))
            }
            let s = try await Session.open(premises: common.premises)
            var query: [String: String] = [:]
            for (flag, text) in [("--from", from), ("--to", to)] {
                guard let text else { continue }
                guard LocalDate(text) != nil else { throw CLIError(.invalid, "\(flag) must be a date as YYYY-MM-DD") }
                query[String(flag.dropFirst(2))] = text
            }
            let reply = try await s.client.send("GET", "\(s.base)/exports/\(which.rawValue)", query: query)
            try APIClient.check(reply)
            FileHandle.standardOutput.write(reply.body)
        }
    }
}
