import APDomain
import APStore
import APWire
import Civil
import Foundation
import Hummingbird

/// Placements, their lifecycle, and the beds they hold. Each change is one operation taking the principal, called by
/// the API's route and by the pages alike, so that both make the same checks.
extension API {
    func placementRoutes(_ r: RouterGroup<APRequestContext>) {
        r.post("placements") { req, ctx in
            let new = try await req.body(NewPlacement.self, ctx, .manage)
            return JSONResponse(try await book(try ctx.who(), new), status: .created)
        }
        r.get("premises/{premisesId}/placements") { req, ctx in
            let id = try ctx.id("premisesId")
            let nights = try req.nights(default: today(), days: 1, max: 3660)
            let statuses = try req.list("status", of: PlacementStatus.self)
            return try JSONResponse(
                req.page(
                    try await run(ctx, .shift, premises: id) { c, _ in
                        try PlacementStore.list(c, premisesId: id, overlapping: nights, statuses: statuses)
                    }))
        }
        r.get("placements/{placementId}") { _, ctx in
            let id = try ctx.id("placementId")
            return JSONResponse(
                try await run(ctx, .shift, scope: (.placement, id)) { c, _ in try PlacementStore.get(c, id: id)! })
        }
        r.post("placements/{placementId}/arrive") { req, ctx in
            let id = try ctx.id("placementId")
            let body = try await req.body(Arrival.self, ctx, .shift)
            return JSONResponse(try await arrive(try ctx.who(), id, body))
        }
        r.post("placements/{placementId}/depart") { req, ctx in
            let id = try ctx.id("placementId")
            let body = try await req.body(Departure.self, ctx, .shift)
            return JSONResponse(try await depart(try ctx.who(), id, body))
        }
        r.post("placements/{placementId}/cancel") { req, ctx in
            let id = try ctx.id("placementId")
            let body = try await req.body(Cancellation.self, ctx, .manage)
            return JSONResponse(try await cancel(try ctx.who(), id, body))
        }
        r.post("placements/{placementId}/non-arrival") { req, ctx in
            let id = try ctx.id("placementId")
            let body = try await req.body(NonArrival.self, ctx, .shift)
            return JSONResponse(try await recordNonArrival(try ctx.who(), id, body))
        }
        r.post("placements/{placementId}/key-worker") { req, ctx in
            let id = try ctx.id("placementId")
            let body = try await req.body(KeyWorker.self, ctx, .manage)
            return JSONResponse(try await assignKeyWorker(try ctx.who(), id, body))
        }
        r.get("placements/{placementId}/bed-allocations") { req, ctx in
            let id = try ctx.id("placementId")
            return try JSONResponse(
                req.page(
                    try await run(ctx, .shift, scope: (.placement, id)) { c, _ in
                        try BedStore.allocations(c, placementId: id)
                    }))
        }
        r.post("placements/{placementId}/bed-allocations") { req, ctx in
            let id = try ctx.id("placementId")
            let body = try await req.body(NewAllocation.self, ctx, .manage)
            return JSONResponse(try await allocate(try ctx.who(), id, body), status: .created)
        }
        r.post("placements/{placementId}/bed-move") { req, ctx in
            let id = try ctx.id("placementId")
            let body = try await req.body(BedMove.self, ctx, .manage)
            return JSONResponse(try await moveBed(try ctx.who(), id, body), status: .created)
        }
    }

    func book(_ p: Principal, _ new: NewPlacement) async throws -> Placement {
        let nights = try Self.expected(new.expectedArrival, new.expectedDeparture)
        // The resident must be one the caller may see: added by, or placed at, a premises they work at.
        // A move from another premises is booked by an admin.
        var references = [Reference(.resident, new.residentId, "residentId")]
        if let keyWorker = new.keyWorkerId { references.append(Reference(.staff, keyWorker, "keyWorkerId")) }
        return try await run(p, .manage, premises: new.premisesId, references: references) { c, _ in
            try PlacementStore.create(
                c, residentId: new.residentId, premisesId: new.premisesId, expected: nights,
                keyWorkerId: new.keyWorkerId, notes: new.notes ?? "")
        }
    }

    func arrive(_ p: Principal, _ id: UUID, _ body: Arrival) async throws -> Placement {
        let now = clock()
        return try await run(p, .shift, scope: (.placement, id)) { c, _ in
            try PlacementStore.arrive(c, id: id, at: body.at ?? now, now: now)
        }
    }

    func depart(_ p: Principal, _ id: UUID, _ body: Departure) async throws -> Placement {
        let now = clock()
        return try await run(p, .shift, scope: (.placement, id)) { c, _ in
            try PlacementStore.depart(
                c, id: id, at: body.at ?? now, reason: body.reason, notes: body.notes ?? "", now: now)
        }
    }

    func cancel(_ p: Principal, _ id: UUID, _ body: Cancellation) async throws -> Placement {
        let now = clock()
        return try await run(p, .manage, scope: (.placement, id)) { c, _ in
            try PlacementStore.cancel(c, id: id, reason: body.reason, at: now)
        }
    }

    /// The shift records a non-arrival as it records an arrival: it is the shift that sees nobody come.
    func recordNonArrival(_ p: Principal, _ id: UUID, _ body: NonArrival) async throws -> Placement {
        let now = clock()
        return try await run(p, .shift, scope: (.placement, id)) { c, _ in
            try PlacementStore.recordNonArrival(c, id: id, reason: body.reason, at: now)
        }
    }

    func assignKeyWorker(_ p: Principal, _ id: UUID, _ body: KeyWorker) async throws -> Placement {
        let references = body.keyWorkerId.map { [Reference(.staff, $0, "keyWorkerId")] } ?? []
        return try await run(p, .manage, scope: (.placement, id), references: references) { c, _ in
            try PlacementStore.assignKeyWorker(c, id: id, keyWorkerId: body.keyWorkerId)
        }
    }

    func allocate(_ p: Principal, _ id: UUID, _ body: NewAllocation) async throws -> BedAllocation {
        let nights = try Self.nights(body.from, body.to)
        return try await run(p, .manage, scope: (.placement, id), references: [Reference(.bed, body.bedId, "bedId")]) {
            c, _ in try BedStore.allocate(c, placementId: id, bedId: body.bedId, nights: nights)
        }
    }

    func moveBed(_ p: Principal, _ id: UUID, _ body: BedMove) async throws -> BedAllocation {
        try await run(p, .manage, scope: (.placement, id), references: [Reference(.bed, body.bedId, "bedId")]) {
            c, _ in try BedStore.move(c, placementId: id, toBed: body.bedId, from: body.from)
        }
    }

    static func expected(_ arrival: LocalDate, _ departure: LocalDate) throws -> Nights {
        guard let nights = Nights(from: arrival, to: departure) else {
            throw Problem.invalid(
                "departure-before-arrival", "the expected departure must be after the expected arrival",
                field: "expectedDeparture")
        }
        return nights
    }
}
