import APDomain
import APStore
import APWire
import Civil
import Foundation
import HTTPTypes
import Hummingbird

/// The shift's handover in the browser (part of issue 18): the summary since the last acknowledged handover, a note
/// for the next shift, and the acknowledgement; the same store calls as the API's.
extension API {
    func handoverPageRoutes(_ r: Router<APRequestContext>) {
        r.get("premises/{code}/handover") { req, ctx in
            guard let (s, premises) = try await shiftPage(req, ctx) else { return Self.redirect("/sign-in") }
            return try await handoverPage(s, premises, error: nil, typed: "", done: req.query("done"))
        }
        r.post("premises/{code}/handover/{action}") { req, ctx in
            guard let (s, premises) = try await shiftPage(req, ctx) else { return Self.redirect("/sign-in") }
            let form = try await Self.postedForm(req, s).fields
            let action = ctx.parameters.get("action") ?? ""
            guard ["notes", "acknowledge"].contains(action) else {
                throw WebPage(status: .notFound, title: "Not found", text: "There is no such page.")
            }
            let principal = s.principal
            let text = (form["text"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            let failure: String? = try await pool.withConnection { c in
                try Self.check(c, principal, premises: premises.id)
                do {
                    if action == "notes" {
                        _ = try HandoverStore.addNote(c, actor: principal.actor, premisesId: premises.id, text: text)
                    } else {
                        _ = try HandoverStore.acknowledge(c, actor: principal.actor, premisesId: premises.id)
                    }
                    return nil
                } catch let error as StoreError { return error.message }
            }
            if let failure {
                return try await handoverPage(
                    s, premises, error: Self.sentence(failure), typed: form["text"] ?? "", done: nil,
                    status: .unprocessableContent)
            }
            return Self.redirect("/premises/\(premises.code)/handover?done=\(action)")
        }
    }

    func handoverPage(
        _ s: WebSessionStore.Session, _ premises: Premises, error: String?, typed: String, done: String?,
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let zone = TimeZone(identifier: premises.timeZone) ?? API.london
        let now = clock()
        let principal = s.principal
        let h = try await pool.withConnection { c in
            try Self.check(c, principal, premises: premises.id)
            return try c.acting(as: principal.actor) { c in
                try HandoverStore.summary(c, premisesId: premises.id, now: now)
            }
        }
        let when = { (d: Date) in
            let day = Zone.local(d, in: zone).date
            return day == Zone.local(now, in: zone).date
                ? Zone.clockTime(d, in: zone) : "\(day.weekdayDayAndMonth) \(Zone.clockTime(d, in: zone))"
        }
        let today = Zone.local(now, in: zone).date
        var model: [String: Any] = [
            "title": "\(premises.code): handover", "premises": "\(premises.code) \(premises.name)",
            "code": premises.code, "csrf": s.csrf, "tonight": h.tonight.weekdayDayAndMonth,
            "since": h.since.map { "Since the last handover at \(when($0))." }
                ?? "No handover has been acknowledged yet.",
            "outCount": h.out.count,
            "out": h.out.map { p in
                "\(p.name) (\(p.crn)), out since \(when(p.since))"
                    + (p.destination.isEmpty ? "" : " at \(p.destination)")
                    + (p.expectedBack.map { ", due back \(when($0))" + ($0 < now ? ": OVERDUE" : "") } ?? "")
            },
            "baseline": h.baselineCurfew.description,
            "curfews": h.extraCurfews.map {
                "\($0.name) (\($0.crn)): \($0.windows.map(\.description).joined(separator: ", "))"
            },
            "alertCount": h.alerts.count,
            "alerts": h.alerts.map { a in
                a.kind.rawValue.replacingOccurrences(of: "_", with: " ").capitalizedFirst
                    + ": \(a.residentName) (\(a.crn)), night of \(a.night.weekdayDayAndMonth)"
                    + (a.isOpen ? (a.escalate ? ", OPEN, ESCALATE" : ", open") : "")
            },
            "incidentCount": h.incidents.count,
            "incidents": h.incidents.map {
                "\(when($0.draft.occurredAt)): \($0.draft.category.rawValue.replacingOccurrences(of: "_", with: " ")), "
                    + "\($0.draft.severity.rawValue), \($0.status.rawValue.replacingOccurrences(of: "_", with: " "))"
            },
            "due": h.arrivalsDue.map {
                ($0.expectedArrival < today
                    ? "OVERDUE arrival, due \($0.expectedArrival.weekdayDayAndMonth)" : "Arriving")
                    + ": \($0.name) (\($0.crn))"
            }
                + h.departuresDue.map {
                    ($0.expectedDeparture < today
                        ? "OVERDUE departure, due \($0.expectedDeparture.weekdayDayAndMonth)" : "Leaving")
                        + ": \($0.name) (\($0.crn))"
                },
            "beds": "\(h.freeBeds.count) free (\(h.freeBeds.map(\.code).joined(separator: ", "))), "
                + "\(h.outOfService.count) out of service",
            "noteCount": h.notes.count,
            "notes": h.notes.map { "\(when($0.writtenAt)), \($0.writtenBy ?? "someone"): \($0.text)" },
            "typedText": typed, "hasErrors": error != nil,
            "errors": error.map { [["field": "text", "message": $0]] } ?? [],
        ]
        if let error { model["textError"] = error }
        if let done { model["done"] = done == "notes" ? "The note is added" : "Handover acknowledged" }
        return Self.page("handover", model, s, premises, .handover, status: status)
    }
}
