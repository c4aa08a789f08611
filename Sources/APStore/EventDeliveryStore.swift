import APWire
import Foundation
import PGDriver

/// Where each events webhook has got to (sql/0027_event_deliveries.sql): the next page to post is the events after
/// the last it took.
public enum EventDeliveryStore {
    /// The events after what `webhook` has taken (up to `limit`), first registering it at the newest event.
    public static func pending(_ c: PGConnection, webhook: String, limit: Int) throws -> [DomainEvent] {
        try c.acting(as: .worker(origin: "events webhook")) { c in
            try c.query(
                """
                INSERT INTO event_deliveries (webhook, delivered_through)
                VALUES ($1, (SELECT coalesce(max(id), 0) FROM domain_events)) ON CONFLICT DO NOTHING
                """, [webhook])
            let through: Int64 = try c.query(
                "SELECT delivered_through FROM event_deliveries WHERE webhook = $1", [webhook])[0].decode(
                    "delivered_through")
            return try DomainEventStore.after(c, id: through, limit: limit)
        }
    }

    public static func delivered(_ c: PGConnection, webhook: String, through id: Int64) throws {
        try c.acting(as: .worker(origin: "events webhook")) { c in
            try c.query(
                """
                UPDATE event_deliveries SET delivered_through = greatest(delivered_through, $2), attempts = 0,
                    last_error = NULL, updated_at = now() WHERE webhook = $1
                """, [webhook, id])
        }
    }

    /// `error` says what failed without any of the payload (an HTTP status, "no answer").
    public static func failed(_ c: PGConnection, webhook: String, error: String) throws {
        try c.acting(as: .worker(origin: "events webhook")) { c in
            try c.query(
                """
                UPDATE event_deliveries SET attempts = attempts + 1, last_error = $2, updated_at = now()
                WHERE webhook = $1
                """, [webhook, error])
        }
    }
}
