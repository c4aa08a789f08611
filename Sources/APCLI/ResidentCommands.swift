import APClient
import APDomain
import APWire
import ArgumentParser
import Civil
import Foundation

struct ResidentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resident",
        abstract: "A resident's record, or the evidence pack for a recall (every read is in the audit trail).",
        discussion: """
            Examples:
              ap resident show X320741
              ap resident show 12A --json
              ap resident evidence X320741 --from 2026-11-01 --to 2026-12-01 --html pack.html
            """,
        subcommands: [Show.self, Evidence.self]
    )

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Placement, bed, conditions, tonight's curfew, recent movements and the contingency plan.")
        @Argument(help: "A CRN, bed or room code, or part of a name.") var who: String
        @OptionGroup var output: JSONFlag
        @OptionGroup var common: Common

        func run() async throws {
            try await guarded {
                let s = try await Session.open(premises: common.premises)
                let presence = try s.resolve(who, in: try await s.roll())
                if output.json {
                    Output.json(try await s.client.send("GET", "api/v1/residents/\(presence.residentId)").body)
                    return
                }
                let r: ResidentRecord = try await s.client.call("GET", "api/v1/residents/\(presence.residentId)")
                let p = r.placements.first { $0.status == .arrived }
                Output.line(
                    Output.bold("\(r.resident.givenName) \(r.resident.familyName)")
                        + "  \(r.resident.crn), born \(r.resident.dateOfBirth), RoSH \(label(r.resident.rosh))")
                Output.line(
                    "bed \(presence.bedCode ?? "none") (room \(presence.roomCode ?? "-")); "
                        + (presence.isIn
                            ? "in since \(s.clock.show(presence.since))"
                            : Output.red("out since \(s.clock.show(presence.since))")
                                + (presence.destination.isEmpty ? "" : " at \(presence.destination)")))
                if let p {
                    Output.line(
                        "placement \(p.expectedArrival) to \(p.expectedDeparture), arrived \(s.clock.show(p.arrivedAt))"
                            + (p.keyWorkerId == nil ? ", no key worker" : ""))
                }
                Output.line("probation practitioner: \(r.resident.practitioner.name) \(r.resident.practitioner.phone)")
                // Tonight: the premises' curfew, and any the licence adds.
                let tonight =
                    CurfewWindow(start: s.premises.curfewStart, end: s.premises.curfewEnd).map {
                        CurfewNight.tonight(at: s.clock.now, in: s.clock.zone, baseline: $0)
                    } ?? s.clock.today
                let extra = r.conditions.filter { c in
                    c.curfew != nil && c.startsOn <= tonight && (c.endsOn.map { tonight < $0 } ?? true)
                        && (c.curfew?.days.map { $0.contains(tonight.isoWeekday) } ?? true)
                }
                Output.line(
                    "curfew tonight: \(s.premises.curfewStart)-\(s.premises.curfewEnd)"
                        + extra.flatMap { $0.curfew!.windows.map { ", \($0) by licence" } }.joined())
                Output.line()
                Output.line(Output.bold("Conditions"))
                Output.table(
                    // A condition's end is the first night it no longer applies: said with its last night, so
                    // that nobody reads the end as a night it still applies.
                    ["KIND", "NIGHTS", "WORDING"],
                    r.conditions.map {
                        [label($0.kind), Wording.nights(from: $0.startsOn, until: $0.endsOn), $0.wording]
                    })
                Output.line()
                Output.line(Output.bold("Recent movements"))
                Output.table(
                    ["MOVEMENT", "KIND", "AT", "WHERE", "NOTE"],
                    r.recentMovements.map { m in
                        [
                            short(m.id), m.kind.rawValue, s.clock.show(m.at), m.destination,
                            m.voidReason ?? m.lateReason.map { "late: \($0)" } ?? m.note,
                        ]
                    })
                if !r.resident.contingencyPlan.isEmpty {
                    Output.line()
                    Output.line(Output.bold("Contingency plan"))
                    Output.line(r.resident.contingencyPlan)
                }
            }
        }
    }
}

