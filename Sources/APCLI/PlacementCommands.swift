import APClient
import APDomain
import APWire
import ArgumentParser
import Foundation

/// The shift's side of a placement: an arrival, a departure, a non-arrival, a report to staff.
struct Arrive: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Record that a resident due to arrive has arrived.",
        discussion: """
            <who> is someone due today or overdue (as `ap handover` lists them): a CRN or part of a name.
            Examples:
              ap arrive X320741
              ap arrive "kemi" --at 16:40
            """
    )
    @Argument(help: "A CRN or part of a name of someone due to arrive.") var who: String
    @Option(help: "When they arrived, if not now (HH:MM, or YYYY-MM-DD HH:MM for an earlier day).") var at: String?
    @OptionGroup var common: Common

    func run() async throws {
        try await guarded {
            let s = try await Session.open(premises: common.premises)
            let at = try at.map { text throws(CLIError) in try s.clock.past(text) }
            let due = try await s.due(who, arriving: true)
            let p: Placement = try await s.client.call(
                "POST", "api/v1/placements/\(due.placementId)/arrive", body: Arrival(at: at))
            Output.line("\(due.name) (\(due.crn)) arrived at \(s.clock.show(p.arrivedAt))")
        }
    }
}

struct Depart: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Record that a resident has left for good (the placement ends; it cannot be undone).",
        discussion: """
            Reasons: planned_move_on, breach_recall_curfew, breach_licence_condition, positive_drugs_test, \
            absconded, behaviour, other. On a terminal it asks before recording; from a script, give --yes.
            Examples:
              ap depart X320741 --reason planned_move_on
              ap depart 12A --reason absconded --at "2026-11-29 23:10" --yes
            """
    )
    @Argument(help: "A CRN, bed or room code, or part of a name.") var who: String
    @Option(help: "Why they left (see the reasons above).") var reason: String
    @Option(help: "When they left, if not now (HH:MM, or YYYY-MM-DD HH:MM for an earlier day).") var at: String?
    @Flag(help: "Record it without asking.") var yes = false
    @OptionGroup var common: Common

    func run() async throws {
        try await guarded {
            let s = try await Session.open(premises: common.premises)
            let chosen = try choice(reason, as: DepartureReason.self, what: "departure reason")
            let at = try at.map { text throws(CLIError) in try s.clock.past(text) }
            let resident = try s.resolve(who, in: try await s.roll())
            try confirm(
                "record that \(resident.name) (\(resident.crn)) left \(at.map { "at \(s.clock.show($0))" } ?? "now"), "
                    + "\(label(chosen))?", yes: yes)
            let p: Placement = try await s.client.call(
                "POST", "api/v1/placements/\(resident.placementId)/depart", body: Departure(at: at, reason: chosen))
            Output.line(
                "\(resident.name) (\(resident.crn)) departed at \(s.clock.show(p.departedAt)): \(label(chosen))")
        }
    }
}

struct NonArrivalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "non-arrival",
        abstract: "Record that a resident due to arrive will not (the placement ends; it cannot be undone).",
        discussion: """
            Reasons: recalled, remanded_in_custody, failed_to_arrive, hospitalised, other. On a terminal it asks \
            before recording; from a script, give --yes.
            Example:
              ap non-arrival X320741 --reason failed_to_arrive
            """
    )
    @Argument(help: "A CRN or part of a name of someone due to arrive.") var who: String
    @Option(help: "Why they will not arrive (see the reasons above).") var reason: String
    @Flag(help: "Record it without asking.") var yes = false
    @OptionGroup var common: Common

    func run() async throws {
        try await guarded {
            let s = try await Session.open(premises: common.premises)
            let chosen = try choice(reason, as: NonArrivalReason.self, what: "non-arrival reason")
            let due = try await s.due(who, arriving: true)
            try confirm("record that \(due.name) (\(due.crn)) will not arrive, \(label(chosen))?", yes: yes)
            let _: Placement = try await s.client.call(
                "POST", "api/v1/placements/\(due.placementId)/non-arrival", body: NonArrival(reason: chosen))
            Output.line("\(due.name) (\(due.crn)): non-arrival recorded, \(label(chosen)); the bed is free again")
        }
    }
}

struct ReportedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reported",
        abstract: "Record that a resident reported to staff (for a reporting condition).",
        discussion: """
            Examples:
              ap reported X320741
              ap reported 12A --at 10:05 --note "in person at the office"
            """
    )
    @Argument(help: "A CRN, bed or room code, or part of a name.") var who: String
    @Option(help: "When they reported, if not now (HH:MM, or YYYY-MM-DD HH:MM for an earlier day).") var at: String?
    @Option(help: "A note.") var note: String?
    @OptionGroup var common: Common

    func run() async throws {
        try await guarded {
            let s = try await Session.open(premises: common.premises)
            let at = try at.map { text throws(CLIError) in try s.clock.past(text) }
            let resident = try s.resolve(who, in: try await s.roll())
            let _: Reported = try await s.client.call(
                "POST", "\(s.base)/reports", body: NewReport(residentId: resident.residentId, at: at, note: note))
            Output.line(
                "\(resident.name) (\(resident.crn)) reported to staff at \(s.clock.show(at ?? s.clock.now))")
        }
    }
}

/// Asks before something that cannot be undone: on a terminal, y or yes goes ahead; anything else, or no
/// terminal and no --yes, changes nothing.
func confirm(_ question: String, yes: Bool) throws(CLIError) {
    if yes { return }
    guard isatty(STDIN_FILENO) == 1 else {
        throw CLIError(.invalid, "nothing was recorded: to \(question.dropLast()), add --yes")
    }
    FileHandle.standardError.write(Data("ap: \(question) [y/N] ".utf8))
    let answer = (readLine() ?? "").trimmingCharacters(in: .whitespaces).lowercased()
    guard answer == "y" || answer == "yes" else { throw CLIError(.failure, "nothing was recorded") }
}

extension Session {
    /// Someone due to arrive (today, or overdue) whom `who` names: a CRN or an unambiguous part of a name.
    func due(_ who: String, arriving: Bool) async throws -> PlacementDue {
        let h: HandoverSummary = try await client.call("GET", "\(base)/handover")
        return try Session.match(
            who, in: arriving ? h.arrivalsDue : h.departuresDue, crn: \.crn, name: \.name,
            line: { "  \($0.crn)  \($0.name)" },
            none: "nobody due to arrive at \(premises.code) today or overdue matches '\(who)' (`ap handover` lists "
                + "who is due)")
    }
}
