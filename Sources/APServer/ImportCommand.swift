import APDomain
import APStore
import ArgumentParser
import Foundation
import PGDriver

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import a premises' records from a spreadsheet's CSV: a dry run unless --apply.",
        discussion: """
            Residents, rooms and beds, placements, or conditions (the columns are in the README; ops/import has \
            a sample of each). Without --apply, says per row what would be added or brought up to date, and \
            every problem (row, column, what to do), and changes nothing. With --apply, all or nothing: a problem \
            anywhere and nothing is written. Residents are matched by CRN, beds by code, stays by resident and \
            expected arrival, conditions by resident, kind and first night, so the same file applied again \
            changes nothing. Dates as DD/MM/YYYY or YYYY-MM-DD. Recorded in the audit trail under --by. \
            Exit codes: 0 done (or the dry run found nothing wrong), 1 the database or the file failed, \
            3 no such premises, 5 the file has problems (nothing written), 64 bad usage.

            Examples:
              ap-server import residents residents.csv --premises AP-001
              ap-server import residents residents.csv --premises AP-001 --apply --by "Sam Patel"
            """
    )

    @Argument(help: "What the file holds: residents, beds, placements or conditions.") var kind: String
    @Argument(help: "The CSV file, with a header row.") var file: String
    @Option(help: "The premises the records belong to, by code.") var premises: String
    @Flag(help: "Write the records (without it, a dry run).") var apply = false
    @Option(help: "Who is importing, for the audit trail (default: your user name).") var by: String?

    func validate() throws {
        guard ["residents", "beds", "placements", "conditions"].contains(kind) else {
            throw ValidationError(
                "import residents, beds, placements or conditions: ap-server import residents FILE ...")
        }
    }

    func run() throws {
        let who = by ?? ProcessInfo.processInfo.environment["USER"] ?? "unknown"
        let text: String
        do { text = try String(contentsOfFile: file, encoding: .utf8) } catch {
            FileHandle.standardError.write(Data("ap-server import: cannot read \(file) as UTF-8 text\n".utf8))
            throw ExitCode(1)
        }
        do {
            let c = try PGConnection(try PGConfig.fromEnvironment(applicationName: "ap-import"))
            guard let place = try PremisesStore.get(c, code: premises) else {
                FileHandle.standardError.write(Data("ap-server import: no premises with code \(premises)\n".utf8))
                throw ExitCode(3)
            }
            let actor = Actor.operating(who, tool: "ap-server import")
            let rows = Spreadsheet.rows(text)
            let report =
                switch kind {
                case "beds": try ImportStore.beds(c, actor: actor, premisesId: place.id, rows: rows, apply: apply)
                case "conditions":
                    try ImportStore.conditions(c, actor: actor, premisesId: place.id, rows: rows, apply: apply)
                case "placements":
                    try ImportStore.placements(
                        c, actor: actor, premisesId: place.id, rows: rows, apply: apply, now: Date())
                default: try ImportStore.residents(c, actor: actor, premisesId: place.id, rows: rows, apply: apply)
                }
            for line in report.rows { print(line) }
            for problem in report.problems { FileHandle.standardError.write(Data("\(problem)\n".utf8)) }
            let verb = report.applied ? "" : "would be "
            print(
                "\(report.created) \(verb)added, \(report.changed) \(verb)brought up to date, \(report.unchanged) "
                    + "unchanged; \(report.problems.count) problems"
                    + (report.applied
                        ? "" : report.problems.isEmpty ? " (a dry run: --apply to write)" : ": nothing written"))
            if !report.problems.isEmpty { throw ExitCode(5) }
        } catch let exit as ExitCode {
            throw exit
        } catch {
            FileHandle.standardError.write(Data("ap-server import: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}
