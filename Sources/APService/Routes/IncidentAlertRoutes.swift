import APDomain
import APStore
import APWire
import Civil
import Foundation
import Hummingbird

/// Incidents (every edit a new version) and curfew alerts.
extension API {
    func incidentRoutes(_ r: RouterGroup<APRequestContext>) {
        r.post("premises/{premisesId}/incidents") { req, ctx in
            let id = try ctx.id("premisesId")
            let draft = try await req.body(IncidentDraft.self, ctx, .shift)
            let now = clock()
            return JSONResponse(
                try await run(ctx, .shift, premises: id) { c, p in
                    try IncidentStore.report(c, actor: p.actor, premisesId: id, draft, now: now)
                }, status: .created)
        }
        r.get("premises/{premisesId}/incidents") { req, ctx in
            let id = try ctx.id("premisesId")
            let since = try req.instant("since") ?? clock().addingTimeInterval(-30 * 86_400)
            return try JSONResponse(
                req.page(
                    try await run(ctx, .shift, premises: id) { c, _ in
                        try IncidentStore.list(c, premisesId: id, since: since)
                    }))
        }
        r.get("incidents/{incidentId}") { _, ctx in
            let id = try ctx.id("incidentId")
            return JSONResponse(
                try await run(ctx, .shift, scope: (.incident, id)) { c, _ in try IncidentStore.get(c, id: id)! })
        }
        r.get("incidents/{incidentId}/versions") { req, ctx in
            let id = try ctx.id("incidentId")
            return try JSONResponse(
                req.page(
                    try await run(ctx, .shift, scope: (.incident, id)) { c, _ in try IncidentStore.versions(c, id: id) }
                ))
        }
        r.post("incidents/{incidentId}/versions") { req, ctx in
            let id = try ctx.id("incidentId")
            let body = try await req.body(IncidentEdit.self, ctx, .shift)
            return JSONResponse(try await editIncident(try ctx.who(), id, body), status: .created)
        }
    }

    /// A new version of an incident, based on the version the editor saw (an edit of a stale one is refused).
    func editIncident(_ p: Principal, _ id: UUID, _ body: IncidentEdit) async throws -> Incident {
        let now = clock()
        return try await run(p, .shift, scope: (.incident, id)) { c, p in
            try IncidentStore.edit(
                c, actor: p.actor, incidentId: id, basedOn: body.basedOn, status: body.status, body.draft, now: now)
        }
    }

    func alertRoutes(_ r: RouterGroup<APRequestContext>) {
        r.get("premises/{premisesId}/alerts") { req, ctx in
            let id = try ctx.id("premisesId")
            let since = try req.date("since", default: today().adding(days: -7))
            let openOnly: Bool
            switch req.query("open") {
            case nil, "false": openOnly = false
            case "true": openOnly = true
            default: throw Problem.badRequest("bad-flag", "open is true or false", field: "open")
            }
            return try JSONResponse(
                req.page(
                    try await run(ctx, .shift, premises: id) { c, _ in
                        try AlertStore.list(c, premisesId: id, since: since, openOnly: openOnly)
                    }))
        }
        r.get("alerts/{alertId}") { _, ctx in
            let id = try ctx.id("alertId")
            return JSONResponse(
                try await run(ctx, .shift, scope: (.alert, id)) { c, _ in try AlertStore.get(c, id: id)! })
        }
        r.post("alerts/{alertId}/acknowledge") { req, ctx in
            let id = try ctx.id("alertId")
            let body = try await req.body(Acknowledging.self, ctx, .shift)
            return JSONResponse(
                try await run(ctx, .shift, scope: (.alert, id)) { c, p in
                    try AlertStore.acknowledge(
                        c, actor: p.actor, alertId: id, outcome: body.outcome, note: body.note ?? "")
                })
        }
        r.post("alerts") { req, ctx in
            let body = try await req.body(NewAlert.self, ctx, .worker)
            return JSONResponse(
                try await run(ctx, .worker, scope: (.placement, body.placementId)) { c, p in
                    guard
                        let alert = try AlertStore.raise(
                            c, actor: p.actor, placementId: body.placementId, night: body.night, kind: body.kind,
                            evidence: body.evidence ?? [], escalate: body.escalate ?? false)
                    else {
                        throw Problem(
                            .conflict, "alert-already-raised",
                            "an alert of this kind was already raised for this resident and night")
                    }
                    return alert
                }, status: .created)
        }
    }

    func occupancyRoutes(_ r: RouterGroup<APRequestContext>) {
        r.get("premises/{premisesId}/occupancy") { req, ctx in
            let id = try ctx.id("premisesId")
            let today = today()
            let nights = try req.nights(default: today.adding(days: -30), days: 60, max: 800)
            return try JSONResponse(
                req.page(
                    try await run(ctx, .manage, premises: id, replica: true) { c, _ in
                        try OccupancyStore.occupancy(c, premisesIds: [id], nights: nights, today: today)[id] ?? []
                    }))
        }
    }
}
