import APDomain
import APStore
import APWire
import APWorker
import Foundation
import PGDriver
import TestDatabase
import Testing

/// Issue 20: the events can be posted to another system's webhook: from the newest event when it is first seen,
/// a page at a time in order, signed, and the same page again (same idempotency key) until it is taken.
@Suite struct EventWebhookTests {
    static func at(_ s: String) -> Date { try! Date(s, strategy: .iso8601) }
    let secret = "a-test-secret-of-some-length"

    @Test func eventsArePostedInOrderAndAgainUntilTaken() async throws {
        try await TestDatabase.withFresh { config in
            let receiver = try Receiver(statuses: [503])
            defer { receiver.stop() }
            let pool = PGPool(config, options: .init(maxConnections: 2))
            let (premisesId, _) = try await TestDatabase.withConnection(config) { c in
                let (p, r) = try outAllNightWorld(c)
                return (p.id, r.id)
            }
            let deliverer = EventWebhookDeliverer(pool: pool, settings: .init(url: receiver.url, secret: secret))
            // First seen now: what happened before (the world's arrival) is not posted.
            #expect(try await deliverer.deliverOnce() == 0)
            #expect(receiver.requests.isEmpty)

            let worker = CurfewWorker(pool: pool, settings: .init(), clock: { Self.at("2026-01-16T08:00:00Z") })
            #expect(try await worker.runOnce().raised == 2)
            #expect(try await deliverer.deliverOnce() == 0)  // the receiver failed the first post
            #expect(try await deliverer.deliverOnce() == 2)
            #expect(try await deliverer.deliverOnce() == 0)

            let requests = receiver.requests
            #expect(requests.count == 2 && requests[0].body == requests[1].body)
            #expect(requests[0].headers["idempotency-key"] == requests[1].headers["idempotency-key"])
            let page = try APIJSON.decoder.decode(DomainEventPage.self, from: Data(requests[1].body.utf8))
            #expect(page.events.map(\.type) == [.alertRaised, .alertRaised])
            #expect(page.events.allSatisfy { $0.premisesId == premisesId } && page.cursor == "\(page.events[1].id)")
            #expect(requests[1].headers["idempotency-key"] == "events-\(page.events[0].id)-\(page.events[1].id)")
            let expected: String = try await pool.withConnection { c in
                try c.query(
                    "SELECT encode(hmac($1::text, $2::text, 'sha256'), 'hex') AS h", [requests[1].body, secret])[0]
                    .decode("h")
            }
            #expect(requests[1].headers["x-ap-signature"] == "sha256=" + expected)
            await pool.shutdown()
        }
    }
}
