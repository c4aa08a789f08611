import APClient
import APDomain
import APWire
import ArgumentParser
import Foundation

struct Alerts: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Curfew alerts at this premises: open ones, or all of the last week.",
        discussion: """
            Outcomes: returned_late, contacted_out_of_hours_manager, recall_requested, absence_was_authorised, \
            recording_error.

            With --follow it then stays connected and prints each alert raised, acknowledged or resolved as it \
            happens (with the terminal's bell for a new one), reconnecting by itself; Ctrl-C ends it. With \
            --follow --json, each line is one JSON object: {"event": "open" or the event, "id": the event's id, \
            "alert": the alert}.

            Examples:
              ap alerts
              ap alerts --follow
              ap alerts --all --json
              ap alerts show 3f2a9c1e
              ap alerts ack 3f2a9c1e --outcome returned_late --note "back 23:40, breath test negative"
            """,
        subcommands: [List.self, Show.self, Ack.self],
        defaultSubcommand: List.self
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List alerts (the default).")
        @Flag(help: "Include acknowledged ones.") var all = false
        @Option(help: "How many nights back.") var nights = 7
        @Flag(help: "Then print each alert as it is raised, acknowledged or resolved, until Ctrl-C.") var follow = false
        @OptionGroup var output: JSONFlag
        @OptionGroup var common: Common

        func run() async throws {
            try await guarded {
                let s = try await Session.open(premises: common.premises)
                if follow {
                    try await Follow(session: s, json: output.json).run()
                    return
                }
                // Open: neither acknowledged nor resolved (the service's `open` means not resolved).
                let query = [
                    "since": "\(s.clock.today.adding(days: -nights))", "open": all ? "false" : "true", "limit": "500",
                ]
                let reply = try await s.client.send("GET", "\(s.base)/alerts", query: query)
                try APIClient.check(reply)
                let alerts = try APIJSON.decoder.decode(Page<Alert>.self, from: reply.body).items.filter {
                    all || $0.isOpen
                }
                if output.json {
                    if all {
                        Output.json(reply.body)
                        return
                    }
                    let keep = Set(alerts.map { $0.id.uuidString.lowercased() })
                    var page = (try JSONSerialization.jsonObject(with: reply.body) as? [String: Any]) ?? [:]
                    page["items"] = ((page["items"] as? [[String: Any]]) ?? []).filter {
                        keep.contains(($0["id"] as? String ?? "").lowercased())
                    }
                    Output.json(try JSONSerialization.data(withJSONObject: page, options: [.sortedKeys]))
                    return
                }
                if alerts.isEmpty {
                    Output.line(all ? "no alerts in the last \(nights) nights" : "no open alerts")
                    return
                }
                Output.table(
                    ["ID", "NIGHT", "KIND", "RESIDENT", "RAISED", "STATE"],
                    alerts.map { a in
                        [
                            short(a.id), LocalClock.day(a.night), label(a.kind), "\(a.residentName) (\(a.crn))",
                            s.clock.show(a.raisedAt),
                            a.isOpen
                                ? Output.red(a.escalate ? "OPEN, ESCALATE" : "open")
                                : a.acknowledgements.last.map { label($0.outcome) } ?? "resolved",
                        ]
                    })
            }
        }
    }

    struct Ack: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Acknowledge an alert with what was done.")
        @Argument(help: "The alert's id (its first 8 characters will do).") var id: String
        @Option(
            help: ArgumentHelp(
                "returned_late, contacted_out_of_hours_manager, recall_requested, absence_was_authorised or "
                    + "recording_error.")
        ) var outcome: String
        @Option(help: "What happened.") var note: String?
        @OptionGroup var common: Common

        func run() async throws {
            try await guarded {
                let s = try await Session.open(premises: common.premises)
                let alert = try await Alerts.find(s, id)
                let chosen = try choice(outcome, as: AlertOutcome.self, what: "outcome")
                let _: Alert = try await s.client.call(
                    "POST", "api/v1/alerts/\(alert.id)/acknowledge", body: Acknowledging(outcome: chosen, note: note))
                Output.line("alert \(short(alert.id)) acknowledged: \(label(chosen))")
            }
        }
    }

    /// A full id reaches any alert of the premises, however old; a shortened one is looked for among the last
    /// 60 nights'.
    static func find(_ s: Session, _ id: String) async throws -> Alert {
        try await s.find(
            id, at: { "api/v1/alerts/\($0)" }, among: "\(s.base)/alerts",
            query: ["since": "\(s.clock.today.adding(days: -60))"], id: \.id, what: "alert")
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "One alert with what acting on it needs: the resident's risk, contingency plan and practitioner.")
        @Argument(help: "The alert's id (its first 8 characters will do).") var id: String
        @OptionGroup var output: JSONFlag
        @OptionGroup var common: Common

        func run() async throws {
            try await guarded {
                let s = try await Session.open(premises: common.premises)
                let a = try await Alerts.find(s, id)
                // The alert as the service sent it, in its own dialect: no second request.
                if output.json {
                    Output.json(Data(try APIJSON.encode(a)))
                    return
                }
                let state =
                    a.isOpen
                    ? Output.red(a.escalate ? "OPEN, ESCALATE to the out-of-hours manager" : "open")
                    : a.acknowledgements.last.map { "acknowledged: \(label($0.outcome))" } ?? "resolved"
                Output.line(
                    Output.bold("Alert \(short(a.id)): \(label(a.kind)), night of \(LocalClock.day(a.night))")
                        + "  \(state)")
                Output.line("\(a.residentName) (\(a.crn)), RoSH \(a.rosh.map { label($0) } ?? "-")")
                if let p = a.practitioner {
                    Output.line(
                        "probation practitioner: \(p.name) \(p.phone) \(p.email)".trimmingCharacters(in: .whitespaces))
                }
                Output.line("raised \(s.clock.show(a.raisedAt))" + (a.evidenceEntries.isEmpty ? "; no entries" : ""))
                for e in a.evidenceEntries {
                    var text = "  \(e.kind == .in ? "signed in" : "signed out") \(s.clock.show(e.at))"
                    if !e.destination.isEmpty { text += " to \(e.destination)" }
                    if let back = e.expectedBack { text += ", due back \(s.clock.show(back))" }
                    text += "; recorded \(s.clock.show(e.recordedAt)) by \(e.recordedBy)"
                    if let late = e.lateReason { text += " (late: \(late))" }
                    text += "  [movement \(short(e.id))]"
                    Output.line(e.voidedBy == nil ? text : Output.red(text + " VOIDED since"))
                }
                if let reason = a.resolvedReason { Output.line("resolved: \(reason)") }
                for k in a.acknowledgements {
                    Output.line(
                        "acknowledged \(s.clock.show(k.at)): \(label(k.outcome))"
                            + (k.note.isEmpty ? "" : ": \(k.note)"))
                }
                Output.line()
                Output.line(Output.bold("Contingency plan"))
                Output.line(
                    a.contingencyPlan.flatMap { $0.isEmpty ? nil : $0 }
                        ?? "none recorded: call the out-of-hours manager")
            }
        }
    }
}
