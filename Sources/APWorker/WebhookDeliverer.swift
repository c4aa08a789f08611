import APStore
import APWire
import Foundation
import Logging
import PGDriver
import ServiceLifecycle

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Posts queued alerts to the webhook: JSON body, `X-AP-Signature: sha256=<hex HMAC of the body>`,
/// `Idempotency-Key: <alert id>`. At least once: a delivery that fails, times out or is cut short by
/// a crash is tried again (with back-off), so the receiver must treat a repeated key as a repeat.
public struct WebhookDeliverer: Service {
    public struct Settings: Sendable {
        public var url: URL
        public var secret: String
        public var interval: Duration = .seconds(5)
        public var timeout: TimeInterval = 10
        public init(url: URL, secret: String) {
            self.url = url
            self.secret = secret
        }
    }

    public struct Pass: Sendable, Equatable {
        public var delivered = 0
        public var failed = 0
        public init(delivered: Int = 0, failed: Int = 0) {
            self.delivered = delivered
            self.failed = failed
        }
    }

    let pool: PGPool
    let settings: Settings
    let logger: Logger
    let clock: @Sendable () -> Date

    public init(
        pool: PGPool, settings: Settings, logger: Logger = Logger(label: "ap.webhook"),
        clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.pool = pool
        self.settings = settings
        self.logger = logger
        self.clock = clock
    }

    public func run() async throws {
        try await repeatedly(every: settings.interval, logger: logger, name: "webhook pass") {
            let pass = try await deliverOnce()
            if pass.delivered + pass.failed > 0 {
                logger.info("webhook pass", metadata: ["delivered": "\(pass.delivered)", "failed": "\(pass.failed)"])
            }
        }
    }

    /// Claims what is due (up to `limit`), posts each, and records the outcome.
    public func deliverOnce(limit: Int = 20) async throws -> Pass {
        let secret = settings.secret
        let now = clock()
        let due = try await pool.withConnection { try OutboxStore.claim($0, now: now, limit: limit) }
        var pass = Pass()
        for delivery in due {
            let failure = await Self.post(
                delivery.body, to: settings, signature: delivery.signature(secret: secret),
                key: delivery.idempotencyKey)
            let at = clock()
            if let failure {
                try await pool.withConnection {
                    try OutboxStore.failed(
                        $0, alertId: delivery.alertId, attempt: delivery.attempt, error: failure, now: at)
                }
                pass.failed += 1
            } else {
                try await pool.withConnection { try OutboxStore.delivered($0, alertId: delivery.alertId, at: at) }
                pass.delivered += 1
            }
        }
        return pass
    }

    /// Posts `body` as JSON, signed and keyed; nil when the receiver took it, else what went wrong in words that
    /// carry none of the payload (an HTTP status, "no answer"). The alerts' and the events' webhooks share it.
    static func post(_ body: String, to settings: Settings, signature: String, key: String) async -> String? {
        var request = URLRequest(url: settings.url, timeoutInterval: settings.timeout)
        request.httpMethod = "POST"
        request.httpBody = Data(body.utf8)
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue("sha256=" + signature, forHTTPHeaderField: "X-AP-Signature")
        request.setValue(key, forHTTPHeaderField: "Idempotency-Key")
        do {
            let (_, response) = try await URLSession.shared.data(for: request)
            let status = (response as? HTTPURLResponse)?.statusCode ?? 0
            return (200..<300).contains(status) ? nil : "HTTP \(status)"
        } catch {
            return "no answer: \((error as? URLError)?.code.rawValue.description ?? "transport error")"
        }
    }
}
