import APDomain
import APWire
import Civil
import Foundation

/// The evidence pack as its printable page shows it (Templates/evidence-pack.mustache): every value a string
/// in the premises' local time, said plainly; the template escapes them all.
struct EvidencePage {
    struct Row {
        var premises = ""
        var arrived = ""
        var departed = ""
    }
    struct Condition {
        var kind: String
        var period: String
        var details: String
    }
    struct Absence {
        var from: String
        var until: String
        var reason: String
        var approvedBy: String
        var withdrawn: String
    }
    struct Night {
        var night: String
        var premises: String
        var windows: String
        var note: String
    }
    struct Entry {
        var id: String
        var happened: String
        var what: String
        var voided: Bool
        var recorded: String
        var remarks: String
        var chain: String
        var chainClass: String
    }
    struct Report {
        var at: String
        var recorded: String
        var note: String
    }
    struct AlertRow {
        var night: String
        var kind: String
        var raised: String
        var acknowledgements: String
        var resolved: String
    }
    struct IncidentRow {
        var when: String
        var what: String
        var status: String
        var description: String
    }

    var name: String
    var crn: String
    var dateOfBirth: String
    var rosh: String
    var practitioner: String
    var contingencyPlan: String
    var range: String
    var from: String
    var to: String
    var generated: String
    var zone: String
    var chainVerified: Bool
    var broken: [String]
    var brokenCount: Int
    var placements: [Row]
    var hasPlacements: Bool
    var conditions: [Condition]
    var hasConditions: Bool
    var absences: [Absence]
    var hasAbsences: Bool
    var nights: [Night]
    var entries: [Entry]
    var hasEntries: Bool
    var reports: [Report]
    var hasReports: Bool
    var alerts: [AlertRow]
    var hasAlerts: Bool
    var incidents: [IncidentRow]
    var hasIncidents: Bool
    /// Served by the service (a link to its JSON), not written to a file.
    var online = true

