import APDomain
import APStore
import APWire
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import ServiceLifecycle

/// The live alert stream (Server-Sent Events): a premises' alerts raised, acknowledged or resolved as they
/// happen. Scoped and role-checked like every route, its opening audited. Each event carries its id: a client
/// that reconnects with Last-Event-ID gets what it missed from the alert_events table, exactly once.
extension API {
    func alertStreamRoutes(_ r: RouterGroup<APRequestContext>) {
        r.get("premises/{premisesId}/alerts/stream") { req, ctx in
            let id = try ctx.id("premisesId")
            let principal = try ctx.require(.shift)
            return try await alertStream(principal, premisesId: id, lastEventId: Result { try Self.lastEventId(req) })
        }
    }

    /// The pages' copy, for their EventSource (which sends the session cookie, not a token): the shift's roll and
    /// the managers' premises page.
    func alertStreamPageRoute(_ r: Router<APRequestContext>) {
        r.get("premises/{code}/alerts/stream") { req, ctx in
            guard let s = try await webSession(req) else {
                throw WebPage(status: .unauthorized, title: "Not signed in", text: "Sign in again to see alerts live.")
            }
            let premises = try await shiftPremises(s, ctx.parameters.get("code") ?? "")
            return try await alertStream(
                s.principal, premisesId: premises.id, lastEventId: Result { try Self.lastEventId(req) })
        }
    }

    static func lastEventId(_ req: Request) throws -> Int64? {
        guard let text = req.headers[HTTPField.Name("Last-Event-ID")!], !text.isEmpty else { return nil }
        guard let id = Int64(text), id >= 0 else {
            throw Problem.badRequest(
                "bad-last-event-id", "Last-Event-ID must be the id of an event this stream sent", field: "Last-Event-ID"
            )
        }
        return id
    }

    /// Opens the stream: joins the process's hub, then sends `ready`, what the client missed, and what happens.
    /// The premises is checked before the Last-Event-ID header is read: another premises is 403 whatever it says.
    func alertStream(_ principal: Principal, premisesId: UUID, lastEventId: Result<Int64?, any Error>) async throws
        -> Response
    {
        let (head, lastEventId) = try await pool.withConnection { c in
            try Self.check(c, principal, premises: premisesId)
            let last = try lastEventId.get()
            let head = try c.acting(as: principal.actor) { c in
                try AuditStore.recordRead(c, actor: principal.actor, table: "alert_stream", rowId: premisesId)
                return try AlertEventStore.head(c, premisesId: premisesId)
            }
            return (head, last)
        }
        let start = lastEventId ?? head
        // Joined before the catch-up is read: an event committed between the two is in one or the other (or
        // both, and sent once).
        let (token, live) = alerts.join(premisesId, after: head)
        let missed: [AlertEvent]
        do {
            missed = try await pool.withConnection { c in
                try c.acting(as: principal.actor) { c in
                    var missed: [AlertEvent] = []
                    var after = start
                    while true {
                        let page = try AlertEventStore.events(c, premisesId: premisesId, after: after)
                        missed += page
                        guard page.count == AlertEventStore.pageSize, let last = page.last else { return missed }
                        after = last.id
                    }
                }
            }
        } catch {
            alerts.leave(token)
            throw error
        }
        let hub = alerts
        var headers: HTTPFields = [.contentType: "text/event-stream", .cacheControl: "no-store"]
        // Told to proxies (nginx): pass each event on at once.
        headers[HTTPField.Name("X-Accel-Buffering")!] = "no"
        let ready = AlertStreamReady(premisesId: premisesId, lastEventId: start)
        return Response(
            status: .ok, headers: headers,
            body: ResponseBody { writer in
                defer { hub.leave(token) }
                try await writer.write(ByteBuffer(string: "retry: 2000\n\n"))
                try await writer.write(try Self.sse("ready", id: start, ready))
                var sent = start
                for event in missed where event.id > sent {
                    try await writer.write(try Self.sse(event.kind.rawValue, id: event.id, event))
                    sent = event.id
                }
                // A stream ends when the service stops, not only when the client goes: the server waits for
                // its requests to finish before it stops.
                try await withGracefulShutdownHandler {
                    for await item in live {
                        switch item {
                        case .heartbeat:
                            try await writer.write(ByteBuffer(string: ": alive\n\n"))
                        case .event(let event) where event.id > sent:
                            try await writer.write(try Self.sse(event.kind.rawValue, id: event.id, event))
                            sent = event.id
                        case .event:
                            continue
                        }
                    }
                } onGracefulShutdown: {
                    hub.leave(token)
                }
                try await writer.finish(nil)
            })
    }

    /// One event as Server-Sent Events frame it: the API's JSON on one data line.
    static func sse(_ name: String, id: Int64, _ value: some Encodable) throws -> ByteBuffer {
        var buffer = ByteBuffer(string: "event: \(name)\nid: \(id)\ndata: ")
        buffer.writeBytes(try APIJSON.encode(value))
        buffer.writeString("\n\n")
        return buffer
    }
}
