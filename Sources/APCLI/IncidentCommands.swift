import APClient
import APDomain
import APWire
import ArgumentParser
import Foundation

struct IncidentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "incident",
        abstract: "Report, list, show, update and close incidents. Every edit is kept as a version.",
        discussion: """
            Categories: violence_or_aggression, threats, damage_to_property, substance_misuse, drugs_or_alcohol_found, \
            self_harm, medical_emergency, fire_or_fire_alarm, absconding_or_failure_to_return, police_attendance, \
            safeguarding, other. Severities: low, medium, high, critical.

            Examples:
              ap incident new            (asks for each detail in a terminal)
              ap incident new --category threats --severity low --description "Argument"
              ap incident list
              ap incident show 3f2a9c1e
              ap incident update 3f2a9c1e --severity high --police-reference CAD123
              ap incident close 3f2a9c1e
            """,
        subcommands: [New.self, List.self, Show.self, Update.self, Close.self]
    )

    struct New: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Report an incident (prompts for what is missing when run in a terminal).")
        @Option(help: "The category.") var category: String?
        @Option(help: "low, medium, high or critical.") var severity: String?
        @Option(help: "What happened.") var description: String?
        @Option(help: "What was done at once.") var action: String?
        @Option(help: "Where.") var location: String?
        @Option(help: "When it happened (HH:MM; now if not given).") var at: String?
        @Option(help: "The police reference, if the police were informed.") var policeReference: String?
        @OptionGroup var common: Common

        func run() async throws {
            try await guarded {
                let s = try await Session.open(premises: common.premises)
                let draft = IncidentDraft(
                    occurredAt: try at.map { t throws(CLIError) in try s.clock.past(t) } ?? Date(),
                    location: try ask(location, "Where"),
                    category: try choice(try ask(category, "Category"), as: IncidentCategory.self, what: "category"),
                    severity: try choice(
                        try ask(severity, "Severity (low, medium, high, critical)"), as: Severity.self, what: "severity"
                    ),
                    description: try ask(description, "What happened"),
                    immediateAction: try ask(action, "What was done at once"),
                    policeInformed: policeReference != nil, policeReference: policeReference)
                let i: Incident = try await s.client.call("POST", "\(s.base)/incidents", body: draft)
                Output.line("incident \(short(i.id)) reported (\(label(i.draft.severity)), \(label(i.draft.category)))")
            }
        }

        /// A flag's value, or the answer to a prompt in a terminal; a script without the flag is told which.
        func ask(_ value: String?, _ prompt: String) throws(CLIError) -> String {
            if let value { return value }
            guard isatty(STDIN_FILENO) == 1 else {
                throw CLIError(
                    .invalid,
                    "missing \(prompt.lowercased().split(separator: " ").first ?? ""): give it as a flag (see ap "
                        + "incident new --help)"
                )
            }
            FileHandle.standardError.write(Data("\(prompt): ".utf8))
            return readLine(strippingNewline: true) ?? ""
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Incidents of the last days.")
        @Option(help: "How many days back.") var days = 30
        @OptionGroup var output: JSONFlag
        @OptionGroup var common: Common

        func run() async throws {
            try await guarded {
                let s = try await Session.open(premises: common.premises)
                let query = [
                    "since": APIJSON.format(s.clock.now.addingTimeInterval(-Double(days) * 86_400)), "limit": "500",
                ]
                if output.json {
                    Output.json(try await s.client.send("GET", "\(s.base)/incidents", query: query).body)
                    return
                }
                let items = try await s.client.call("GET", "\(s.base)/incidents", query: query, as: Page<Incident>.self)
                    .items
                if items.isEmpty {
                    Output.line("no incidents in the last \(days) days")
                    return
                }
                Output.table(
                    ["ID", "WHEN", "STATUS", "SEVERITY", "CATEGORY", "WHAT"],
                    items.map { i in
                        [
                            short(i.id), s.clock.show(i.draft.occurredAt), label(i.status), label(i.draft.severity),
                            label(i.draft.category), String(i.draft.description.prefix(50)),
                        ]
                    })
            }
        }
    }

    static func find(_ s: Session, _ id: String) async throws -> Incident {
        try await s.find(
            id, at: { "api/v1/incidents/\($0)" }, among: "\(s.base)/incidents",
            query: ["since": "2000-01-01T00:00:00Z"], id: \.id, what: "incident")
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One incident, with its versions.")
        @Argument(help: "The incident's id (8 characters will do).") var id: String
        @OptionGroup var output: JSONFlag
        @OptionGroup var common: Common

        func run() async throws {
            try await guarded {
                let s = try await Session.open(premises: common.premises)
                let i = try await IncidentCommand.find(s, id)
                if output.json {
                    Output.json(try await s.client.send("GET", "api/v1/incidents/\(i.id)").body)
                    return
                }
                let d = i.draft
                Output.line(Output.bold("Incident \(short(i.id)), version \(i.version), \(label(i.status))"))
                for (k, v) in [
                    ("when", s.clock.show(d.occurredAt)), ("where", d.location), ("category", label(d.category)),
                    ("severity", label(d.severity)),
                    ("what", d.description), ("done at once", d.immediateAction),
                    ("police", d.policeInformed ? "informed \(d.policeReference ?? "")" : "not informed"),
                    ("edited", s.clock.show(i.editedAt)),
                ] {
                    Output.line("\(k.padding(toLength: 13, withPad: " ", startingAt: 0)) \(v)")
                }
            }
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change an incident (a new version; refused if someone changed it meanwhile).")
        @Argument(help: "The incident's id (8 characters will do).") var id: String
        @Option(help: "low, medium, high or critical.") var severity: String?
        @Option(help: "What happened.") var description: String?
        @Option(help: "What was done at once.") var action: String?
        @Option(help: "The police reference (marks the police as informed).") var policeReference: String?
        @Option(help: "open, under_review or closed.") var status: String?
        @OptionGroup var common: Common

        func run() async throws {
            try await guarded {
                let severity = try severity.map { t throws(CLIError) in
                    try choice(t, as: Severity.self, what: "severity")
                }
                let status = try status.map { t throws(CLIError) in
                    try choice(t, as: IncidentStatus.self, what: "status")
                }
                try await IncidentCommand.edit(id, common, status: status) { d in
                    if let severity { d.severity = severity }
                    if let description { d.description = description }
                    if let action { d.immediateAction = action }
                    if let policeReference {
                        d.policeReference = policeReference
                        d.policeInformed = true
                    }
                }
            }
        }
    }

    struct Close: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Close an incident.")
        @Argument(help: "The incident's id (8 characters will do).") var id: String
        @OptionGroup var common: Common
        func run() async throws {
            try await guarded { try await IncidentCommand.edit(id, common, status: .closed) { _ in } }
        }
    }

    static func edit(
        _ id: String, _ common: Common, status: IncidentStatus?, _ change: (inout IncidentDraft) -> Swift.Void
    ) async throws {
        let s = try await Session.open(premises: common.premises)
        let current = try await find(s, id)
        var draft = current.draft
        change(&draft)
        let i: Incident = try await s.client.call(
            "POST", "api/v1/incidents/\(current.id)/versions",
            body: IncidentEdit(basedOn: current.version, status: status, draft: draft))
        Output.line("incident \(short(i.id)) is now version \(i.version), \(label(i.status))")
    }
}
