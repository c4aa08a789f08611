import APDomain
import APStore
import APWire
import Civil
import Foundation
import HTTPTypes
import Hummingbird

/// One incident's page: the version standing now, every version before it (who changed it and when), and a form
/// to update it or move it on (under review, closed). An update is a new version based on the one shown, through
/// the API's own operation: an update of a version someone else has changed meanwhile is refused, never merged.
extension API {
    static let incidentForm = WebForm(
        "update",
        [
            .init(name: "basedOn", label: "Version", kind: .number),
            .init(name: "status", label: "Status", kind: .radios(WebForm.Option.all(IncidentStatus.self))),
            .init(name: "draft.occurredAt", label: "When it happened", hint: "Like 29/11/2026 22:10", kind: .dateTime),
            .init(name: "draft.location", label: "Where"),
            .init(
                name: "draft.category", label: "What kind of incident",
                kind: .choice(WebForm.Option.all(IncidentCategory.self))),
            .init(name: "draft.severity", label: "How serious", kind: .radios(WebForm.Option.all(Severity.self))),
            .init(name: "draft.description", label: "What happened", kind: .lines),
            .init(name: "draft.immediateAction", label: "What was done at once", kind: .lines),
            .init(name: "draft.policeInformed", label: "Were the police told?", kind: .yesNo),
            .init(name: "draft.policeReference", label: "Police reference (if any)"),
        ])

    func incidentPageRoute(_ r: Router<APRequestContext>) {
        r.get("premises/{code}/incidents/{incidentId}") { req, ctx in
            guard let (s, premises) = try await shiftPage(req, ctx) else { return Self.redirect("/sign-in") }
            return try await incidentPage(
                s, premises, try Self.pathId(ctx, "incidentId"), refused: nil, done: req.query("done"))
        }
        r.post("premises/{code}/incidents/{incidentId}/update") { req, ctx in
            guard let (s, premises) = try await shiftPage(req, ctx) else { return Self.redirect("/sign-in") }
            let id = try Self.pathId(ctx, "incidentId")
            let pairs = try await Self.postedForm(req, s)
            let form = Self.incidentForm
            let outcome = try await attempt(form) {
                var edit = try form.read(IncidentEdit.self, pairs, zone: zone(premises), today: today())
                // What the form does not show is carried over from the version it is based on: the residents and
                // staff named, and the follow-ups.
                let current = try await run(s.principal, .shift, scope: (.incident, id)) { c, _ in
                    try IncidentStore.get(c, id: id)!
                }
                edit.draft.residentIds = pairs.filter { $0.0 == "resident" }.compactMap { UUID(uuidString: $0.1) }
                edit.draft.staffIds = current.draft.staffIds
                edit.draft.followUps = current.draft.followUps
                return try await editIncident(s.principal, id, edit)
            }
            guard case .failure(let refusal) = outcome else {
                return Self.redirect("/premises/\(premises.code)/incidents/\(id.lowercased)?done=updated")
            }
            return try await incidentPage(
                s, premises, id, refused: Refused(form: form.prefix, typed: pairs, errors: refusal.errors), done: nil,
                status: .unprocessableContent)
        }
    }

    func incidentPage(
        _ s: WebSessionStore.Session, _ premises: Premises, _ id: UUID, refused: Refused?, done: String?,
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let zone = zone(premises)
        let now = clock()
        let (versions, roll, staff) = try await run(s.principal, .shift, scope: (.incident, id)) { c, p in
            (
                try IncidentStore.versions(c, id: id),
                try MovementStore.roll(c, premisesId: premises.id, night: Zone.local(now, in: zone).date),
                try PasswordStore.accounts(c, premisesId: premises.id, now: now).compactMap { a -> (UUID, String)? in
                    a.account.staffId.map { ($0, a.account.name) }
                }
            )
        }
        guard let current = versions.max(by: { $0.version < $1.version }) else { throw Self.notHere }
        let when = { (d: Date) in "\(Zone.local(d, in: zone).date.weekdayDayAndMonth) \(Zone.clockTime(d, in: zone))" }
        let named = { (ids: [UUID]) -> String in
            let names = ids.map { id in
                roll.first { $0.residentId == id }.map { "\($0.name) (\($0.crn))" } ?? "a resident"
            }
            return names.isEmpty ? "none" : names.joined(separator: ", ")
        }
        let d = current.draft
        let local = Zone.local(d.occurredAt, in: zone)
        let initial: [String: String] = [
            "basedOn": "\(current.version)", "status": current.status.rawValue,
            "draft.occurredAt": "\(WebForm.typed(local.date)) \(Zone.clockTime(d.occurredAt, in: zone))",
            "draft.location": d.location, "draft.category": d.category.rawValue, "draft.severity": d.severity.rawValue,
            "draft.description": d.description, "draft.immediateAction": d.immediateAction,
            "draft.policeInformed": d.policeInformed ? "true" : "false",
            "draft.policeReference": d.policeReference ?? "",
        ]
        let typed = refused?.typed ?? []
        let chosen = Set(typed.isEmpty ? d.residentIds.map(\.uuidString) : typed.filter { $0.0 == "resident" }.map(\.1))
        var model = Self.incidentForm.page(typed: typed, initial: initial, errors: refused?.errors ?? [])
        model["title"] = "Incident: \(d.category.rawValue.spoken), \(when(d.occurredAt))"
        model["incidentId"] = id.lowercased
        model["facts"] = [
            ["key": "Status", "value": current.status.rawValue.spoken],
            ["key": "When", "value": when(d.occurredAt)],
            ["key": "Where", "value": d.location.isEmpty ? "not said" : d.location],
            ["key": "What kind", "value": d.category.rawValue.spoken],
            ["key": "How serious", "value": d.severity.rawValue.spoken],
            ["key": "What happened", "value": d.description],
            ["key": "Residents involved", "value": named(d.residentIds)],
            [
                "key": "Police told",
                "value": d.policeInformed ? "yes\(d.policeReference.map { ", reference \($0)" } ?? "")" : "no",
            ],
        ]
        model["versions"] = versions.sorted { $0.version > $1.version }.map { v -> [String: String] in
            [
                "version": "\(v.version)", "when": when(v.editedAt),
                "who": staff.first { $0.0 == v.editedBy }?.1 ?? "someone no longer here",
                "status": v.status.rawValue.spoken, "severity": v.draft.severity.rawValue.spoken,
                "description": v.draft.description,
            ]
        }
        model["residents"] = roll.map {
            [
                "id": $0.residentId.uuidString, "name": "\($0.name) (\($0.crn))",
                "chosen": chosen.contains($0.residentId.uuidString),
            ]
        }
        // Residents named who are no longer on the roll stay named: the form carries them unseen.
        model["kept"] = d.residentIds.filter { id in !roll.contains { $0.residentId == id } }.map {
            ["id": $0.uuidString]
        }
        if done == "updated" { model["done"] = "The incident is updated: version \(current.version)" }
        return Self.page("incident", model, s, premises, .incidents, status: status)
    }
}