struct Beds: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The bed board for tonight: who is in which bed, which are free, which are out of service.",
        discussion: "Examples:\n  ap beds\n  ap beds --json")
    @OptionGroup var output: JSONFlag
    @OptionGroup var common: Common

    func run() async throws {
        try await guarded {
            let s = try await Session.open(premises: common.premises)
            let query = ["from": "\(s.clock.today)", "to": "\(s.clock.today.adding(days: 1))", "limit": "500"]
            if output.json {
                Output.json(try await s.client.send("GET", "\(s.base)/bed-board", query: query).body)
                return
            }
            let rows = try await s.client.call("GET", "\(s.base)/bed-board", query: query, as: Page<BoardRow>.self)
                .items
            var free = 0
            Output.table(
                ["BED", "ROOM", "TONIGHT"],
                rows.map { row in
                    let state: String
                    switch row.holdings.first {
                    case .allocated(_, _, let crn, let name, _)?: state = "\(name) (\(crn))"
                    case .outOfService(_, let reason, _)?: state = Output.dim("out of service: \(label(reason))")
                    case nil:
                        state = Output.bold("free")
                        free += 1
                    }
                    return [row.bed.code, row.bed.roomCode, state]
                })
            Output.line()
            Output.line("\(rows.count) beds, \(free) free tonight")
        }
    }
}

struct Occupancy: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Occupancy per night and in total (managers): beds, out of service, occupied, free, overbooked, voids, "
            + "length of stay.",
        discussion: """
            The period runs from --from to the morning of --to (default: today and the next 6 nights).
            Examples:
              ap occupancy
              ap occupancy --from 2026-11-01 --to 2026-12-01 --csv > november.csv
            """)
    @Option(help: "The first night (YYYY-MM-DD).") var from: String?
    @Option(help: "The morning after the last night (YYYY-MM-DD).") var to: String?
    @Flag(help: "Comma-separated values, with a header line.") var csv = false
    @OptionGroup var output: JSONFlag
    @OptionGroup var common: Common

    func run() async throws {
        try await guarded {
            let s = try await Session.open(premises: common.premises)
            let start = try from.map { t throws(CLIError) in try date(t, "--from") } ?? s.clock.today
            let end = try to.map { t throws(CLIError) in try date(t, "--to") } ?? start.adding(days: 7)
            let query = ["from": "\(start)", "to": "\(end)"]
            if output.json {
                Output.json(try await s.client.send("GET", "\(s.base)/occupancy-report", query: query).body)
                return
            }
            if csv {
                FileHandle.standardOutput.write(try await csvTable(s, query))
                return
            }
            let report = try await s.client.call(
                "GET", "\(s.base)/occupancy-report", query: query, as: OccupancyReport.self)
            Output.line(Output.bold("\(s.premises.code) occupancy, \(start) to \(end)"))
            Output.table(
                [
                    "NIGHT", "BEDS", "OUT OF SERVICE", "AVAILABLE", "OCCUPIED", "FREE", "OVERBOOKED", "ARRIVALS",
                    "DEPARTURES",
                ],
                report.daily.map { d in
                    let n = d.occupancy
                    return [
                        "\(n.night)", "\(n.beds)", "\(n.outOfService)", "\(n.available)", "\(n.occupied)", "\(n.free)",
                        n.overbookedBy > 0 ? Output.red("\(n.overbookedBy)") : "0",
                        "\(n.arrivals)", "\(n.departures)",
                    ]
                })
            let t = report.totals
            Output.line()
            Output.line(
                "bed nights: \(t.bedNightsOccupied) occupied of \(t.bedNightsAvailable) available ("
                    + (t.occupancyRate.map { String(format: "%.1f%%", $0 * 100) } ?? "-")
                    + "), \(t.voids) voids, \(t.overbookedNights) nights overbooked")
            Output.line(
                "average stay of departures: "
                    + (report.averageLengthOfStay.map { String(format: "%.1f nights", $0) } ?? "no departures")
                    + "; curfew alerts per 100 resident nights: "
                    + (report.curfewAlertsPer100ResidentNights.map { String(format: "%.2f", $0) } ?? "-"))
        }
    }

    /// The nights as the service's CSV (header row, ISO dates).
    func csvTable(_ s: Session, _ query: [String: String]) async throws -> Data {
        let reply = try await s.client.send(
            "GET", "\(s.base)/occupancy-report", query: query.merging(["format": "csv", "table": "daily"]) { $1 })
        try APIClient.check(reply)
        return reply.body
    }

    func date(_ text: String, _ flag: String) throws(CLIError) -> LocalDate {
        guard let d = LocalDate(text) else { throw CLIError(.invalid, "\(flag) must be a date as YYYY-MM-DD") }
        return d
    }
}

