import APStore
import APWire
import Foundation
import Logging
import PGDriver
import ServiceLifecycle

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

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
        let (_, events) = try await pool.withConnection {
            try EventDeliveryStore.pending($0, webhook: webhook, limit: limit)
        }
        guard let first = events.first, let last = events.last else { return 0 }
        let body = try APIJSON.encode(DomainEventPage(events: events, cursor: String(last.id)))
        var request = URLRequest(url: settings.url, timeoutInterval: settings.timeout)
        request.httpMethod = "POST"
        request.httpBody = Data(body)
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue(
            "sha256=" + SHA256.hmacHex(key: settings.secret, String(decoding: body, as: UTF8.self)),
            forHTTPHeaderField: "X-AP-Signature")
        request.setValue("events-\(first.id)-\(last.id)", forHTTPHeaderField: "Idempotency-Key")
        let failure: String?
        do {
            let (_, response) = try await URLSession.shared.data(for: request)
            let status = (response as? HTTPURLResponse)?.statusCode ?? 0
            failure = (200..<300).contains(status) ? nil : "HTTP \(status)"
        } catch {
            failure = "no answer: \((error as? URLError)?.code.rawValue.description ?? "transport error")"
        }
        if let failure {
            try await pool.withConnection { try EventDeliveryStore.failed($0, webhook: webhook, error: failure) }
            return 0
        }
        try await pool.withConnection { try EventDeliveryStore.delivered($0, webhook: webhook, through: last.id) }
        return events.count
    }
}
