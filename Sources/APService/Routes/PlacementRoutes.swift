import APDomain
import APStore
import APWire
import Civil
import Foundation
import Hummingbird

/// Placements, their lifecycle, and the beds they hold.
extension API {
    func placementRoutes(_ r: RouterGroup<APRequestContext>) {
        r.post("placements") { req, ctx in
            let new = try await req.body(NewPlacement.self, ctx, .manage)
            let nights = try Self.expected(new.expectedArrival, new.expectedDeparture)
            // The resident must be one the caller may see: added by, or placed at, a premises they work at.
            // A move from another premises is booked by an admin.
            var references = [Reference(.resident, new.residentId, "residentId")]
            if let keyWorker = new.keyWorkerId { references.append(Reference(.staff, keyWorker, "keyWorkerId")) }
            return JSONResponse(
                try await run(ctx, .manage, premises: new.premisesId, references: references) { c, _ in
                    try PlacementStore.create(
                        c, residentId: new.residentId, premisesId: new.premisesId, expected: nights,
                        keyWorkerId: new.keyWorkerId, notes: new.notes ?? "")
                }, status: .created)
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
            let now = clock()
            return JSONResponse(
                try await run(ctx, .shift, scope: (.placement, id)) { c, _ in
                    try PlacementStore.arrive(c, id: id, at: body.at ?? now, now: now)
                })
        }
        r.post("placements/{placementId}/depart") { req, ctx in
            let id = try ctx.id("placementId")
            let body = try await req.body(Departure.self, ctx, .shift)
            let now = clock()
            return JSONResponse(
                try await run(ctx, .shift, scope: (.placement, id)) { c, _ in
                    try PlacementStore.depart(c, id: id, at: body.at ?? now, reason: body.reason, now: now)
                })
        }
        r.post("placements/{placementId}/cancel") { req, ctx in
            let id = try ctx.id("placementId")
            let body = try await req.body(Cancellation.self, ctx, .manage)
            let now = clock()
            return JSONResponse(
                try await run(ctx, .manage, scope: (.placement, id)) { c, _ in
                    try PlacementStore.cancel(c, id: id, reason: body.reason, at: now)
                })
        }
        // The shift records a non-arrival as it records an arrival: it is the shift that sees nobody come.
        r.post("placements/{placementId}/non-arrival") { req, ctx in
            let id = try ctx.id("placementId")
            let body = try await req.body(NonArrival.self, ctx, .shift)
            let now = clock()
            return JSONResponse(
                try await run(ctx, .shift, scope: (.placement, id)) { c, _ in
                    try PlacementStore.recordNonArrival(c, id: id, reason: body.reason, at: now)
                })
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
            let nights = try Self.nights(body.from, body.to)
            let bed = Reference(.bed, body.bedId, "bedId")
            return JSONResponse(
                try await run(ctx, .manage, scope: (.placement, id), references: [bed]) { c, _ in
                    try BedStore.allocate(c, placementId: id, bedId: body.bedId, nights: nights)
                }, status: .created)
        }
        r.post("placements/{placementId}/bed-move") { req, ctx in
            let id = try ctx.id("placementId")
            let body = try await req.body(BedMove.self, ctx, .manage)
            let bed = Reference(.bed, body.bedId, "bedId")
            return JSONResponse(
                try await run(ctx, .manage, scope: (.placement, id), references: [bed]) { c, _ in
                    try BedStore.move(c, placementId: id, toBed: body.bedId, from: body.from)
                }, status: .created)
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
