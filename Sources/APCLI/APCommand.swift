import APDomain
import APWire
import ArgumentParser
import Foundation

/// `ap`: the command line for shift staff.
public struct APCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "ap",
        abstract: "Approved Premises for the shift: sign people in and out, see who is in, hand over.",
        discussion: """
            Talks to the service at AP_URL with the token in AP_TOKEN, or as saved by `ap login`; AP_PREMISES \
            chooses the premises when your account works at several; AP_TIMEOUT (seconds, default 15) bounds \
            each request; NO_COLOR turns colour off. \
            <who> is a CRN (X320741), a bed or room code (12A, R4), or an unambiguous part of a name. \
            Times are the premises' local time. Every listing takes --json for scripts.

            Start here:
              ap login --url http://127.0.0.1:8080
              ap roll
              ap out X320741 --to "job centre" --back 15:00
              ap in 12A
              ap handover

            \(Exit.help)
            """,
        version: "1.0.0",
        subcommands: [
            Login.self, WhoAmI.self, Out.self, In.self, VoidMovement.self, Roll.self, HandoverCommand.self, Alerts.self,
            IncidentCommand.self, ResidentCommand.self, Arrive.self, Depart.self, NonArrivalCommand.self,
            ReportedCommand.self, Beds.self, Occupancy.self, Export.self,
        ]
    )
    public init() {}

    /// Parses and runs, awaiting asynchronous commands (top-level code would pick the synchronous main).
    public static func runFromCommandLine() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}

/// Options every command at a premises takes.
struct Common: ParsableArguments {
    @Option(help: "The premises code, when your account works at several (or AP_PREMISES).") var premises: String?
}

struct JSONFlag: ParsableArguments {
    @Flag(help: "Print the service's JSON instead of a table.") var json = false
}
