import APDomain
import APStore
import APWire
import Civil
import Foundation
import Hummingbird

/// Residents, their licence conditions and authorised absences. Every read of a resident's details is
/// recorded in the audit trail under the account that made it.
extension API {
    func residentRoutes(_ r: RouterGroup<APRequestContext>) {
        r.post("residents") { req, ctx in
            let new = try await req.body(NewResident.self, ctx, .manage)
            return JSONResponse(try await addResident(try ctx.who(), new), status: .created)
        }
        r.get("residents") { req, ctx in
            _ = try ctx.require(.shift)
            guard let text = req.query("crn") else {
                throw Problem.badRequest("missing-parameter", "give crn, like ?crn=X320741", field: "crn")
            }
            guard let crn = CRN(text) else { throw Problem.badRequest("crn-format", CRN.rule, field: "crn") }
            return try JSONResponse(
                req.page(
                    try await run(ctx, .shift) { c, p in
                        guard let resident = try ResidentStore.get(c, crn: crn) else { return [Resident]() }
                        // Someone at another premises gets the same empty answer as for a CRN that is not known.
                        do { try Self.check(c, p, .resident, resident.id) } catch is Problem { return [] }
                        try AuditStore.recordRead(c, actor: p.actor, table: "residents", rowId: resident.id)
                        return [resident]
                    }))
        }
        r.get("residents/{residentId}") { _, ctx in
            let id = try ctx.id("residentId")
            return JSONResponse(
                try await run(ctx, .shift, scope: (.resident, id)) { c, p in
                    try ResidentStore.fullRecord(c, actor: p.actor, id: id)!
                })
        }
        r.put("residents/{residentId}") { req, ctx in
            let id = try ctx.id("residentId")
            let body = try await req.body(ResidentDetails.self, ctx, .manage)
            return JSONResponse(try await updateResident(try ctx.who(), id, body))
        }
        r.get("residents/{residentId}/conditions") { req, ctx in
            let id = try ctx.id("residentId")
            return try JSONResponse(
                req.page(
                    try await run(ctx, .shift, scope: (.resident, id)) { c, _ in
                        try ConditionStore.list(c, residentId: id)
                    }))
        }
        r.post("residents/{residentId}/conditions") { req, ctx in
            let id = try ctx.id("residentId")
            let new = try await req.body(NewCondition.self, ctx, .manage)
            return JSONResponse(try await addCondition(try ctx.who(), id, new), status: .created)
        }
        r.post("conditions/{conditionId}/vary") { req, ctx in
            let id = try ctx.id("conditionId")
            let body = try await req.body(Variation.self, ctx, .manage)
            return JSONResponse(try await vary(try ctx.who(), id, body), status: .created)
        }
        r.post("conditions/{conditionId}/end") { req, ctx in
            let id = try ctx.id("conditionId")
            let body = try await req.body(Ending.self, ctx, .manage)
            try await end(try ctx.who(), id, body)
            return Response(status: .noContent)
        }
        r.get("residents/{residentId}/absences") { req, ctx in
            let id = try ctx.id("residentId")
            let from = try req.instant("from") ?? clock().addingTimeInterval(-7 * 86_400)
            let to = try req.instant("to") ?? clock().addingTimeInterval(30 * 86_400)
            guard to > from else { throw Problem.invalid("empty-range", "to must be after from", field: "to") }
            return try JSONResponse(
                req.page(
                    try await run(ctx, .shift, scope: (.resident, id)) { c, _ in
                        try ConditionStore.absences(
                            c, residentIds: [id], overlapping: DateInterval(start: from, end: to))[id] ?? []
                    }))
        }
        r.post("residents/{residentId}/absences") { req, ctx in
            let id = try ctx.id("residentId")
            let body = try await req.body(NewAbsence.self, ctx, .shift)
            return JSONResponse(try await addAbsence(try ctx.who(), id, body), status: .created)
        }
        r.post("absences/{absenceId}/withdraw") { req, ctx in
            let id = try ctx.id("absenceId")
            let body = try await req.body(Withdrawal.self, ctx, .shift)
            try await withdrawAbsence(try ctx.who(), id, body)
            return Response(status: .noContent)
        }
    }

    func addResident(_ p: Principal, _ new: NewResident) async throws -> Resident {
        try Access.manage.check(p)
        var new = new
        // The resident belongs to the premises adding them; an account at one premises need not say which.
        if new.premisesId == nil, let mine = p.premisesIds, mine.count == 1 { new.premisesId = mine.first }
        guard let premisesId = new.premisesId else {
            throw Problem.invalid(
                "premises-required", "say which premises is adding the resident: give premisesId", field: "premisesId")
        }
        let resident = new
        return try await run(p, .manage, premises: premisesId) { c, _ in try ResidentStore.create(c, resident) }
    }

    func updateResident(_ p: Principal, _ id: UUID, _ details: ResidentDetails) async throws -> Resident {
        try await run(p, .manage, scope: (.resident, id)) { c, _ in try ResidentStore.update(c, id: id, details) }
    }

    func addCondition(_ p: Principal, _ residentId: UUID, _ new: NewCondition) async throws -> LicenceCondition {
        try await run(p, .manage, scope: (.resident, residentId)) { c, p in
            try ConditionStore.add(c, actor: p.actor, residentId: residentId, new)
        }
    }

    func vary(_ p: Principal, _ id: UUID, _ body: Variation) async throws -> LicenceCondition {
        try await run(p, .manage, scope: (.condition, id)) { c, p in
            try ConditionStore.vary(c, actor: p.actor, conditionId: id, from: body.from, replacement: body.replacement)
        }
    }

    func end(_ p: Principal, _ id: UUID, _ body: Ending) async throws {
        try await run(p, .manage, scope: (.condition, id)) { c, p in
            try ConditionStore.end(c, actor: p.actor, conditionId: id, on: body.on)
        }
    }

    func addAbsence(_ p: Principal, _ residentId: UUID, _ body: NewAbsence) async throws -> AuthorisedAbsence {
        guard body.endsAt > body.startsAt else {
            throw Problem.invalid("absence-empty", "an absence ends after it starts", field: "endsAt")
        }
        return try await run(p, .shift, scope: (.resident, residentId)) { c, p in
            try ConditionStore.addAbsence(
                c, actor: p.actor, residentId: residentId, during: DateInterval(start: body.startsAt, end: body.endsAt),
                reason: body.reason, approvedBy: body.approvedByName, role: body.approvedByRole)
        }
    }

    func withdrawAbsence(_ p: Principal, _ id: UUID, _ body: Withdrawal) async throws {
        try await run(p, .shift, scope: (.absence, id)) { c, p in
            try ConditionStore.withdrawAbsence(c, actor: p.actor, absenceId: id, reason: body.reason)
        }
    }
}
