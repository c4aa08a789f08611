import APDomain
import APStore
import APWire
import Civil
import Foundation
import Hummingbird

/// Premises, rooms, beds, out-of-service periods, free beds and the bed board.
extension API {
    func premisesRoutes(_ r: RouterGroup<APRequestContext>) {
        r.get("premises") { req, ctx in
            let page = try await run(ctx, .anyone) { c, p in
                try PremisesStore.list(c, ids: p.premisesIds.map { Array($0) })
            }
            return try JSONResponse(req.page(page))
        }
        r.post("premises") { req, ctx in
            let new = try await req.body(NewPremises.self, ctx, .admin)
            return JSONResponse(try await createPremises(try ctx.who(), new), status: .created)
        }
        r.get("premises/{premisesId}") { _, ctx in
            let id = try ctx.id("premisesId")
            return JSONResponse(try await run(ctx, .anyone, premises: id) { c, _ in try PremisesStore.get(c, id: id)! })
        }
        r.post("premises/{premisesId}/rooms") { req, ctx in
            let id = try ctx.id("premisesId")
            let new = try await req.body(NewRoom.self, ctx, .manage)
            return JSONResponse(try await addRoom(try ctx.who(), premisesId: id, new), status: .created)
        }
        r.get("premises/{premisesId}/beds") { req, ctx in
            let id = try ctx.id("premisesId")
            return try JSONResponse(
                req.page(
                    try await run(ctx, .anyone, premises: id) { c, _ in try PremisesStore.beds(c, premisesId: id) }))
        }
        r.post("premises/{premisesId}/beds") { req, ctx in
            let id = try ctx.id("premisesId")
            let new = try await req.body(NewBed.self, ctx, .manage)
            return JSONResponse(try await addBed(try ctx.who(), premisesId: id, new), status: .created)
        }
        r.post("beds/{bedId}/close") { req, ctx in
            let id = try ctx.id("bedId")
            let body = try await req.body(CloseBed.self, ctx, .manage)
            return JSONResponse(
                try await run(ctx, .manage, scope: (.bed, id)) { c, _ in
                    try PremisesStore.closeBed(c, bedId: id, from: body.from)
                    return try PremisesStore.bed(c, id: id)!
                })
        }
        r.get("beds/{bedId}/out-of-service") { req, ctx in
            let id = try ctx.id("bedId")
            return try JSONResponse(
                req.page(
                    try await run(ctx, .anyone, scope: (.bed, id)) { c, _ in
                        try BedStore.outOfServiceHistory(c, bedId: id)
                    }))
        }
        r.post("beds/{bedId}/out-of-service") { req, ctx in
            let id = try ctx.id("bedId")
            let body = try await req.body(NewPeriod.self, ctx, .manage)
            return JSONResponse(try await putOutOfService(try ctx.who(), id, body), status: .created)
        }
        r.post("out-of-service/{periodId}/revise") { req, ctx in
            let id = try ctx.id("periodId")
            let body = try await req.body(NewPeriod.self, ctx, .manage)
            return JSONResponse(try await revise(try ctx.who(), id, body), status: .created)
        }
        r.post("out-of-service/{periodId}/withdraw") { req, ctx in
            let id = try ctx.id("periodId")
            let body = try await req.body(Withdrawal.self, ctx, .manage)
            try await withdrawPeriod(try ctx.who(), id, body)
            return Response(status: .noContent)
        }
        r.get("premises/{premisesId}/free-beds") { req, ctx in
            let id = try ctx.id("premisesId")
            let nights = try req.nights(default: today(), days: 1)
            let requiring = try req.list("requiring", of: RoomCharacteristic.self)
            return try JSONResponse(
                req.page(
                    try await run(ctx, .shift, premises: id) { c, _ in
                        try BedStore.freeBeds(c, premisesId: id, nights: nights, requiring: requiring)
                    }))
        }
        r.get("premises/{premisesId}/bed-board") { req, ctx in
            let id = try ctx.id("premisesId")
            let nights = try req.nights(default: today(), days: 14, max: 92)
            return try JSONResponse(
                req.page(
                    try await run(ctx, .shift, premises: id) { c, _ in
                        try BedStore.board(c, premisesId: id, nights: nights)
                    }))
        }
    }

    func createPremises(_ p: Principal, _ new: NewPremises) async throws -> Premises {
        try await run(p, .admin) { c, _ in try PremisesStore.create(c, new) }
    }

    func addRoom(_ p: Principal, premisesId: UUID, _ new: NewRoom) async throws -> Room {
        try await run(p, .manage, premises: premisesId) { c, _ in
            try PremisesStore.addRoom(
                c, premisesId: premisesId, code: new.code, characteristics: new.characteristics ?? [])
        }
    }

    func addBed(_ p: Principal, premisesId: UUID, _ new: NewBed) async throws -> Bed {
        try await run(p, .manage, premises: premisesId, references: [Reference(.room, new.roomId, "roomId")]) {
            c, _ in
            guard try ScopeStore.premises(c, of: .room, id: new.roomId) == [premisesId] else {
                throw Problem.invalid("room-other-premises", "that room is at another premises", field: "roomId")
            }
            return try PremisesStore.addBed(c, roomId: new.roomId, code: new.code, openedOn: new.openedOn)
        }
    }

    func putOutOfService(_ p: Principal, _ bedId: UUID, _ body: NewPeriod) async throws -> OutOfServicePeriod {
        let nights = try Self.nights(body.from, body.to)
        return try await run(p, .manage, scope: (.bed, bedId)) { c, p in
            try BedStore.putOutOfService(
                c, bedId: bedId, nights: nights, reason: body.reason, notes: body.notes ?? "",
                recordedBy: p.account.staffId)
        }
    }

    func revise(_ p: Principal, _ id: UUID, _ body: NewPeriod) async throws -> OutOfServicePeriod {
        let nights = try Self.nights(body.from, body.to)
        return try await run(p, .manage, scope: (.outOfServicePeriod, id)) { c, p in
            try BedStore.revise(
                c, periodId: id, nights: nights, reason: body.reason, notes: body.notes ?? "", by: p.account.staffId)
        }
    }

    func withdrawPeriod(_ p: Principal, _ id: UUID, _ body: Withdrawal) async throws {
        try await run(p, .manage, scope: (.outOfServicePeriod, id)) { c, p in
            try BedStore.withdraw(c, periodId: id, reason: body.reason, by: p.account.staffId)
        }
    }

    /// Nights from a body's `from` and `to`, or 422.
    static func nights(_ from: LocalDate, _ to: LocalDate) throws -> Nights {
        guard let nights = Nights(from: from, to: to) else {
            throw Problem.invalid(
                "empty-range", "to must be after from (to is the morning after the last night)", field: "to")
        }
        return nights
    }

    /// Today's date in England and Wales, where every premises is.
    func today() -> LocalDate { Zone.local(clock(), in: API.london).date }

    /// The night staff mean by "tonight" at a premises (CurfewNight.tonight: its own curfew in progress or next
    /// to begin), as the handover, the API's `tonight` and `ap` have it.
    func tonight(_ p: Premises) -> LocalDate {
        let zone = TimeZone(identifier: p.timeZone) ?? API.london
        guard let baseline = CurfewWindow(start: p.curfewStart, end: p.curfewEnd) else {
            return Zone.local(clock(), in: zone).date
        }
        return CurfewNight.tonight(at: clock(), in: zone, baseline: baseline)
    }
    static let london = TimeZone(identifier: "Europe/London")!
}
