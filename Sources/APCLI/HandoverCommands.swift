import APClient
import APDomain
import APWire
import ArgumentParser
import Foundation

struct HandoverCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "handover",
        abstract: "The shift handover since the last acknowledged one.",
        discussion: """
            Shows who is out and due back, tonight's curfews (the premises' and residents' extra ones), open and \
            new alerts, incidents, arrivals and departures due today, free and out-of-service beds, and the \
            outgoing shift's notes.

            Examples:
              ap handover
              ap handover note "Room 4 window latch broken; maintenance booked for 9:00"
              ap handover ack
            """,
        subcommands: [Show.self, Note.self, Ack.self],
        defaultSubcommand: Show.self
    )

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show", abstract: "Show the handover (the default).")
        @OptionGroup var output: JSONFlag
        @OptionGroup var common: Common

        func run() async throws {
            try await guarded {
                let s = try await Session.open(premises: common.premises)
                if output.json {
                    Output.json(try await s.client.send("GET", "\(s.base)/handover").body)
                    return
                }
                let h: HandoverSummary = try await s.client.call("GET", "\(s.base)/handover")
                Output.line(
                    Output.bold("Handover at \(s.premises.code), \(s.clock.show(h.generatedAt))") + "  since "
                        + (h.since.map { "the last handover at \(s.clock.show($0))" }
                            ?? "24 hours ago (no handover yet)"))
                section("Out now (\(h.out.count); \(h.inCount) in)")
                Output.table(
                    ["NAME", "CRN", "SINCE", "WHERE", "DUE BACK"],
                    h.out.map { r in
                        let overdue = r.expectedBack.map { $0 < s.clock.now } ?? false
                        return [
                            r.name, r.crn, s.clock.show(r.since), r.destination,
                            overdue
                                ? Output.red("\(s.clock.show(r.expectedBack)) OVERDUE") : s.clock.show(r.expectedBack),
                        ]
                    })
                section("Curfew tonight (\(LocalClock.day(h.tonight)))")
                Output.line("everyone: \(h.baselineCurfew)")
                for c in h.extraCurfews {
                    Output.line(
                        "\(c.name) (\(c.crn)): \(c.windows.map(\.description).joined(separator: ", ")) by licence")
                }
                section("Alerts (\(h.alerts.count))")
                Output.table(
                    ["ID", "NIGHT", "KIND", "RESIDENT", "STATE"],
                    h.alerts.map { a in
                        [
                            short(a.id), LocalClock.day(a.night), label(a.kind), "\(a.residentName) (\(a.crn))",
                            a.isOpen ? Output.red(a.escalate ? "OPEN, ESCALATE" : "open") : "acknowledged",
                        ]
                    })
                section("Incidents (\(h.incidents.count))")
                Output.table(
                    ["ID", "WHEN", "SEVERITY", "WHAT"],
                    h.incidents.map { i in
                        [
                            short(i.id), s.clock.show(i.draft.occurredAt), label(i.draft.severity),
                            String(i.draft.description.prefix(60)),
                        ]
                    })
                section("Due today or overdue: \(h.arrivalsDue.count) arriving, \(h.departuresDue.count) leaving")
                // Due before today and not done: overdue, said so, with the day it was due.
                let today = s.clock.today
                for d in h.arrivalsDue {
                    let overdue = d.expectedArrival < today
                    Output.line(
                        (overdue
                            ? Output.red("OVERDUE arrival, due \(LocalClock.day(d.expectedArrival)): ") : "arriving: ")
                            + "\(d.name) (\(d.crn))")
                }
                for d in h.departuresDue {
                    let overdue = d.expectedDeparture < today
                    Output.line(
                        (overdue
                            ? Output.red("OVERDUE departure, due \(LocalClock.day(d.expectedDeparture)): ")
                            : "leaving:  ")
                            + "\(d.name) (\(d.crn))")
                }
                section("Beds tonight: \(h.freeBeds.count) free, \(h.outOfService.count) out of service")
                if !h.freeBeds.isEmpty { Output.line("free: " + h.freeBeds.map(\.code).joined(separator: ", ")) }
                for o in h.outOfService { Output.line("out of service: \(o.bedCode) (\(label(o.reason)))") }
                section("Notes (\(h.notes.count))")
                for n in h.notes { Output.line("\(s.clock.show(n.writtenAt)) \(n.writtenBy ?? "?"): \(n.text)") }
                Output.line()
                Output.line(Output.dim("Read it? `ap handover ack` records that you have."))
            }
        }

        func section(_ title: String) {
            Output.line()
            Output.line(Output.bold(title))
        }
    }

    struct Note: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Leave a note for the incoming shift.",
            discussion: "Example:\n  ap handover note \"Kitchen fridge is not cooling; reported\"")
        @Argument(help: "The note.") var text: String
        @OptionGroup var common: Common

        func run() async throws {
            try await guarded {
                let s = try await Session.open(premises: common.premises)
                let n: HandoverNote = try await s.client.call(
                    "POST", "\(s.base)/handover/notes", body: NewNote(text: text))
                Output.line("note added at \(s.clock.show(n.writtenAt))")
            }
        }
    }

    struct Ack: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record that you, the incoming shift, have read the handover.")
        @OptionGroup var common: Common

        func run() async throws {
            try await guarded {
                let s = try await Session.open(premises: common.premises)
                let h: Handover = try await s.client.call(
                    "POST", "\(s.base)/handover/acknowledge", body: [String: String]())
                Output.line(
                    "handover acknowledged at \(s.clock.show(h.acknowledgedAt)) by \(h.acknowledgedBy ?? "you")")
            }
        }
    }
}
