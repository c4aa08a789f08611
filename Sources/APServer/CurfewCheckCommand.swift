import APStore
import APWire
import APWorker
import ArgumentParser
import Civil
import Foundation
import PGDriver

struct CurfewCheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "curfew-check",
        abstract: "Check one curfew night at every premises, or at one, and raise the alerts that apply.",
        discussion: """
            A night is named by the date it starts. Safe to run again, or beside the worker: each breach is \
            raised once, and an alert the corrected record no longer shows is resolved, with the correction \
            as its reason. Then it re-checks every night that corrections have queued (an entry recorded \
            late, a void, an absence, a condition, an arrival or departure recorded after the fact), as the \
            worker does. \
            Exit codes: 0 done, 1 the database refused or failed, 3 no such premises, 64 bad usage.

            Examples:
              ap-server curfew-check --night 2026-03-28
              ap-server curfew-check --night 2026-03-28 --premises AP-001 --grace-minutes 10
            """
    )

    @Option(help: "The night to check, YYYY-MM-DD (the date it starts).") var night: String
    @Option(help: "A premises code; every premises when left out.") var premises: String?
    @Option(help: "Minutes after a curfew starts before being out counts as late.") var graceMinutes = 15
    @Option(help: "Milliseconds to pause between premises, to spread the load on a busy server.") var pauseMs = 0

    func validate() throws {
        guard LocalDate(night) != nil else {
            throw ValidationError("--night must be a date as YYYY-MM-DD, like 2026-03-28")
        }
        guard (0...180).contains(graceMinutes) else { throw ValidationError("--grace-minutes is 0 to 180") }
        guard (0...60_000).contains(pauseMs) else { throw ValidationError("--pause-ms is 0 to 60000") }
    }

    func run() async throws {
        let night = LocalDate(night)!
        do {
            let c = try PGConnection(try PGConfig.fromEnvironment(applicationName: "ap-curfew-check"))
            let all = try PremisesStore.list(c)
            let chosen = premises.map { code in all.filter { $0.code == code } } ?? all
            if chosen.isEmpty {
                let refusal =
                    "ap-server curfew-check: no premises with code \(premises ?? ""): list them with psql, "
                    + "or leave --premises out\n"
                FileHandle.standardError.write(Data(refusal.utf8))
                throw ExitCode(3)
            }
            for (i, p) in chosen.enumerated() {
                if i > 0 && pauseMs > 0 { usleep(UInt32(pauseMs) * 1000) }
                let outcome = try CurfewCheckStore.check(
                    c, premisesId: p.id, night: night, now: Date(), grace: Double(graceMinutes) * 60)
                let kinds = Dictionary(grouping: outcome.raised, by: \.kind).map {
                    "\($0.value.count) \($0.key.rawValue)"
                }.sorted()
                print(
                    "\(p.code) night \(night): \(outcome.residents) residents, \(outcome.raised.count) alerts "
                        + "raised\(kinds.isEmpty ? "" : " (" + kinds.joined(separator: ", ") + ")"), "
                        + "\(outcome.resolved) resolved"
                )
            }
            try await recheck()
        } catch let exit as ExitCode {
            throw exit
        } catch {
            FileHandle.standardError.write(Data("ap-server curfew-check: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }

    /// What corrections have queued, as the worker re-checks it.
    func recheck() async throws {
        var settings = CurfewWorker.Settings()
        settings.grace = Double(graceMinutes) * 60
        let pool = PGPool(try PGConfig.fromEnvironment(applicationName: "ap-curfew-check"))
        do {
            let pass = try await CurfewWorker(pool: pool, settings: settings).recheckOnce()
            await pool.shutdown()
            print(
                "corrections: \(pass.checked.count) premises-nights re-checked, \(pass.raised) alerts raised, "
                    + "\(pass.resolved) resolved")
        } catch {
            await pool.shutdown()
            throw error
        }
    }
}
