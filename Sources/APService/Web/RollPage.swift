import APDomain
import APStore
import APWire
import Civil
import Foundation
import HTTPTypes
import Hummingbird

/// The shift's roll in the browser (part of issue 18): who is in and who is out, with sign-out and sign-in on each
/// row and a late entry with its time and reason. It calls the store as the API does (MovementStore.record, as the
/// signed-in account, after the same premises check); a refusal shows beside its field, with the summary at the
/// top and what was typed kept.
extension API {
    /// A form that came back refused: which form, which row it was on (a resident's CRN, an alert's id), the error
    /// for each field, and what was typed.
    struct RollForm {
        var row = ""
        var form = ""
        var errors: [(field: String, message: String)] = []
        var typed: [String: String] = [:]
    }

    func rollPageRoutes(_ r: Router<APRequestContext>) {
        r.get("premises/{code}/roll") { req, ctx in
            guard let (s, premises) = try await shiftPage(req, ctx) else { return Self.redirect("/sign-in") }
            let done = req.query("crn").flatMap { crn in req.query("done").map { (crn: crn, kind: $0) } }
            return try await rollPage(s, premises, refused: nil, done: done)
        }
        r.post("premises/{code}/roll/reported") { req, ctx in
            guard let (s, premises) = try await shiftPage(req, ctx) else { return Self.redirect("/sign-in") }
            let pairs = try await Self.postedForm(req, s)
            let form = Self.reportedForm
            let outcome = try await attempt(form) {
                try await recordReport(
                    s.principal, premisesId: premises.id,
                    try form.read(NewReport.self, pairs, zone: zone(premises), today: today()))
            }
            guard case .failure(let refusal) = outcome else {
                return Self.redirect("/premises/\(premises.code)/roll?done=reported&crn=-")
            }
            var refused = RollForm(form: "reported", typed: pairs.fields)
            refused.errors = refusal.errors
            return try await rollPage(s, premises, refused: refused, done: nil, status: .unprocessableContent)
        }
        for kind in ["out", "in", "late", "void"] {
            r.post("premises/{code}/roll/\(kind)") { req, ctx in
                guard let (s, premises) = try await shiftPage(req, ctx) else { return Self.redirect("/sign-in") }
                let form = try await Self.postedForm(req, s).fields
                if kind == "void" { return try await voidFromRoll(s, premises, form) }
                return try await recordFromRoll(s, premises, kind: kind, form)
            }
        }
    }

    /// Voiding a wrong entry from the roll page: the same store call as the API's (the entry stays, marked void).
    func voidFromRoll(_ s: WebSessionStore.Session, _ premises: Premises, _ form: [String: String]) async throws
        -> Response
    {
        var refused = RollForm(form: "void", typed: form)
        let entry = form["entry"].flatMap(UUID.init(uuidString:))
        let reason = (form["reason"] ?? "").trimmingCharacters(in: .whitespaces)
        if entry == nil { refused.errors.append(("void-entry", "Choose the entry that is wrong")) }
        if reason.isEmpty { refused.errors.append(("void-reason", "Say why the entry is wrong")) }
        guard let entry, refused.errors.isEmpty else {
            return try await rollPage(s, premises, refused: refused, done: nil, status: .badRequest)
        }
        let principal = s.principal
        let now = clock()
        let failure: String? = try await pool.withConnection { c in
            try Self.check(c, principal, .movement, entry)
            do {
                _ = try MovementStore.void(c, actor: principal.actor, movementId: entry, reason: reason, now: now)
                return nil
            } catch let error as StoreError { return error.message }
        }
        if let failure {
            refused.errors.append(("void-entry", Self.sentence(failure)))
            return try await rollPage(s, premises, refused: refused, done: nil, status: .unprocessableContent)
        }
        return Self.redirect("/premises/\(premises.code)/roll?done=voided&crn=-")
    }

