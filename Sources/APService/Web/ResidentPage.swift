import APDomain
import APStore
import APWire
import Civil
import Foundation
import HTTPTypes
import Hummingbird

/// A resident's page: the record (its reading audited by ResidentStore.fullRecord), their placements, their
/// conditions with what each means in plain words, and their authorised absences; with the forms the role may use.
extension API {
    func residentPage(
        _ s: WebSessionStore.Session, _ premises: Premises, _ id: UUID, refused: Refused?, done: String?,
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let zone = zone(premises)
        let now = clock()
        let (record, absences) = try await run(s.principal, .shift, scope: (.resident, id)) { c, p in
            (
                try ResidentStore.fullRecord(c, actor: p.actor, id: id)!,
                try ConditionStore.absences(
                    c, residentIds: [id],
                    overlapping: DateInterval(start: now.addingTimeInterval(-30 * 86_400), duration: 400 * 86_400))[id]
                    ?? []
            )
        }
        let r = record.resident
        let name = "\(r.givenName) \(r.familyName)"
        let when = { (d: Date) in "\(Zone.local(d, in: zone).date.weekdayDayAndMonth) \(Zone.clockTime(d, in: zone))" }
        var facts: [[String: String]] = [
            ["key": "CRN", "value": r.crn.value], ["key": "Date of birth", "value": "\(r.dateOfBirth)"],
            ["key": "Gender", "value": r.gender.rawValue.spoken],
            ["key": "Risk of serious harm", "value": r.rosh.rawValue.spoken],
            [
                "key": "Probation practitioner",
                "value": [r.practitioner.name, r.practitioner.phone, r.practitioner.email]
                    .filter { !$0.isEmpty }.joined(separator: ", "),
            ],
        ]
        if let m = r.mappa { facts.append(["key": "MAPPA", "value": "category \(m.category), level \(m.level)"]) }
        if !r.contingencyPlan.isEmpty { facts.append(["key": "Contingency plan", "value": r.contingencyPlan]) }
        // Anonymised under the retention policy: what happened is kept, but the record is never changed again and
        // nobody is booked under it, so the page offers neither.
        if let at = r.anonymisedAt {
            facts.append(["key": "Anonymised", "value": "\(when(at)), under the retention policy"])
        }

        let mine = { (prefix: String) in refused?.form == prefix ? refused : nil }
        let formModel = { (form: WebForm, initial: [String: String]) -> [String: Any] in
            form.model(typed: mine(form.prefix)?.typed ?? [], initial: initial, errors: mine(form.prefix)?.errors ?? [])
        }
        let manages = s.principal.account.role != .staff && r.anonymisedAt == nil
        let today = today()
        let conditions = record.conditions.sorted { $0.startsOn > $1.startsOn }.map { c -> [String: Any] in
            let ended = c.endsOn.map { $0 <= today } ?? false
            let end = WebForm("end-\(c.id.lowercased)", ResidentForms.end.fields)
            var item: [String: Any] = [
                "id": c.id.lowercased, "kind": c.kind.rawValue.spoken, "source": c.source.rawValue.spoken,
                "nights": Wording.nights(from: c.startsOn, until: c.endsOn), "inForce": !ended,
                "mayChange": manages && !ended,
                "end": formModel(end, [:]),
            ]
            // An empty string is a true section to the template engine: leave out what there is none of.
            if !c.wording.isEmpty { item["wording"] = c.wording }
            if !Self.terms(c).isEmpty { item["details"] = Self.terms(c) }
            return item
        }
        let absenceRows = absences.sorted { $0.startsAt > $1.startsAt }.map { a -> [String: Any] in
            let withdraw = WebForm("withdraw-\(a.id.lowercased)", ResidentForms.withdraw.fields)
            var item: [String: Any] = [
                "id": a.id.lowercased, "during": "\(when(a.startsAt)) to \(when(a.endsAt))", "reason": a.reason,
                "approved": "\(a.approvedByName), \(a.approvedByRole)", "withdraw": formModel(withdraw, [:]),
                "mayWithdraw": a.withdrawnAt == nil && a.endsAt > now,
            ]
            if let w = a.withdrawnAt { item["withdrawn"] = when(w) }
            return item
        }
        var model: [String: Any] = [
            "title": name, "name": name, "residentId": id.lowercased, "facts": facts, "manages": manages,
            "placements": record.placements.map { p -> [String: String] in
                [
                    "id": p.id.lowercased, "stay": Wording.stay(from: p.expectedArrival, to: p.expectedDeparture),
                    "status": p.status.rawValue.spoken, "here": p.premisesId == premises.id ? "yes" : "",
                ]
            },
            "conditions": conditions, "hasConditions": !conditions.isEmpty, "absences": absenceRows,
            "hasAbsences": !absenceRows.isEmpty, "condition": formModel(ResidentForms.addCondition, [:]),
            "absence": formModel(ResidentForms.absence, [:]), "crn": r.crn.value,
            "hasErrors": !(refused?.errors.isEmpty ?? true),
            "errors": (refused?.errors ?? []).map { ["field": $0.field, "message": $0.message] },
        ]
        if let done {
            let said: [String: String] = [
                "added": "\(name) added. Book a placement for them next.", "condition-added": "Condition added",
                "condition-ended": "Condition ended", "condition-varied": "Condition varied",
                "edited": "Details changed: what they replaced is kept in the audit trail",
                "absence-added": "Absence recorded", "absence-withdrawn": "Absence withdrawn",
            ]
            if let text = said[done] { model["done"] = text }
        }
        return Self.page("resident", model, s, premises, .placements, status: status)
    }

