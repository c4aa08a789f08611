import APWire
import Foundation
import PGDriver

/// The webhook outbox: alerts queued in the transaction that raised them, then delivered at least once.
public enum OutboxStore {
    /// One delivery to attempt: the exact body to post and its idempotency key.
    public struct Delivery: Sendable, Equatable {
        public let alertId: UUID
        public let body: String
        public let attempt: Int
        public var idempotencyKey: String { alertId.uuidString.lowercased() }

        /// Hex HMAC-SHA256 of `body` with the shared secret, computed in this process: the secret never
        /// travels to the database, where a statement log could record it.
        public func signature(secret: String) -> String { SHA256.hmacHex(key: secret, body) }
    }

    /// Queues alerts, due at once (at `now`, the raising clock's, not the database's), each with the body to
    /// post: the wire's `AlertNotice`, in the API's JSON dialect.
    static func enqueue(_ c: PGConnection, alertIds: [UUID], now: Date) throws {
        if alertIds.isEmpty { return }
        let rows = try c.query(
            """
            SELECT a.id, a.kind, a.night, a.raised_at, a.escalate, a.evidence, pr.code, pr.name, r.crn, r.rosh,
                   r.given_name || ' ' || r.family_name AS resident_name, r.contingency_plan, r.practitioner_name,
                   r.practitioner_phone, r.practitioner_email
            FROM alerts a JOIN premises pr ON pr.id = a.premises_id JOIN residents r ON r.id = a.resident_id
            WHERE a.id = ANY($1)
            """, [alertIds])
        // The escalated alerts' entries, read in one statement.
        var evidence: [UUID] = []
        for row in rows where try row.decode("escalate", as: Bool.self) {
            evidence += try row.decode("evidence", as: [UUID].self)
        }
        let entries = Dictionary(
            uniqueKeysWithValues: try EvidenceStore.entries(c, ids: evidence).map { ($0.id, $0) })
        let notices = try rows.map { row in
            let escalate: Bool = try row.decode("escalate")
            let practitioner = Practitioner(
                name: try row.decode("practitioner_name"), phone: try row.decode("practitioner_phone"),
                email: try row.decode("practitioner_email"))
            return AlertNotice(
                alertId: try row.decode("id"), kind: try row.value("kind"), night: try row.decode("night"),
                raisedAt: try row.decode("raised_at"), escalate: escalate,
                premises: .init(code: try row.decode("code"), name: try row.decode("name")),
                resident: .init(
                    crn: try row.decode("crn"), rosh: try row.value("rosh"),
                    name: escalate ? try row.decode("resident_name") : nil,
                    contingencyPlan: escalate ? try row.decode("contingency_plan") : nil,
                    practitioner: escalate ? practitioner : nil),
                evidenceEntries: escalate
                    ? try row.decode("evidence", as: [UUID].self).compactMap { entries[$0] } : nil)
        }
        try c.query(
            """
            INSERT INTO alert_outbox (alert_id, created_at, next_attempt_at, payload)
            SELECT x.id, $2, $2, x.payload::jsonb FROM unnest($1::uuid[], $3::text[]) AS x(id, payload)
            ON CONFLICT DO NOTHING
            """,
            [notices.map(\.alertId), now, try notices.map { String(decoding: try APIJSON.encode($0), as: UTF8.self) }])
    }

    /// How long an alert is worth posting: every alert is queued, webhook or not, so one configured later
    /// would otherwise start with every alert ever raised.
    public static let freshFor: TimeInterval = 12 * 3600

    /// Claims up to `limit` due deliveries for `lease` (another deliverer skips them meanwhile; if this
    /// one dies, they come due again when the lease ends). Alerts queued more than `freshFor` ago are left.
    public static func claim(_ c: PGConnection, now: Date, lease: TimeInterval = 60, limit: Int = 20) throws
        -> [Delivery]
    {
        try c.acting(as: .worker(origin: "outbox")) { c in
            try c.query(
                """
                WITH due AS (
                    SELECT alert_id FROM alert_outbox WHERE delivered_at IS NULL AND next_attempt_at <= $1
                        AND created_at > $4
                    ORDER BY next_attempt_at LIMIT $3 FOR UPDATE SKIP LOCKED)
                UPDATE alert_outbox o SET next_attempt_at = $2, attempts = o.attempts + 1
                FROM due WHERE o.alert_id = due.alert_id
                RETURNING o.alert_id, o.payload::text AS body, o.attempts
                """, [now, now.addingTimeInterval(lease), limit, now.addingTimeInterval(-freshFor)]
            ).map {
                Delivery(
                    alertId: try $0.decode("alert_id"), body: try $0.decode("body"), attempt: try $0.decode("attempts"))
            }
        }
    }

    public static func delivered(_ c: PGConnection, alertId: UUID, at: Date) throws {
        try c.acting(as: .worker(origin: "outbox")) { c in
            try c.query(
                "UPDATE alert_outbox SET delivered_at = $2, last_error = NULL WHERE alert_id = $1", [alertId, at])
        }
    }

    /// Schedules another attempt after a back-off that doubles from 10 s up to an hour. `error` must
    /// say what failed without any of the payload (an HTTP status, "connection refused").
    public static func failed(_ c: PGConnection, alertId: UUID, attempt: Int, error: String, now: Date) throws {
        let wait = min(10 * pow(2, Double(max(attempt - 1, 0))), 3600)
        try c.acting(as: .worker(origin: "outbox")) { c in
            try c.query(
                "UPDATE alert_outbox SET next_attempt_at = $2, last_error = $3 WHERE alert_id = $1",
                [alertId, now.addingTimeInterval(wait), error])
        }
    }
}