    /// Acknowledging an alert from the roll page, with what was done: the same store call as the API's.
    func acknowledgeRoute(_ r: Router<APRequestContext>) {
        r.post("premises/{code}/alerts/{alertId}/acknowledge") { req, ctx in
            guard let (s, premises) = try await shiftPage(req, ctx) else { return Self.redirect("/sign-in") }
            let form = try await Self.postedForm(req, s).fields
            guard let id = ctx.parameters.get("alertId").flatMap(UUID.init(uuidString:)) else {
                throw WebPage(status: .notFound, title: "Not found", text: "There is no such alert.")
            }
            let key = id.uuidString.lowercased()
            var refused = RollForm(row: key, form: "acknowledge", typed: form)
            guard let outcome = form["outcome"].flatMap(AlertOutcome.init(rawValue:)) else {
                refused.errors.append(("outcome-\(key)", "Choose what was done about the alert"))
                return try await rollPage(s, premises, refused: refused, done: nil, status: .badRequest)
            }
            let principal = s.principal
            let note = (form["note"] ?? "").trimmingCharacters(in: .whitespaces)
            let failure: String? = try await pool.withConnection { c in
                try Self.check(c, principal, .alert, id)
                do {
                    _ = try AlertStore.acknowledge(c, actor: principal.actor, alertId: id, outcome: outcome, note: note)
                    return nil
                } catch let error as StoreError { return error.message }
            }
            if let failure {
                refused.errors.append(("outcome-\(key)", Self.sentence(failure)))
                return try await rollPage(s, premises, refused: refused, done: nil, status: .unprocessableContent)
            }
            return Self.redirect("/premises/\(premises.code)/roll?done=acknowledged&crn=\(key)")
        }
    }

    /// A resident reported to staff: who, when (now unless said), and a note.
    static let reportedForm = WebForm(
        "reported",
        [
            .init(name: "residentId", label: "Who reported", kind: .choice([])),
            .init(
                name: "at", label: "When they reported", hint: "Leave empty for now, or like 30/11/2026 12:05",
                kind: .dateTime),
            .init(name: "note", label: "Note (optional)"),
        ])

    /// A refusal of the page's own, for a CRN that is not on the roll (any more).
    static let notOnTheRoll = "That resident is not staying here now: the roll below is as it stands"

    func recordFromRoll(_ s: WebSessionStore.Session, _ premises: Premises, kind: String, _ form: [String: String])
        async throws -> Response
    {
        let zone = TimeZone(identifier: premises.timeZone) ?? API.london
        let now = clock()
        let crn = form["crn"] ?? ""
        var refused = RollForm(row: crn, form: kind, typed: form)
        let field = { (name: String) in kind == "late" ? "late-\(name)" : "\(name)-\(crn)" }
        // What the form says, in the API's terms; what cannot be read is said beside its field.
        var at: Date?
        var back: Date?
        if kind == "late" {
            let text = (form["at"] ?? "").trimmingCharacters(in: .whitespaces)
            let parts = text.split(separator: " ")
            if parts.count == 2, let d = LocalDate(String(parts[0])), let t = LocalTime(String(parts[1])) {
                at = Zone.instant(d, t, in: zone)
            } else {
                refused.errors.append(
                    (field("at"), "Enter when it happened as YYYY-MM-DD HH:MM, like 2026-11-29 22:55"))
            }
        }
        if kind == "out", let text = form["back"]?.trimmingCharacters(in: .whitespaces), !text.isEmpty {
            if let t = LocalTime(text) {
                let today = Zone.instant(Zone.local(now, in: zone).date, t, in: zone)
                back = today > now ? today : Zone.instant(Zone.local(now, in: zone).date.adding(days: 1), t, in: zone)
            } else {
                refused.errors.append((field("back"), "Enter the time they are due back as HH:MM, like 15:30"))
            }
        }
        if !refused.errors.isEmpty { return try await rollPage(s, premises, refused: refused, done: nil) }

        let principal = s.principal
        let (when, due) = (at, back)
        let late = kind == "late"
        let movementKind: MovementKind = late ? (form["kind"] == "out" ? .out : .in) : (kind == "out" ? .out : .in)
        let outcome: Result<String, RollRefusal> = try await pool.withConnection { c in
            try Self.check(c, principal, premises: premises.id)
            let roll = try MovementStore.roll(
                c.asActor(principal.actor), premisesId: premises.id, night: Zone.local(now, in: zone).date)
            guard let resident = roll.first(where: { $0.crn == crn }) else {
                return .failure(RollRefusal(field: "crn", message: Self.notOnTheRoll))
            }
            do {
                _ = try MovementStore.record(
                    c.asActor(principal.actor), premisesId: premises.id,
                    NewMovement(
                        residentId: resident.residentId, kind: movementKind, at: when,
                        destination: (form["destination"] ?? "").trimmingCharacters(in: .whitespaces),
                        expectedBack: due, lateReason: late ? form["reason"] : nil),
                    now: now)
                return .success(resident.crn)
            } catch let error as StoreError {
                return .failure(RollRefusal(field: error.field, message: error.message))
            }
        }
        switch outcome {
        case .success(let crn):
            return Self.redirect("/premises/\(premises.code)/roll?done=\(movementKind.rawValue)&crn=\(crn)")
        case .failure(let error):
            let name: String =
                switch error.field {
                case "lateReason": field("reason")
                case "at": kind == "late" ? field("at") : "button-\(crn)"
                case "destination": field("destination")
                case "crn": kind == "late" ? field("crn") : "button-\(crn)"
                default: kind == "late" ? field("at") : field(kind == "out" ? "destination" : "button")
                }
            refused.errors.append((name, Self.sentence(error.message)))
            return try await rollPage(s, premises, refused: refused, done: nil, status: .unprocessableContent)
        }
    }

