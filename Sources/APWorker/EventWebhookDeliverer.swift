import APStore
import APWire
import Foundation
import Logging
import PGDriver
import ServiceLifecycle

/// Posts the domain events to another system's webhook, a page at a time in commit order (the body is what GET
/// /api/v1/events answers), signed as the alerts' posts are (`X-AP-Signature: sha256=<hex HMAC>`), with
/// `Idempotency-Key: events-<first id>-<last id>`. A page that fails is posted again on the next pass, the same
/// page, until it is taken: at least once, none skipped.
public struct EventWebhookDeliverer: Service {
    let pool: PGPool
    let settings: WebhookDeliverer.Settings
    let logger: Logger

    public init(pool: PGPool, settings: WebhookDeliverer.Settings, logger: Logger = Logger(label: "ap.events")) {
        self.pool = pool
        self.settings = settings
        self.logger = logger
    }

    public func run() async throws {
        try await repeatedly(every: settings.interval, logger: logger, name: "events webhook pass") {
            let posted = try await deliverOnce()
            if posted > 0 { logger.info("events webhook pass", metadata: ["events": "\(posted)"]) }
        }
    }

    /// Posts one page of what is pending; how many events were taken (0 when none were pending, or it failed).
    public func deliverOnce(limit: Int = 100) async throws -> Int {
        let webhook = settings.url.absoluteString
        let events = try await pool.withConnection {
            try EventDeliveryStore.pending($0, webhook: webhook, limit: limit)
        }
        guard let first = events.first, let last = events.last else { return 0 }
        let body = String(
            decoding: try APIJSON.encode(DomainEventPage(events: events, cursor: String(last.id))), as: UTF8.self)
        let failure = await WebhookDeliverer.post(
            body, to: settings, signature: SHA256.hmacHex(key: settings.secret, body),
            key: "events-\(first.id)-\(last.id)")
        if let failure {
            try await pool.withConnection { try EventDeliveryStore.failed($0, webhook: webhook, error: failure) }
            return 0
        }
        try await pool.withConnection { try EventDeliveryStore.delivered($0, webhook: webhook, through: last.id) }
        return events.count
    }
}
