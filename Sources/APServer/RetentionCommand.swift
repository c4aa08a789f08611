import APDomain
import APStore
import ArgumentParser
import Civil
import Foundation
import PGDriver

struct RetentionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retention",
        abstract: "Anonymise the residents the retention policy makes due: a dry run unless --apply.",
        discussion: """
            The policy is a JSON file (ops/retention.json is the example; the README says what it means), like \
            {"anonymiseResidentsAfterYears": 6}: a resident's personal details are anonymised that many years \
            after they last left. Without --apply, lists who is due (CRN, the premises that added them, when they \
            last left) and who is kept although due, and changes nothing. With --apply, anonymises them, --batch \
            at a time, each batch in its own transaction. Never touched: anyone with an open placement, an open \
            alert or an incident naming them that is not closed. The sign-in log, incidents and the occupancy \
            figures stay as they were, and their hash chains still verify. Each run is recorded with its counts \
            (never names) under --by. Exit codes: 0 done, 1 the database failed, 64 bad usage or a bad policy.

            Examples:
              ap-server retention --policy /etc/ap/retention.json
              ap-server retention --policy /etc/ap/retention.json --apply --by "Jo Bloggs"
            """
    )

    @Option(help: "The policy file (JSON).") var policy: String
    @Flag(help: "Anonymise (without it, a dry run).") var apply = false
    @Option(help: "How many residents a transaction anonymises (1 to 10000).") var batch = 100
    @Option(help: "Who is running it, for the audit trail (default: your user name).") var by: String?

    func validate() throws {
        guard (1...10_000).contains(batch) else { throw ValidationError("--batch must be from 1 to 10000") }
        guard !(by ?? "x").trimmingCharacters(in: .whitespaces).isEmpty else {
            throw ValidationError("--by must name who is running it")
        }
    }

    func run() throws {
        guard let data = FileManager.default.contents(atPath: policy) else {
            throw ValidationError("cannot read the policy file \(policy): check the path")
        }
        let rules: RetentionPolicy
        switch RetentionPolicy.read(data) {
        case .success(let read): rules = read
        case .failure(let problem): throw ValidationError("the policy file \(policy): \(problem)")
        }
        let who = by ?? ProcessInfo.processInfo.environment["USER"] ?? "unknown"
        let zone = TimeZone(identifier: "Europe/London")!
        do {
            let c = try PGConnection(try PGConfig.fromEnvironment(applicationName: "ap-retention"))
            let outcome = try RetentionStore.run(
                c, actor: .operating(who, tool: "ap-server retention"), policy: rules, now: Date(), zone: zone,
                apply: apply, batchSize: batch)
            print(Self.report(outcome, policy: rules, applied: apply, zone: zone), terminator: "")
        } catch let error as PGError {
            // A PGError's description never carries values.
            FileHandle.standardError.write(Data("ap-server retention: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }

    static func report(_ o: RetentionStore.Outcome, policy: RetentionPolicy, applied: Bool, zone: TimeZone) -> String {
        let plan = o.plan
        let date = { (d: Date) in
            let day = Zone.local(d, in: zone).date
            return "\(day.dayAndMonth) \(day.year)"
        }
        let people = { (n: Int) in n == 1 ? "1 resident" : "\(n) residents" }
        var out = """
            Policy: personal details anonymised \(policy.anonymiseResidentsAfterYears) years after a resident last \
            left: due if they last left before \(date(plan.cutoff)).

            """
        if applied {
            out += "Anonymised \(people(o.anonymised)) in \(o.batches) \(o.batches == 1 ? "batch" : "batches").\n"
        } else if plan.due.isEmpty {
            out += "Nobody is due.\n"
        } else {
            out += "\(people(plan.due.count)) due:\n"
            out += "  CRN      ADDED BY          LAST LEFT\n"
            for d in plan.due {
                let added = (d.premisesCode ?? "-").padding(toLength: 16, withPad: " ", startingAt: 0)
                out += "  \(d.crn)  \(added)  \(date(d.lastLeft))\n"
            }
        }
        out += """
            Kept although due: \(plan.keptOpenPlacement) with an open placement, \(plan.keptOpenAlert) with an \
            open alert, \(plan.keptOpenIncident) named in an incident not closed.

            """
        out += applied ? "Recorded as run \(o.runId).\n" : "A dry run: nothing was changed. Add --apply to anonymise.\n"
        return out
    }
}