    struct RollRefusal: Error {
        var field: String?
        var message: String
    }

    /// The store's refusals are sentences without a capital: the pages' errors start with one.
    static func sentence(_ text: String) -> String { text.prefix(1).uppercased() + text.dropFirst() }

    func rollPage(
        _ s: WebSessionStore.Session, _ premises: Premises, refused: RollForm?, done: (crn: String, kind: String)?,
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let zone = TimeZone(identifier: premises.timeZone) ?? API.london
        let now = clock()
        let principal = s.principal
        let today = Zone.local(now, in: zone).date
        let due = try await run(principal, .shift, premises: premises.id) { c, _ in
            let recent = Nights(from: today.adding(days: -60), to: today.adding(days: 1))!
            return try PlacementStore.list(
                c, premisesId: premises.id, overlapping: recent, statuses: [.upcoming, .arrived]
            )
            .filter { $0.status == .upcoming ? $0.expectedArrival <= today : $0.expectedDeparture <= today }
            .compactMap { p in try ResidentStore.get(c, id: p.residentId).map { (p, $0) } }
        }
        let (roll, alerts, recent) = try await pool.withConnection { c in
            try Self.check(c, principal, premises: premises.id)
            let roll = try MovementStore.roll(
                c.asActor(principal.actor), premisesId: premises.id, night: Zone.local(now, in: zone).date)
            let (alerts, recent) = try c.acting(as: principal.actor) { c in
                (
                    try AlertStore.list(
                        c, premisesId: premises.id, since: Zone.local(now, in: zone).date.adding(days: -7),
                        openOnly: true
                    ).filter(\.isOpen),
                    try EvidenceStore.recent(c, premisesId: premises.id, since: now.addingTimeInterval(-2 * 86_400))
                )
            }
            return (roll, alerts, recent)
        }
        let when = { (d: Date) in
            let day = Zone.local(d, in: zone).date
            return day == Zone.local(now, in: zone).date
                ? Zone.clockTime(d, in: zone) : "\(day.weekdayDayAndMonth) \(Zone.clockTime(d, in: zone))"
        }
        let errorFor = { (field: String) in refused?.errors.first { $0.field == field }?.message }
        var rows: [[String: Any]] = []
        for p in roll {
            var row: [String: Any] = [
                "name": p.name, "crn": p.crn, "bed": p.bedCode ?? "none", "isIn": p.isIn, "since": when(p.since),
                "code": premises.code, "csrf": s.csrf, "lateChosen": refused?.form == "late" && refused?.row == p.crn,
            ]
            if !p.destination.isEmpty { row["destination"] = p.destination }
            if let due = p.expectedBack {
                row["due"] = when(due)
                row["overdue"] = due < now
            }
            if refused?.form == "out", refused?.row == p.crn {
                row["typedDestination"] = refused?.typed["destination"] ?? ""
                row["typedBack"] = refused?.typed["back"] ?? ""
                if let e = errorFor("destination-\(p.crn)") { row["destinationError"] = e }
                if let e = errorFor("back-\(p.crn)") { row["backError"] = e }
            }
            rows.append(row)
        }
        var model: [String: Any] = [
            "title": "\(premises.code): who is in", "premises": "\(premises.code) \(premises.name)",
            "code": premises.code, "csrf": s.csrf, "rows": rows, "now": Zone.clockTime(now, in: zone),
            "inCount": roll.filter(\.isIn).count, "outCount": roll.filter { !$0.isIn }.count,
            "overdueCount": roll.filter { !$0.isIn && ($0.expectedBack.map { $0 < now } ?? false) }.count,
            "hasErrors": !(refused?.errors.isEmpty ?? true),
            "errors": (refused?.errors ?? []).map { ["field": $0.field, "message": $0.message] },
            "lateOut": refused?.form == "late" && refused?.typed["kind"] == "out",
        ]
        model["hasAlerts"] = !alerts.isEmpty
        model["alerts"] = alerts.map { a -> [String: Any] in
            var item: [String: Any] = [
                "id": a.id.uuidString.lowercased(), "code": premises.code, "csrf": s.csrf,
                "kind": a.kind.rawValue.replacingOccurrences(of: "_", with: " ").capitalizedFirst,
                "escalate": a.escalate, "resident": "\(a.residentName) (\(a.crn))",
                "night": a.night.weekdayDayAndMonth, "raised": when(a.raisedAt),
                "entries": a.evidenceEntries.map { e in
                    "\(e.kind == .in ? "Signed in" : "Signed out") \(when(e.at))"
                        + (e.destination.isEmpty ? "" : " to \(e.destination)")
                        + (e.expectedBack.map { ", due back \(when($0))" } ?? "")
                },
                "outcomes": AlertOutcome.allCases.map {
                    [
                        "value": $0.rawValue,
                        "label": $0.rawValue.replacingOccurrences(of: "_", with: " ").capitalizedFirst,
                    ]
                },
            ]
            if a.escalate, let plan = a.contingencyPlan, !plan.isEmpty { item["plan"] = plan }
            if refused?.form == "acknowledge", refused?.row == a.id.uuidString.lowercased() {
                item["typedNote"] = refused?.typed["note"] ?? ""
                if let e = errorFor("outcome-\(a.id.uuidString.lowercased())") { item["outcomeError"] = e }
            }
            return item
        }
        model["recent"] = recent.map { r -> [String: Any] in
            [
                "id": r.entry.id.uuidString.lowercased(),
                "label": "\(r.name) (\(r.crn)) \(r.entry.kind == .in ? "in" : "out") \(when(r.entry.at)), "
                    + "recorded by \(r.entry.recordedBy)",
            ]
        }
        if refused?.form == "void" {
            model["typedVoidReason"] = refused?.typed["reason"] ?? ""
            if let e = errorFor("void-entry") { model["voidEntryError"] = e }
            if let e = errorFor("void-reason") { model["voidReasonError"] = e }
        }
        if refused?.form == "late" {
            model["typedAt"] = refused?.typed["at"] ?? ""
            model["typedReason"] = refused?.typed["reason"] ?? ""
            for name in ["crn", "at", "reason"] {
                if let e = errorFor("late-\(name)") {
                    model["late\(name.prefix(1).uppercased() + name.dropFirst())Error"] = e
                }
            }
        }
        // Arrivals and departures due (today, or overdue): each placement's page has their actions.
        let dueRow = { (p: Placement, r: Resident) -> [String: String] in
            let late = (p.status == .upcoming ? p.expectedArrival : p.expectedDeparture) < today
            return [
                "id": p.id.lowercased, "name": "\(r.givenName) \(r.familyName) (\(r.crn))",
                "when": late
                    ? "was due \((p.status == .upcoming ? p.expectedArrival : p.expectedDeparture).dayAndMonth)"
                    : "today",
            ]
        }
        model["arrivalsDue"] = due.filter { $0.0.status == .upcoming }.map(dueRow)
        model["departuresDue"] = due.filter { $0.0.status == .arrived }.map(dueRow)
        model["hasDue"] = !due.isEmpty
        var reported = Self.reportedForm.model(
            typed: refused?.form == "reported" ? (refused?.typed ?? [:]).map { ($0.key, $0.value) } : [],
            errors: refused?.form == "reported" ? refused?.errors ?? [] : [])
        if var who = reported["residentId"] as? [String: Any] {
            let chosen = refused?.form == "reported" ? refused?.typed["residentId"] : nil
            who["options"] = roll.filter(\.isIn).map {
                [
                    "value": $0.residentId.uuidString.lowercased(), "label": "\($0.name) (\($0.crn))",
                    "on": $0.residentId.uuidString.lowercased() == chosen,
                ]
            }
            reported["residentId"] = who
        }
        model["reported"] = reported
        // What was just recorded, said back: the row as it stands now.
        if let done, done.kind == "acknowledged" {
            model["done"] = "Alert acknowledged"
        } else if let done, done.kind == "reported" {
            model["done"] = "Recorded that they reported to staff"
        } else if let done, done.kind == "voided" {
            model["done"] = "The entry is voided: it stays in the log, marked void"
        } else if let done, let p = roll.first(where: { $0.crn == done.crn }) {
            model["done"] = "\(p.name) (\(p.crn)) signed \(p.isIn ? "in" : "out") at \(when(p.since))"
        }
        return Self.page("roll", model, s, premises, .roll, status: status)
    }
}

extension String {
    /// "Late return" from "late return": the pages' labels start with a capital.
    var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
