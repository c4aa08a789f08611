import APStore
import APWire
import Foundation
import Hummingbird

/// The shift handover: its summary, the outgoing shift's notes, and the incoming shift's acknowledgement.
extension API {
    func handoverRoutes(_ r: RouterGroup<APRequestContext>) {
        r.get("premises/{premisesId}/handover") { _, ctx in
            let id = try ctx.id("premisesId")
            let now = clock()
            return JSONResponse(
                try await run(ctx, .shift, premises: id) { c, _ in
                    try HandoverStore.summary(c, premisesId: id, now: now)
                })
        }
        r.post("premises/{premisesId}/handover/notes") { req, ctx in
            let id = try ctx.id("premisesId")
            let body = try await req.body(NewNote.self, ctx, .shift)
            return JSONResponse(
                try await run(ctx, .shift, premises: id) { c, p in
                    try HandoverStore.addNote(c, actor: p.actor, premisesId: id, text: body.text)
                }, status: .created)
        }
        r.post("premises/{premisesId}/handover/acknowledge") { _, ctx in
            let id = try ctx.id("premisesId")
            return JSONResponse(
                try await run(ctx, .shift, premises: id) { c, p in
                    try HandoverStore.acknowledge(c, actor: p.actor, premisesId: id)
                },
                status: .created)
        }
        r.get("premises/{premisesId}/handovers") { req, ctx in
            let id = try ctx.id("premisesId")
            return try JSONResponse(
                req.page(
                    try await run(ctx, .shift, premises: id) { c, _ in try HandoverStore.history(c, premisesId: id) }))
        }
    }
}