    init(_ pack: EvidencePack) {
        let zone = TimeZone(identifier: pack.timeZone) ?? TimeZone(identifier: "Europe/London")!
        /// "Sun 29 Mar 2026 01:30 BST": a pack is read long after, so every time carries its date.
        func when(_ date: Date?) -> String {
            guard let date else { return "" }
            let day = Zone.local(date, in: zone).date
            return "\(day.weekdayDayAndMonth) \(day.year) \(Zone.clockTime(date, in: zone))"
        }
        let r = pack.resident
        name = TextRules.visible("\(r.givenName) \(r.familyName)")
        crn = r.crn.value
        dateOfBirth = "\(r.dateOfBirth.dayAndMonth) \(r.dateOfBirth.year)"
        rosh = r.rosh.rawValue.replacingOccurrences(of: "_", with: " ")
        practitioner = TextRules.visible(
            [r.practitioner.name, r.practitioner.phone, r.practitioner.email].filter { !$0.isEmpty }
                .joined(separator: ", "))
        contingencyPlan = TextRules.visible(r.contingencyPlan, keepingNewLines: true)
        let last = pack.to.adding(days: -1)
        range =
            "\(pack.from.weekdayDayAndMonth) \(pack.from.year) to \(last.weekdayDayAndMonth) \(last.year) "
            + "(to the morning of \(pack.to.dayAndMonth))"
        from = pack.from.description
        to = pack.to.description
        generated = when(pack.generatedAt)
        self.zone = pack.timeZone

        let codes = Dictionary(uniqueKeysWithValues: pack.premises.map { ($0.id, $0.code) })
        placements = pack.placements.map {
            Row(premises: codes[$0.premisesId] ?? "", arrived: when($0.arrivedAt), departed: when($0.departedAt))
        }
        conditions = pack.conditions.map { c in
            var details = ""
            if let curfew = c.curfew {
                details = curfew.windows.map { "\($0.start) to \($0.end)" }.joined(separator: ", ")
                if let days = curfew.days { details += " on " + Self.weekdays(days) }
            } else if let reporting = c.reporting {
                details = "report at " + reporting.times.map(\.description).joined(separator: ", ")
                if let days = reporting.days { details += " on " + Self.weekdays(days) }
            }
            let wording = TextRules.visible(c.wording)
            return Condition(
                kind: c.kind.rawValue.replacingOccurrences(of: "_", with: " "),
                period: Wording.nights(from: c.startsOn, until: c.endsOn),
                details: [details, wording].filter { !$0.isEmpty }.joined(separator: ". "))
        }
        absences = pack.absences.map {
            Absence(
                from: when($0.startsAt), until: when($0.endsAt), reason: TextRules.visible($0.reason),
                approvedBy: TextRules.visible("\($0.approvedByName) (\($0.approvedByRole))"),
                withdrawn: $0.withdrawnAt.map { "withdrawn \(when($0))" } ?? "")
        }
        nights = pack.nights.map { n in
            Night(
                night: "\(n.night.weekdayDayAndMonth) \(n.night.year)", premises: n.premisesCode ?? "not placed",
                windows: n.windows.isEmpty
                    ? (n.premisesCode == nil ? "" : "none")
                    : n.windows.map(\.local).joined(
                        separator: ", "),
                note: n.clocksChange ?? "")
        }
        let byId = Dictionary(uniqueKeysWithValues: pack.entries.map { ($0.id, $0) })
        entries = pack.entries.map { e in
            var what: String
            switch e.kind {
            case .out:
                what = "signed out"
                if !e.destination.isEmpty { what += " to \(TextRules.visible(e.destination))" }
                if let back = e.expectedBack { what += ", due back \(when(back))" }
            case .in: what = "signed in"
            case .void:
                let target = e.voids.flatMap { byId[$0] }
                what = "voided the \(target?.kind == .in ? "sign-in" : "sign-out") of \(when(target?.at))"
            }
            if !e.note.isEmpty { what += ". \(TextRules.visible(e.note))" }
            var remarks: [String] = []
            if let late = e.lateReason { remarks.append("recorded late: \(TextRules.visible(late))") }
            if let reason = e.voidReason { remarks.append("why: \(TextRules.visible(reason))") }
            if e.voidedBy != nil {
                let void = e.voidedBy.flatMap { byId[$0] }
                remarks.append("voided \(when(void?.at)) by \(void?.recordedBy ?? "someone")")
            }
            let chain: (String, String) =
                switch e.chain {
                case .verified?: ("verified", "")
                case .altered?: ("ALTERED after it was recorded", "altered")
                case .linkBroken?: ("LINK BROKEN: the entry before it was changed or removed", "altered")
                case nil: ("not checked", "")
                }
            return Entry(
                id: e.id.uuidString.lowercased(), happened: when(e.at), what: what, voided: e.voidedBy != nil,
                recorded: "\(when(e.recordedAt)) by \(TextRules.visible(e.recordedBy))",
                remarks: remarks.joined(separator: "; "), chain: chain.0, chainClass: chain.1)
        }
        broken = pack.entries.filter { $0.chain != .verified }.map {
            "entry \($0.seq), \($0.kind.rawValue) at \(when($0.at))"
        }
        brokenCount = broken.count
        chainVerified = pack.chainVerified
        reports = pack.reports.map {
            Report(
                at: when($0.at), recorded: "\(when($0.recordedAt)) by \(TextRules.visible($0.recordedBy))",
                note: TextRules.visible($0.note))
        }
        alerts = pack.alerts.map { a in
            AlertRow(
                night: "\(a.night.weekdayDayAndMonth) \(a.night.year)",
                kind: a.kind.rawValue.replacingOccurrences(of: "_", with: " ") + (a.escalate ? " (escalated)" : ""),
                raised: when(a.raisedAt),
                acknowledgements: a.acknowledgements.map {
                    "\(when($0.at)): \($0.outcome.rawValue.replacingOccurrences(of: "_", with: " "))"
                        + ($0.note.isEmpty ? "" : ", \(TextRules.visible($0.note))")
                }.joined(separator: "; "),
                resolved: a.resolvedAt.map { "\(when($0)): \(TextRules.visible(a.resolvedReason ?? ""))" }
                    ?? "not resolved")
        }
        incidents = pack.incidents.map {
            IncidentRow(
                when: when($0.draft.occurredAt),
                what: "\($0.draft.category.rawValue.replacingOccurrences(of: "_", with: " ")), "
                    + "\($0.draft.severity.rawValue)",
                status: "\($0.status.rawValue.replacingOccurrences(of: "_", with: " ")) (version \($0.version))",
                description: TextRules.visible($0.draft.description, keepingNewLines: true))
        }
        hasPlacements = !placements.isEmpty
        hasConditions = !conditions.isEmpty
        hasAbsences = !absences.isEmpty
        hasEntries = !entries.isEmpty
        hasReports = !reports.isEmpty
        hasAlerts = !alerts.isEmpty
        hasIncidents = !incidents.isEmpty
    }

    static func weekdays(_ days: [Int]) -> String {
        let names = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
        return days.sorted().compactMap { (1...7).contains($0) ? names[$0 - 1] : nil }.joined(separator: ", ")
    }
}
