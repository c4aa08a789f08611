import APDomain
import APStore
import APWire
import Civil
import Foundation
import HTTPTypes
import Hummingbird

/// The shift's incidents in the browser (part of issue 18): the last 30 days', reporting one, and closing one;
/// the same store calls as the API's (every edit a new version, an edit on a stale version refused).
extension API {
    /// A report that came back refused: each field's error, and what was typed.
    struct IncidentForm {
        var errors: [(field: String, message: String)] = []
        var typed: [String: String] = [:]
        var residents: Set<String> = []
    }

    func incidentPageRoutes(_ r: Router<APRequestContext>) {
        r.get("premises/{code}/incidents") { req, ctx in
            guard let (s, premises) = try await shiftPage(req, ctx) else { return Self.redirect("/sign-in") }
            return try await incidentsPage(s, premises, refused: nil, done: req.query("done"))
        }
        r.post("premises/{code}/incidents") { req, ctx in
            guard let (s, premises) = try await shiftPage(req, ctx) else { return Self.redirect("/sign-in") }
            let pairs = try await Self.postedForm(req, s)
            let form = pairs.fields
            return try await reportIncident(s, premises, form, residents: pairs.filter { $0.0 == "resident" }.map(\.1))
        }
        r.post("premises/{code}/incidents/{incidentId}/close") { req, ctx in
            guard let (s, premises) = try await shiftPage(req, ctx) else { return Self.redirect("/sign-in") }
            let form = try await Self.postedForm(req, s).fields
            guard let id = ctx.parameters.get("incidentId").flatMap(UUID.init(uuidString:)),
                let version = form["version"].flatMap(Int.init)
            else { throw WebPage(status: .notFound, title: "Not found", text: "There is no such incident.") }
            let principal = s.principal
            let now = clock()
            let failure: String? = try await pool.withConnection { c in
                try Self.check(c, principal, .incident, id)
                do {
                    guard let current = try IncidentStore.get(c, id: id) else { return "There is no such incident" }
                    _ = try IncidentStore.edit(
                        c, actor: principal.actor, incidentId: id, basedOn: version, status: .closed, current.draft,
                        now: now)
                    return nil
                } catch let error as StoreError { return error.message }
            }
            if let failure {
                var refused = IncidentForm()
                refused.errors.append(("close-\(id.uuidString.lowercased())", Self.sentence(failure)))
                return try await incidentsPage(s, premises, refused: refused, done: nil, status: .conflict)
            }
            return Self.redirect("/premises/\(premises.code)/incidents?done=closed")
        }
    }

