import APDomain
import APService
import APStore
import APWire
import ArgumentParser
import Foundation
import PGDriver

struct SubjectAccessCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "subject-access",
        abstract: "Write everything held about one person, at every premises, as JSON and a page to read.",
        discussion: """
            For a subject access request (UK GDPR article 15). Writes subject-access-CRN.json and \
            subject-access-CRN.html into --out: the person's record, every placement, every licence condition, \
            every entry in the sign-in log, report to staff, authorised absence, alert and incident naming them, \
            and who has read their record and when. The request itself is recorded in the audit trail as a read \
            of their record, under --by. Exit codes: 0 written, 1 the database or the folder failed, 2 nobody \
            has that CRN, 64 bad usage.

            Example:
              ap-server subject-access X320741 --out /secure/requests/2026-11-30 --by "Jo Bloggs, DPO"
            """
    )

    @Argument(help: "The person's CRN, like X320741.") var crn: String
    @Option(help: "The folder to write into (made if it does not exist).") var out: String
    @Option(help: "Who is answering the request, for the audit trail (default: your user name).") var by: String?

    func validate() throws {
        guard CRN(crn) != nil else { throw ValidationError("the CRN must be one letter and six digits, like X320741") }
        guard !(by ?? "x").trimmingCharacters(in: .whitespaces).isEmpty else {
            throw ValidationError("--by must name who is answering the request")
        }
    }

    func run() async throws {
        let crn = CRN(crn)!
        let who = by ?? ProcessInfo.processInfo.environment["USER"] ?? "unknown"
        do {
            let c = try PGConnection(try PGConfig.fromEnvironment(applicationName: "ap-subject-access"))
            guard let found = try SubjectAccessStore.gather(c, crn: crn, operatorName: who, now: Date()) else {
                FileHandle.standardError.write(Data("ap-server subject-access: nobody has that CRN: check it\n".utf8))
                throw ExitCode(2)
            }
            let folder = URL(fileURLWithPath: out, isDirectory: true)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let json = folder.appendingPathComponent("subject-access-\(crn).json")
            let html = folder.appendingPathComponent("subject-access-\(crn).html")
            try Data(try APIJSON.encode(found)).write(to: json, options: .atomic)
            try Data(SubjectAccessPage.html(found).utf8).write(to: html, options: .atomic)
            print(
                "wrote \(json.path) and \(html.path): \(found.placements.count) placements, "
                    + "\(found.history.entries.count) entries, \(found.history.alerts.count) alerts, "
                    + "\(found.history.incidents.count) incidents, \(found.reads.count) reads of the record")
        } catch let exit as ExitCode {
            throw exit
        } catch let error as PGError {
            // A PGError's description never carries values.
            FileHandle.standardError.write(Data("ap-server subject-access: \(error)\n".utf8))
            throw ExitCode(1)
        } catch {
            // Not the error's own words: they would name the files, and the files are named by the CRN.
            let kind = String(describing: type(of: error))
            FileHandle.standardError.write(
                Data("ap-server subject-access: could not write into --out (\(kind)): check the folder\n".utf8))
            throw ExitCode(1)
        }
    }
}
