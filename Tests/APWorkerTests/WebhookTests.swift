import APDomain
import APStore
import APWire
import APWorker
import Civil
import Foundation
import PGDriver
import TestDatabase
import Testing

@Suite struct WebhookTests {
    static func at(_ s: String) -> Date { try! Date(s, strategy: .iso8601) }
    let secret = "a-test-secret-of-some-length"

    /// Raised with the outbox on, posted signed with an idempotency key, retried after a failure with
    /// back-off, delivered once it succeeds; an escalated alert carries the contingency plan.
    @Test func alertsAreDeliveredAtLeastOnceSignedAndRetried() async throws {
        try await TestDatabase.withFresh { config in
            let receiver = try Receiver(statuses: [500])
            defer { receiver.stop() }
            let (premisesId, plan, crn) = try await TestDatabase.withConnection(config) { c in
                let (p, r) = try outAllNightWorld(c)
                try c.query("UPDATE residents SET rosh = 'very_high' WHERE id = $1", [r.id])
                return (p.id, r.contingencyPlan, r.crn.value)
            }
            #expect(!plan.isEmpty)
            let pool = PGPool(config, options: .init(maxConnections: 2))
            let settings = CurfewWorker.Settings()
            let worker = CurfewWorker(pool: pool, settings: settings, clock: { Self.at("2026-01-16T08:00:00Z") })
            #expect(try await worker.runOnce().raised == 2)

            let clock = MutableClock(Self.at("2026-01-16T08:01:00Z"))
            let deliverer = WebhookDeliverer(
                pool: pool, settings: .init(url: receiver.url, secret: secret), clock: { clock.now })
            let first = try await deliverer.deliverOnce()
            #expect(first == .init(delivered: 1, failed: 1))  // the receiver failed the first post
            // Nothing is due again until the back-off has passed.
            #expect(try await deliverer.deliverOnce() == .init(delivered: 0, failed: 0))
            clock.now = clock.now.addingTimeInterval(11)
            #expect(try await deliverer.deliverOnce() == .init(delivered: 1, failed: 0))
            #expect(try await deliverer.deliverOnce() == .init(delivered: 0, failed: 0))

            let requests = receiver.requests
            #expect(requests.count == 3)
            let alerts = try await pool.withConnection {
                try AlertStore.list($0, premisesId: premisesId, since: LocalDate("2026-01-15")!)
            }
            #expect(
                Set(requests.map { $0.headers["idempotency-key"] ?? "" })
                    == Set(alerts.map { $0.id.uuidString.lowercased() }))
            // the retry is the same delivery
            #expect(requests[0].headers["idempotency-key"] == requests[2].headers["idempotency-key"])
            for request in requests {
                let expected: String = try await pool.withConnection { c in
                    try c.query(
                        "SELECT encode(hmac($1::text, $2::text, 'sha256'), 'hex') AS h", [request.body, secret])[0]
                        .decode("h")
                }
                #expect(request.headers["x-ap-signature"] == "sha256=" + expected)
                #expect(request.headers["content-type"] == "application/json")
            }
            let payloads = try requests.map { try APIJSON.decoder.decode(AlertNotice.self, from: Data($0.body.utf8)) }
            #expect(
                payloads.contains {
                    $0.kind == .absentOvernight && $0.escalate && $0.resident.contingencyPlan == plan
                })
            #expect(
                payloads.contains {
                    $0.kind == .lateReturn && !$0.escalate && $0.resident.contingencyPlan == nil
                        && $0.resident.crn == crn
                })
            let errors: [String?] = try await pool.withConnection {
                try $0.query("SELECT last_error FROM alert_outbox ORDER BY attempts").map {
                    try $0.decode("last_error")
                }
            }
            #expect(errors == [nil, nil])  // cleared on delivery
            await pool.shutdown()
        }
    }

    @Test func aReceiverThatIsDownIsTriedAgainLater() async throws {
        try await TestDatabase.withFresh { config in
            _ = try await TestDatabase.withConnection(config) { try outAllNightWorld($0) }
            let pool = PGPool(config, options: .init(maxConnections: 2))
            let settings = CurfewWorker.Settings()
            _ = try await CurfewWorker(pool: pool, settings: settings, clock: { Self.at("2026-01-16T08:00:00Z") })
                .runOnce()
            let nowhere = URL(string: "http://127.0.0.1:1/alerts")!
            let deliverer = WebhookDeliverer(
                pool: pool, settings: .init(url: nowhere, secret: secret), clock: { Self.at("2026-01-16T08:01:00Z") })
            #expect(try await deliverer.deliverOnce() == .init(delivered: 0, failed: 2))
            let rows: [String] = try await pool.withConnection {
                try $0.query("SELECT last_error || ' ' || attempts AS e FROM alert_outbox").map { try $0.decode("e") }
            }
            #expect(rows.count == 2 && rows.allSatisfy { $0.hasPrefix("no answer") && $0.hasSuffix(" 1") })
            await pool.shutdown()
        }
    }
}

final class MutableClock: @unchecked Sendable {  // guarded by `lock`
    private let lock = NSLock()
    private var value: Date
    init(_ start: Date) { value = start }
    var now: Date {
        get {
            lock.lock()
            defer { lock.unlock() }
            return value
        }
        set {
            lock.lock()
            value = newValue
            lock.unlock()
        }
    }
}
