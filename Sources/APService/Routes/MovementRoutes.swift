import APDomain
import APStore
import APWire
import Civil
import Foundation
import Hummingbird

/// The sign-in/out log, its corrections, who is in now, and residents reporting to staff.
extension API {
    func movementRoutes(_ r: RouterGroup<APRequestContext>) {
        r.post("premises/{premisesId}/movements") { req, ctx in
            let id = try ctx.id("premisesId")
            let body = try await req.body(NewMovement.self, ctx, .shift)
            let now = clock()
            return JSONResponse(
                try await runStatement(ctx, .shift, premises: id) { a in
                    try MovementStore.record(a, premisesId: id, body, now: now)
                }, status: .created)
        }
        r.post("movements/{movementId}/void") { req, ctx in
            let id = try ctx.id("movementId")
            let body = try await req.body(Voiding.self, ctx, .shift)
            let now = clock()
            return JSONResponse(
                try await run(ctx, .shift, scope: (.movement, id)) { c, p in
                    try MovementStore.void(c, actor: p.actor, movementId: id, reason: body.reason, now: now)
                }, status: .created)
        }
        r.get("placements/{placementId}/movements") { req, ctx in
            let id = try ctx.id("placementId")
            return try JSONResponse(
                req.page(
                    try await run(ctx, .shift, scope: (.placement, id)) { c, _ in
                        try MovementStore.history(c, placementId: id)
                    }))
        }
        r.get("premises/{premisesId}/roll") { req, ctx in
            let id = try ctx.id("premisesId")
            let night = try req.date("night", default: today())
            return try JSONResponse(
                req.page(
                    try await runStatement(ctx, .shift, premises: id) { a in
                        try MovementStore.roll(a, premisesId: id, night: night)
                    }))
        }
        r.post("premises/{premisesId}/reports") { req, ctx in
            let id = try ctx.id("premisesId")
            let body = try await req.body(NewReport.self, ctx, .shift)
            return JSONResponse(try await recordReport(try ctx.who(), premisesId: id, body), status: .created)
        }
    }

    /// A resident reported to staff (a reporting condition's check-in), at `at` or now.
    func recordReport(_ p: Principal, premisesId: UUID, _ body: NewReport) async throws -> Reported {
        let now = clock()
        return try await run(p, .shift, premises: premisesId) { c, p in
            Reported(
                id: try ReportStore.record(
                    c, actor: p.actor, premisesId: premisesId, residentId: body.residentId, at: body.at,
                    note: body.note ?? "", now: now))
        }
    }
}