    /// A condition's terms in words: "21:00 to 07:00, Mon, Fri", "reports at 12:00".
    static func terms(_ c: LicenceCondition) -> String {
        if let curfew = c.curfew {
            let windows = curfew.windows.map { "\($0.start) to \($0.end)" }.joined(separator: " and ")
            return "Curfew \(windows), \(curfew.days.map { EvidencePage.weekdays($0) } ?? "every night")"
        }
        if let reporting = c.reporting {
            let times = reporting.times.map { "\($0)" }.joined(separator: ", ")
            return "Reports to staff at \(times), \(reporting.days.map { EvidencePage.weekdays($0) } ?? "every day")"
        }
        return ""
    }

    func varyPage(
        _ s: WebSessionStore.Session, _ premises: Premises, _ residentId: UUID, _ conditionId: UUID, refused: Refused?
    ) async throws -> Response {
        let (resident, condition) = try await run(s.principal, .manage, scope: (.condition, conditionId)) { c, _ in
            (
                try ResidentStore.get(c, id: residentId),
                try ConditionStore.list(c, residentId: residentId)
                    .first { $0.id == conditionId }
            )
        }
        guard let resident, let condition else { throw Self.notHere }
        // The form starts from the terms in force, so that a variation changes only what it must.
        var initial: [String: String] = [
            "from": WebForm.typed(max(today(), condition.startsOn)), "replacement.kind": condition.kind.rawValue,
            "replacement.source": condition.source.rawValue,
            "replacement.startsOn": WebForm.typed(max(today(), condition.startsOn)),
            "replacement.wording": condition.wording,
        ]
        if let end = condition.endsOn { initial["replacement.endsOn"] = WebForm.typed(end) }
        for (i, w) in (condition.curfew?.windows ?? []).enumerated() {
            initial["replacement.curfew.windows[\(i)].start"] = "\(w.start)"
            initial["replacement.curfew.windows[\(i)].end"] = "\(w.end)"
        }
        for (i, t) in (condition.reporting?.times ?? []).enumerated() {
            initial["replacement.reporting.times[\(i)]"] = "\(t)"
        }
        var model = ResidentForms.vary.page(
            typed: refused?.typed ?? [], initial: initial, errors: refused?.errors ?? [])
        // The days chosen now: a checkbox group's initial value is several.
        let days = Set((condition.curfew?.days ?? condition.reporting?.days ?? []).map(String.init))
        if refused == nil, var f = model["f"] as? [String: Any] {
            for key in ["replacement_curfew_days", "replacement_reporting_days"] {
                guard var field = f[key] as? [String: Any], let options = field["options"] as? [[String: Any]] else {
                    continue
                }
                let isCurfew = key.contains("curfew") == (condition.curfew != nil)
                field["options"] = options.map { o in
                    var o = o
                    o["on"] = isCurfew && days.contains(o["value"] as? String ?? "")
                    return o
                }
                f[key] = field
            }
            model["f"] = f
        }
        // The replacement's fields by the names the condition's partial knows them by (without `replacement_`).
        let fields = model["f"] as? [String: Any] ?? [:]
        var replacement = Dictionary(
            uniqueKeysWithValues: fields.filter { $0.key.hasPrefix("replacement_") }.map {
                (String($0.key.dropFirst("replacement_".count)), $0.value)
            })
        replacement["curfewOpen"] = condition.curfew != nil
        model["r"] = replacement
        let name = "\(resident.givenName) \(resident.familyName)"
        model["title"] = "Vary \(name)'s \(condition.kind.rawValue.spoken.lowercased()) condition"
        model["name"] = name
        model["residentId"] = residentId.lowercased
        model["conditionId"] = conditionId.lowercased
        model["now"] = "\(Wording.nights(from: condition.startsOn, until: condition.endsOn)). \(Self.terms(condition))"
        return Self.page(
            "vary-condition", model, s, premises, .placements, status: refused == nil ? .ok : .unprocessableContent)
    }
}
