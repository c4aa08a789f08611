import APDomain
import APStore
import APWire
import Civil
import Foundation
import HTTPTypes
import Hummingbird

/// A resident in the browser: adding one, their record (reading it is audited, as in the API), their licence
/// conditions (add, vary, end) and authorised absences (add, withdraw). Managers add residents and change
/// conditions; the shift records absences, as through the API.
extension API {
    enum ResidentForms {
        static let new = WebForm([
            .init(name: "crn", label: "CRN", hint: "The case reference number, like X320741"),
            .init(name: "givenName", label: "Given name"),
            .init(name: "familyName", label: "Family name"),
            .init(name: "dateOfBirth", label: "Date of birth", hint: "For example, 27/3/1990", kind: .date),
            .init(name: "gender", label: "Gender", kind: .radios(WebForm.Option.all(Gender.self))),
            .init(name: "rosh", label: "Risk of serious harm", kind: .radios(WebForm.Option.all(RoSH.self))),
            .init(name: "mappa.category", label: "MAPPA category (if any)", hint: "1, 2 or 3", kind: .number),
            .init(name: "mappa.level", label: "MAPPA level (if any)", hint: "1, 2 or 3", kind: .number),
            .init(name: "practitioner.name", label: "Probation practitioner"),
            .init(name: "practitioner.phone", label: "Practitioner's phone (optional)", blank: ""),
            .init(name: "practitioner.email", label: "Practitioner's email (optional)", blank: ""),
            .init(
                name: "contingencyPlan", label: "Contingency plan (optional)",
                hint: "What staff do if they breach curfew or go missing", kind: .lines),
        ])

        /// The record's details as a manager corrects them: the new resident's form without the CRN.
        static let edit = WebForm("edit", new.fields.filter { $0.name != "crn" })

        static let weekdays = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
            .enumerated().map { WebForm.Option(value: "\($0.offset + 1)", label: $0.element) }

        /// A condition's fields; `under` puts them inside a variation's `replacement`.
        static func condition(_ prefix: String, under: String = "") -> [WebForm.Field] {
            let at = { (name: String) in under + name }
            var fields: [WebForm.Field] = [
                .init(name: at("kind"), label: "Condition", kind: .choice(WebForm.Option.all(ConditionKind.self))),
                .init(name: at("source"), label: "Set by", kind: .choice(WebForm.Option.all(ConditionSource.self))),
                .init(name: at("startsOn"), label: "First night", hint: "For example, 1/12/2026", kind: .date),
                .init(
                    name: at("endsOn"), label: "First night it no longer applies (optional)",
                    hint: "Leave empty if it has no end", kind: .date),
                .init(name: at("wording"), label: "Wording (optional)", kind: .lines),
            ]
            for i in 0..<3 {
                let which = ["First", "Second", "Third"][i]
                fields.append(
                    .init(
                        name: at("curfew.windows[\(i)].start"), label: "When the \(which.lowercased()) curfew starts",
                        hint: "HH:MM, like 21:00",
                        kind: .time))
                fields.append(
                    .init(
                        name: at("curfew.windows[\(i)].end"), label: "When the \(which.lowercased()) curfew ends",
                        hint: "HH:MM, like 07:00",
                        kind: .time))
            }
            fields.append(
                .init(
                    name: at("curfew.days"), label: "Curfew days", hint: "Leave all unticked for every night",
                    kind: .checkboxes(weekdays, numbers: true)))
            for i in 0..<3 {
                fields.append(
                    .init(
                        name: at("reporting.times[\(i)]"), label: "Reporting time \(i + 1)", hint: "HH:MM, like 12:00",
                        kind: .time))
            }
            fields.append(
                .init(
                    name: at("reporting.days"), label: "Reporting days", hint: "Leave all unticked for every day",
                    kind: .checkboxes(weekdays, numbers: true)))
            return fields
        }

        static let addCondition = WebForm("condition", condition("condition"))
        static let vary = WebForm(
            "vary",
            [.init(name: "from", label: "From the night of", hint: "The first night the new terms apply", kind: .date)]
                + condition("vary", under: "replacement."))
        static let end = WebForm(
            "end",
            [.init(name: "on", label: "First night it no longer applies", hint: "For example, 1/12/2026", kind: .date)])
        static let absence = WebForm(
            "absence",
            [
                .init(
                    name: "startsAt", label: "When the absence starts", hint: "Like 4/12/2026 18:00", kind: .dateTime),
                .init(name: "endsAt", label: "When they must be back", hint: "Like 6/12/2026 20:00", kind: .dateTime),
                .init(name: "reason", label: "Reason", kind: .lines),
                .init(name: "approvedByName", label: "Who approved it"),
                .init(name: "approvedByRole", label: "Their role", hint: "For example, probation practitioner"),
            ])
        static let withdraw = WebForm("withdraw", [.init(name: "reason", label: "Why it is withdrawn")])
    }

