import APClient
import APDomain
import APWire
import ArgumentParser
import Foundation

struct Out: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Sign a resident out.",
        discussion: """
            Examples:
              ap out X320741 --to "job centre" --back 15:00
              ap out 12A --to work
              ap out "kemi" --at 21:40 --reason "written in the paper log during the fire alarm"
            """
    )
    @Argument(help: "A CRN, bed or room code, or part of a name.") var who: String
    @Option(help: "Where they said they were going.") var to: String?
    @Option(help: "When they said they would be back (HH:MM).") var back: String?
    @Option(help: "A note.") var note: String?
    @Option(help: "When they went, if not now (HH:MM, or YYYY-MM-DD HH:MM for an earlier day; needs --reason).")
    var at: String?
    @Option(help: "Why the movement is recorded late.") var reason: String?
    @OptionGroup var common: Common

    func run() async throws {
        try await guarded {
            try await record(kind: .out, who: who, to: to, back: back, note: note, at: at, reason: reason, common)
        }
    }
}

struct In: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Sign a resident in.",
        discussion: """
            Examples:
              ap in X320741
              ap in 12A --at 23:20 --reason "came in while I was with another resident"
            """
    )
    @Argument(help: "A CRN, bed or room code, or part of a name.") var who: String
    @Option(help: "A note.") var note: String?
    @Option(help: "When they came in, if not now (HH:MM, or YYYY-MM-DD HH:MM for an earlier day; needs --reason).")
    var at: String?
    @Option(help: "Why the movement is recorded late.") var reason: String?
    @OptionGroup var common: Common

    func run() async throws {
        try await guarded {
            try await record(kind: .in, who: who, to: nil, back: nil, note: note, at: at, reason: reason, common)
        }
    }
}

private func record(
    kind: MovementKind, who: String, to: String?, back: String?, note: String?, at: String?, reason: String?,
    _ common: Common
) async throws {
    let s = try await Session.open(premises: common.premises)
    let at = try at.map { text throws(CLIError) in try s.clock.past(text) }
    let back = try back.map { text throws(CLIError) in try s.clock.next(text) }
    if at != nil, reason == nil {
        throw CLIError(.invalid, "a movement recorded with --at is late: say why with --reason")
    }
    let resident = try s.resolve(who, in: try await s.roll())
    let m: Movement = try await s.client.call(
        "POST", "\(s.base)/movements",
        body: NewMovement(
            residentId: resident.residentId, kind: kind, at: at, destination: to ?? "", expectedBack: back,
            note: note ?? "", lateReason: reason))
    var text = "\(resident.name) (\(resident.crn)) signed \(kind) at \(s.clock.show(m.at))"
    if !m.destination.isEmpty { text += " to \(m.destination)" }
    if let due = m.expectedBack { text += ", due back \(s.clock.show(due))" }
    Output.line(text + Output.dim("  [movement \(short(m.id))]"))
}

struct VoidMovement: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "void",
        abstract: "Void a wrong movement (it stays in the log, marked void, with your reason).",
        discussion: """
            The movement's id is shown when it is recorded, and by `ap resident show`.
            Example:
              ap void 3f2a9c1e --reason "signed out the wrong resident"
            """
    )
    @Argument(help: "The movement's id (its first 8 characters will do).") var movement: String
    @Option(help: "Why it is wrong.") var reason: String
    @OptionGroup var common: Common

    func run() async throws {
        try await guarded {
            let s = try await Session.open(premises: common.premises)
            var id = UUID(uuidString: movement)
            if id == nil {
                // Look among the log of everyone staying here.
                var candidates: [Movement] = []
                for r in try await s.roll() {
                    candidates += try await s.client.call(
                        "GET", "api/v1/placements/\(r.placementId)/movements", query: ["limit": "500"],
                        as: Page<Movement>.self
                    ).items
                }
                id = try Session.pick(movement, from: candidates, id: \.id, what: "movement").id
            }
            let v: Movement = try await s.client.call(
                "POST", "api/v1/movements/\(id!)/void", body: Voiding(reason: reason))
            Output.line("movement \(short(id!)) voided at \(s.clock.show(v.recordedAt)): \(reason)")
        }
    }
}

struct Roll: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Who is in and who is out now: since when, where, due back when (overdue marked).",
        discussion: "Examples:\n  ap roll\n  ap roll --json | jq '.items[] | select(.isIn == false)'"
    )
    @OptionGroup var output: JSONFlag
    @OptionGroup var common: Common

    func run() async throws {
        try await guarded {
            let s = try await Session.open(premises: common.premises)
            if output.json {
                Output.json(try await s.client.send("GET", "\(s.base)/roll", query: ["limit": "500"]).body)
                return
            }
            let roll = try await s.roll()
            let out = roll.filter { !$0.isIn }
            let inside = roll.filter(\.isIn)
            Output.line(
                Output.bold("\(s.premises.code) \(s.premises.name): \(inside.count) in, \(out.count) out")
                    + Output.dim("  (\(s.clock.show(s.clock.now)))"))
            if !out.isEmpty {
                Output.line()
                Output.table(
                    ["OUT", "CRN", "BED", "SINCE", "WHERE", "DUE BACK"],
                    out.map { r in
                        let overdue = r.expectedBack.map { $0 < s.clock.now } ?? false
                        return [
                            r.name, r.crn, r.bedCode ?? "-", s.clock.show(r.since), r.destination,
                            overdue
                                ? Output.red("\(s.clock.show(r.expectedBack)) OVERDUE") : s.clock.show(r.expectedBack),
                        ]
                    })
            }
            if !inside.isEmpty {
                Output.line()
                Output.table(
                    ["IN", "CRN", "BED", "SINCE"],
                    inside.map { [$0.name, $0.crn, $0.bedCode ?? "-", s.clock.show($0.since)] })
            }
        }
    }
}
