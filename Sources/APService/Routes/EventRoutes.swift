import APStore
import APWire
import Foundation
import Hummingbird

/// Events for other systems: every one after a cursor, in commit order. An integration keeps the cursor it was
/// last given and asks with it again, so that it misses none and sees none twice, whenever it stops.
extension API {
    func eventRoutes(_ r: RouterGroup<APRequestContext>) {
        r.get("events") { req, ctx in
            _ = try ctx.require(.events)
            let after =
                try req.query("after").map { text -> Int64 in
                    guard let n = Int64(text), n >= 0 else {
                        throw Problem.badRequest(
                            "bad-cursor", "after must be a cursor an earlier page gave, or 0 for the start",
                            field: "after")
                    }
                    return n
                } ?? 0
            let limit =
                try req.query("limit").map { text -> Int in
                    guard let n = Int(text), (1...1000).contains(n) else {
                        throw Problem.badRequest("bad-limit", "limit is 1 to 1000", field: "limit")
                    }
                    return n
                } ?? 500
            let events = try await run(ctx, .events) { c, _ in try DomainEventStore.after(c, id: after, limit: limit) }
            return JSONResponse(DomainEventPage(events: events, cursor: String(events.last?.id ?? after)))
        }
    }
}