    /// Only the fields of the kind chosen: curfew times for a curfew, reporting times for reporting.
    static func conditionPairs(_ pairs: [(String, String)], under: String = "") -> [(String, String)] {
        let kind = pairs.fields[under + "kind"]
        return pairs.filter { name, _ in
            if name.hasPrefix(under + "curfew.") { return kind == ConditionKind.curfew.rawValue }
            if name.hasPrefix(under + "reporting.") { return kind == ConditionKind.reporting.rawValue }
            return true
        }
    }

    func residentPageRoutes(_ r: Router<APRequestContext>) {
        r.get("premises/{code}/residents/new") { req, ctx in
            guard let (s, premises) = try await shiftPage(req, ctx) else { return Self.redirect("/sign-in") }
            try Self.require(.manage, s)
            return newResidentPage(s, premises, typed: [], errors: [])
        }
        r.post("premises/{code}/residents/new") { req, ctx in
            guard let (s, premises) = try await shiftPage(req, ctx) else { return Self.redirect("/sign-in") }
            try Self.require(.manage, s)
            let pairs = try await Self.postedForm(req, s)
            let form = ResidentForms.new
            let outcome = try await attempt(form) {
                var new = try form.read(NewResident.self, pairs, zone: zone(premises), today: today())
                new.premisesId = premises.id
                return try await addResident(s.principal, new)
            }
            switch outcome {
            case .success(let resident):
                return Self.redirect("/premises/\(premises.code)/residents/\(resident.id.lowercased)?done=added")
            case .failure(let refusal):
                return newResidentPage(s, premises, typed: pairs, errors: refusal.errors, status: .unprocessableContent)
            }
        }
        r.get("premises/{code}/residents/{residentId}") { req, ctx in
            guard let (s, premises) = try await shiftPage(req, ctx) else { return Self.redirect("/sign-in") }
            return try await residentPage(
                s, premises, try Self.pathId(ctx, "residentId"), refused: nil, done: req.query("done"))
        }
        r.get("premises/{code}/residents/{residentId}/conditions/{conditionId}/vary") { req, ctx in
            guard let (s, premises) = try await shiftPage(req, ctx) else { return Self.redirect("/sign-in") }
            try Self.require(.manage, s)
            return try await varyPage(
                s, premises, try Self.pathId(ctx, "residentId"), try Self.pathId(ctx, "conditionId"), refused: nil)
        }
        r.get("premises/{code}/residents/{residentId}/edit") { req, ctx in
            guard let (s, premises) = try await shiftPage(req, ctx) else { return Self.redirect("/sign-in") }
            try Self.require(.manage, s)
            return try await editResidentPage(s, premises, try Self.pathId(ctx, "residentId"), typed: [], errors: [])
        }
        r.post("premises/{code}/residents/{residentId}/edit") { req, ctx in
            guard let (s, premises) = try await shiftPage(req, ctx) else { return Self.redirect("/sign-in") }
            try Self.require(.manage, s)
            let id = try Self.pathId(ctx, "residentId")
            let pairs = try await Self.postedForm(req, s)
            let form = ResidentForms.edit
            let outcome = try await attempt(form) {
                try await updateResident(
                    s.principal, id, try form.read(ResidentDetails.self, pairs, zone: zone(premises), today: today()))
            }
            guard case .failure(let refusal) = outcome else {
                return Self.redirect("/premises/\(premises.code)/residents/\(id.lowercased)?done=edited")
            }
            return try await editResidentPage(s, premises, id, typed: pairs, errors: refusal.errors)
        }
        residentChangeRoutes(r)
    }

    func editResidentPage(
        _ s: WebSessionStore.Session, _ premises: Premises, _ id: UUID, typed: [(String, String)],
        errors: [(field: String, message: String)]
    ) async throws -> Response {
        let r = try await run(s.principal, .manage, scope: (.resident, id)) { c, _ in try ResidentStore.get(c, id: id)!
        }
        var initial: [String: String] = [
            "givenName": r.givenName, "familyName": r.familyName, "dateOfBirth": WebForm.typed(r.dateOfBirth),
            "gender": r.gender.rawValue, "rosh": r.rosh.rawValue, "practitioner.name": r.practitioner.name,
            "practitioner.phone": r.practitioner.phone, "practitioner.email": r.practitioner.email,
            "contingencyPlan": r.contingencyPlan,
        ]
        if let m = r.mappa {
            initial["mappa.category"] = "\(m.category)"
            initial["mappa.level"] = "\(m.level)"
        }
        var model = ResidentForms.edit.page(typed: typed, initial: initial, errors: errors)
        model["title"] = "Change \(r.givenName) \(r.familyName)'s details"
        model["residentId"] = id.lowercased
        model["crn"] = r.crn.value
        return Self.page(
            "edit-resident", model, s, premises, .placements, status: errors.isEmpty ? .ok : .unprocessableContent)
    }