extension ResidentCommand {
    struct Evidence: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The evidence pack for a recall request: nights, entries, alerts, incidents, chain check.",
            discussion: """
                The nights run from --from to the morning of --to, as everywhere in ap (at most 366). Prints a \
                summary; --html FILE writes the page to print (A4); --json prints the service's JSON. A resident \
                who has left is found by CRN. Reading it is recorded in the audit trail.
                Examples:
                  ap resident evidence X320741 --from 2026-11-01 --to 2026-12-01
                  ap resident evidence X320741 --from 2026-11-01 --to 2026-12-01 --html pack.html
                """)
        @Argument(help: "A CRN (anyone, staying or not), or a bed or room code or part of a name (staying now).")
        var who: String
        @Option(help: "The first night (YYYY-MM-DD).") var from: String
        @Option(help: "The morning after the last night (YYYY-MM-DD).") var to: String
        @Option(help: "Write the page to print to this file.") var html: String?
        @OptionGroup var output: JSONFlag
        @OptionGroup var common: Common

        func run() async throws {
            try await guarded {
                guard LocalDate(from) != nil else { throw CLIError(.invalid, "--from must be a date as YYYY-MM-DD") }
                guard LocalDate(to) != nil else { throw CLIError(.invalid, "--to must be a date as YYYY-MM-DD") }
                let s = try await Session.open(premises: common.premises)
                let id = try await residentId(s)
                let path = "api/v1/residents/\(id)/evidence"
                if let html {
                    let reply = try await s.client.send("GET", path, query: ["from": from, "to": to, "format": "html"])
                    try APIClient.check(reply)
                    do { try reply.body.write(to: URL(fileURLWithPath: html)) } catch {
                        throw CLIError(.failure, "cannot write \(html): \(error.localizedDescription)")
                    }
                    Output.line("wrote \(html): open it in a browser and print it (A4)")
                    return
                }
                if output.json {
                    let reply = try await s.client.send("GET", path, query: ["from": from, "to": to])
                    try APIClient.check(reply)
                    Output.json(reply.body)
                    return
                }
                let pack: EvidencePack = try await s.client.call("GET", path, query: ["from": from, "to": to])
                summary(pack, s.clock)
            }
        }

        func residentId(_ s: Session) async throws -> UUID {
            if let crn = CRN(who) {
                let found = try await s.client.call(
                    "GET", "api/v1/residents", query: ["crn": crn.value], as: Page<Resident>.self)
                guard let r = found.items.first else {
                    throw CLIError(.notFound, "no resident you may see has CRN \(crn.value)")
                }
                return r.id
            }
            return try s.resolve(who, in: try await s.roll()).residentId
        }

        func summary(_ pack: EvidencePack, _ clock: LocalClock) {
            let r = pack.resident
            let when = { (d: Date?) in
                d.map { "\(LocalClock.day(Zone.local($0, in: clock.zone).date)) \(Zone.clockTime($0, in: clock.zone))" }
                    ?? ""
            }
            Output.line(
                Output.bold("Evidence pack: \(r.givenName) \(r.familyName) (\(r.crn))")
                    + ", nights \(pack.from) to the morning of \(pack.to)")
            Output.line(
                pack.chainVerified
                    ? "every entry verifies against the log's hash chain"
                    : Output.red(
                        "WARNING: entries that do not verify: "
                            + pack.entries.filter { $0.chain != .verified }.map {
                                "\(short($0.id)) (\($0.chain.map { label($0) } ?? "not checked"))"
                            }.joined(separator: ", ")))
            Output.line()
            Output.table(
                ["NIGHT", "PREMISES", "CURFEW", "NOTE"],
                pack.nights.map {
                    [
                        LocalClock.day($0.night), $0.premisesCode ?? "not placed",
                        $0.windows.map(\.local).joined(separator: ", "), $0.clocksChange ?? "",
                    ]
                })
            Output.line()
            Output.table(
                ["ENTRY", "HAPPENED", "KIND", "RECORDED", "BY", "LATE OR VOIDED", "CHAIN"],
                pack.entries.map { e in
                    [
                        short(e.id), when(e.at), e.voidedBy == nil ? e.kind.rawValue : "\(e.kind.rawValue) (voided)",
                        when(e.recordedAt), e.recordedBy, e.voidReason ?? e.lateReason.map { "late: \($0)" } ?? "",
                        e.chain.map { label($0) } ?? "",
                    ]
                })
            Output.line()
            Output.table(
                ["ALERT", "NIGHT", "KIND", "STATE"],
                pack.alerts.map { a in
                    [
                        short(a.id), LocalClock.day(a.night), label(a.kind),
                        a.resolvedReason.map { "resolved: \($0)" } ?? a.acknowledgements.last.map {
                            "acknowledged: \(label($0.outcome))"
                        } ?? "open",
                    ]
                })
            Output.line()
            Output.line("\(pack.incidents.count) incidents; --html FILE writes the whole pack to print")
        }
    }
}