    func reportIncident(
        _ s: WebSessionStore.Session, _ premises: Premises, _ form: [String: String], residents: [String]
    ) async throws -> Response {
        let zone = TimeZone(identifier: premises.timeZone) ?? API.london
        var refused = IncidentForm(typed: form, residents: Set(residents))
        var occurredAt: Date?
        let parts = (form["occurredAt"] ?? "").trimmingCharacters(in: .whitespaces).split(separator: " ")
        if parts.count == 2, let d = LocalDate(String(parts[0])), let t = LocalTime(String(parts[1])) {
            occurredAt = Zone.instant(d, t, in: zone)
        } else {
            refused.errors.append(("occurredAt", "Enter when it happened as YYYY-MM-DD HH:MM, like 2026-11-29 22:55"))
        }
        let category = form["category"].flatMap(IncidentCategory.init(rawValue:))
        if category == nil { refused.errors.append(("category", "Choose what kind of incident it was")) }
        let severity = form["severity"].flatMap(Severity.init(rawValue:))
        if severity == nil { refused.errors.append(("severity", "Choose how serious it was")) }
        let description = (form["description"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if description.isEmpty { refused.errors.append(("description", "Say what happened")) }
        guard let occurredAt, let category, let severity, refused.errors.isEmpty else {
            return try await incidentsPage(s, premises, refused: refused, done: nil, status: .badRequest)
        }
        let draft = IncidentDraft(
            occurredAt: occurredAt, location: (form["location"] ?? "").trimmingCharacters(in: .whitespaces),
            category: category, severity: severity, description: description,
            residentIds: residents.compactMap(UUID.init(uuidString:)))
        let principal = s.principal
        let now = clock()
        let failure: (field: String?, message: String)? = try await pool.withConnection { c in
            try Self.check(c, principal, premises: premises.id)
            do {
                _ = try IncidentStore.report(c, actor: principal.actor, premisesId: premises.id, draft, now: now)
                return nil
            } catch let error as StoreError { return (error.field, error.message) }
        }
        if let failure {
            let field =
                ["occurredAt", "description", "location"].contains(failure.field ?? "") ? failure.field! : "description"
            refused.errors.append((field, Self.sentence(failure.message)))
            return try await incidentsPage(s, premises, refused: refused, done: nil, status: .unprocessableContent)
        }
        return Self.redirect("/premises/\(premises.code)/incidents?done=reported")
    }

    func incidentsPage(
        _ s: WebSessionStore.Session, _ premises: Premises, refused: IncidentForm?, done: String?,
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let zone = TimeZone(identifier: premises.timeZone) ?? API.london
        let now = clock()
        let principal = s.principal
        let (incidents, roll) = try await pool.withConnection { c in
            try Self.check(c, principal, premises: premises.id)
            return try c.acting(as: principal.actor) { c in
                (
                    try IncidentStore.list(c, premisesId: premises.id, since: now.addingTimeInterval(-30 * 86_400)),
                    try MovementStore.roll(c, premisesId: premises.id, night: Zone.local(now, in: zone).date)
                )
            }
        }
        let label = { (raw: String) in raw.replacingOccurrences(of: "_", with: " ").capitalizedFirst }
        let when = { (d: Date) in
            let day = Zone.local(d, in: zone).date
            return "\(day.weekdayDayAndMonth) \(Zone.clockTime(d, in: zone))"
        }
        var model: [String: Any] = [
            "title": "\(premises.code): incidents", "premises": "\(premises.code) \(premises.name)",
            "code": premises.code, "csrf": s.csrf, "hasIncidents": !incidents.isEmpty,
            "incidents": incidents.map { i -> [String: Any] in
                [
                    "id": i.id.uuidString.lowercased(), "when": when(i.draft.occurredAt),
                    "what": "\(label(i.draft.category.rawValue)), \(i.draft.severity.rawValue)",
                    "status": label(i.status.rawValue).lowercased(), "version": i.version,
                    "description": i.draft.description, "open": i.status != .closed, "code": premises.code,
                    "csrf": s.csrf,
                ]
            },
            "categories": IncidentCategory.allCases.map {
                [
                    "value": $0.rawValue, "label": label($0.rawValue),
                    "chosen": refused?.typed["category"] == $0.rawValue,
                ]
            },
            "severities": Severity.allCases.map {
                [
                    "value": $0.rawValue, "label": label($0.rawValue),
                    "chosen": refused?.typed["severity"] == $0.rawValue,
                ]
            },
            "residents": roll.map {
                [
                    "id": $0.residentId.uuidString, "name": "\($0.name) (\($0.crn))",
                    "chosen": refused?.residents.contains($0.residentId.uuidString) ?? false,
                ]
            },
            "hasErrors": !(refused?.errors.isEmpty ?? true),
            "errors": (refused?.errors ?? []).map { ["field": $0.field, "message": $0.message] },
        ]
        for (field, message) in refused?.errors ?? [] where model[field + "Error"] == nil {
            model[field + "Error"] = message
        }
        for field in ["occurredAt", "location", "description"] {
            model["typed" + field.prefix(1).uppercased() + field.dropFirst()] = refused?.typed[field] ?? ""
        }
        if let done { model["done"] = done == "closed" ? "The incident is closed" : "The incident is reported" }
        return Self.page("incidents", model, s, premises, .incidents, status: status)
    }
}