    func residentChangeRoutes(_ r: Router<APRequestContext>) {
        let path = "premises/{code}/residents/{residentId}"
        r.post("\(path)/conditions") { req, ctx in
            try await residentChange(req, ctx, ResidentForms.addCondition, .manage) { s, id, pairs, zone, form in
                let pairs = Self.conditionPairs(pairs)
                _ = try await addCondition(
                    s.principal, id, try form.read(NewCondition.self, pairs, zone: zone, today: today()))
                return "condition-added"
            }
        }
        r.post("\(path)/conditions/{conditionId}/end") { req, ctx in
            let condition = try Self.pathId(ctx, "conditionId")
            return try await residentChange(req, ctx, ResidentForms.end, .manage, row: condition) {
                s, _, pairs, zone, form in
                try await end(s.principal, condition, try form.read(Ending.self, pairs, zone: zone, today: today()))
                return "condition-ended"
            }
        }
        r.post("\(path)/conditions/{conditionId}/vary") { req, ctx in
            guard let (s, premises) = try await shiftPage(req, ctx) else { return Self.redirect("/sign-in") }
            try Self.require(.manage, s)
            let resident = try Self.pathId(ctx, "residentId")
            let condition = try Self.pathId(ctx, "conditionId")
            let pairs = Self.conditionPairs(try await Self.postedForm(req, s), under: "replacement.")
            let form = ResidentForms.vary
            let outcome = try await attempt(form) {
                try await vary(
                    s.principal, condition, try form.read(Variation.self, pairs, zone: zone(premises), today: today()))
            }
            if case .failure(let refusal) = outcome {
                return try await varyPage(
                    s, premises, resident, condition,
                    refused: Refused(form: "vary", typed: pairs, errors: refusal.errors))
            }
            return Self.redirect("/premises/\(premises.code)/residents/\(resident.lowercased)?done=condition-varied")
        }
        r.post("\(path)/absences") { req, ctx in
            try await residentChange(req, ctx, ResidentForms.absence, .shift) { s, id, pairs, zone, form in
                _ = try await addAbsence(
                    s.principal, id, try form.read(NewAbsence.self, pairs, zone: zone, today: today()))
                return "absence-added"
            }
        }
        r.post("\(path)/absences/{absenceId}/withdraw") { req, ctx in
            let absence = try Self.pathId(ctx, "absenceId")
            return try await residentChange(req, ctx, ResidentForms.withdraw, .shift, row: absence) {
                s, _, pairs, zone, form in
                try await withdrawAbsence(
                    s.principal, absence, try form.read(Withdrawal.self, pairs, zone: zone, today: today()))
                return "absence-withdrawn"
            }
        }
    }

    /// One of the resident page's forms posted: the role judged first, then the change; a refusal shows on the
    /// resident's page, beside the form of the row it came from (`row`: a condition's or an absence's id).
    func residentChange(
        _ req: Request, _ ctx: APRequestContext, _ form: WebForm, _ access: Access, row: UUID? = nil,
        _ change:
            @escaping (WebSessionStore.Session, UUID, [(String, String)], TimeZone, WebForm) async throws -> String
    ) async throws -> Response {
        guard let (s, premises) = try await shiftPage(req, ctx) else { return Self.redirect("/sign-in") }
        try Self.require(access, s)
        let id = try Self.pathId(ctx, "residentId")
        let pairs = try await Self.postedForm(req, s)
        // A row's form (ending one condition, withdrawing one absence) has ids of its own on the page.
        let form = row.map { WebForm("\(form.prefix)-\($0.lowercased)", form.fields) } ?? form
        let outcome = try await attempt(form) { try await change(s, id, pairs, zone(premises), form) }
        switch outcome {
        case .success(let done):
            return Self.redirect("/premises/\(premises.code)/residents/\(id.lowercased)?done=\(done)")
        case .failure(let refusal):
            return try await residentPage(
                s, premises, id, refused: Refused(form: form.prefix, typed: pairs, errors: refusal.errors), done: nil,
                status: .unprocessableContent)
        }
    }

    func newResidentPage(
        _ s: WebSessionStore.Session, _ premises: Premises, typed: [(String, String)],
        errors: [(field: String, message: String)], status: HTTPResponse.Status = .ok
    ) -> Response {
        var model = ResidentForms.new.page(typed: typed, errors: errors)
        model["title"] = "Add a new resident"
        return Self.page("new-resident", model, s, premises, .placements, status: status)
    }
}
