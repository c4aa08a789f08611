import APDomain
import Civil
import Foundation
import PGDriver

/// Checks one premises' curfew night: a few set-based statements whatever the number of residents.
public enum CurfewCheckStore {
    public struct Outcome: Sendable, Equatable {
        /// Residents placed at some point of the night.
        public var residents: Int
        /// Alerts raised by this run (none for breaches already alerted).
        public var raised: [Alert]
        /// Alerts resolved by this run because an entry they rested on was voided.
        public var resolved: Int
    }

    /// The channel a new alert is announced on (payload: the alert's id).
    public static let channel = "ap_alerts"

    /// Runs under the worker's name; two runs for the same premises and night take turns (an advisory
    /// lock), and the alerts' unique constraint keeps each alert to one however often it runs.
    /// With `outbox`, each new alert is also queued for the webhook (see `OutboxStore`).
    public static func check(_ c: PGConnection, actor: Actor = .worker(), premisesId: UUID, night: LocalDate, now: Date,
                             grace: TimeInterval = 15 * 60, outbox: Bool = false) throws -> Outcome {
        try c.acting(as: actor) { c in
            try c.query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", [premisesId.uuidString + night.description])
            guard let premises = try PremisesStore.get(c, id: premisesId), let zone = TimeZone(identifier: premises.timeZone),
                  let baseline = CurfewWindow(start: premises.curfewStart, end: premises.curfewEnd) else {
                throw StoreError.notFound("premises", field: "premisesId")
            }
            // Every window of the night lies between noon on the night's date and noon two days later.
            let span = DateInterval(start: Zone.instant(night, CurfewWindow.noonTime, in: zone), end: Zone.instant(night.adding(days: 2), CurfewWindow.noonTime, in: zone))

            var placed: [(placement: UUID, resident: UUID, stay: DateInterval, rosh: RoSH)] = []
            for row in try c.query("""
                SELECT p.id, p.resident_id, p.arrived_at, p.departed_at, r.rosh FROM placements p JOIN residents r ON r.id = p.resident_id
                WHERE p.premises_id = $1 AND p.status IN ('arrived', 'departed') AND p.arrived_at < $3 AND (p.departed_at IS NULL OR p.departed_at > $2)
                """, [premisesId, span.start, span.end]) {
                placed.append((try row.decode("id"), try row.decode("resident_id"),
                               DateInterval(start: try row.decode("arrived_at"), end: try row.decode("departed_at", as: Date?.self) ?? .distantFuture),
                               try row.value("rosh")))
            }
            let residentIds = placed.map(\.resident), placementIds = placed.map(\.placement)
            let conditions = try ConditionStore.curfews(c, residentIds: residentIds)
            let absences = try ConditionStore.absences(c, residentIds: residentIds, overlapping: span)

            // The log that counts: each placement's last entry before the span, and every entry in it.
            var entries: [UUID: [CurfewCheck.Entry]] = [:]
            for row in try c.query("""
                WITH counted AS (
                    SELECT m.id, m.placement_id, m.kind, m.at, m.seq FROM movements m
                    WHERE m.placement_id = ANY($1) AND m.kind <> 'void' AND m.at < $3
                      AND NOT EXISTS (SELECT 1 FROM movements v WHERE v.voids = m.id))
                SELECT * FROM (SELECT DISTINCT ON (placement_id) * FROM counted WHERE at < $2 ORDER BY placement_id, at DESC, seq DESC) AS before
                UNION ALL SELECT * FROM counted WHERE at >= $2
                ORDER BY placement_id, at, seq
                """, [placementIds, span.start, span.end]) {
                entries[try row.decode("placement_id"), default: []].append(
                    CurfewCheck.Entry(id: try row.decode("id"), isOut: try row.decode("kind", as: String.self) == "out", at: try row.decode("at")))
            }

            var rows: (placements: [UUID], kinds: [String], evidence: [String], escalate: [Bool]) = ([], [], [], [])
            for p in placed {
                let away = (absences[p.resident] ?? []).map(\.interval)
                let curfew = CurfewNight.intervals(night: night, baseline: baseline, conditions: conditions[p.resident] ?? [], absences: away, zone: zone)
                for breach in CurfewCheck.breaches(curfew: curfew, absences: away, placed: p.stay, entries: entries[p.placement] ?? [], grace: grace, now: now) {
                    rows.placements.append(p.placement)
                    rows.kinds.append(breach.kind.rawValue)
                    rows.evidence.append(breach.evidence.map { $0.uuidString.lowercased() }.joined(separator: ","))
                    rows.escalate.append(breach.kind == .absentOvernight && p.rosh >= .high)
                }
            }

            let raisedIds: [UUID] = try c.query("""
                WITH new AS (
                    INSERT INTO alerts (premises_id, resident_id, placement_id, night, kind, evidence, escalate)
                    SELECT p.premises_id, p.resident_id, p.id, $2, x.kind, string_to_array(x.evidence, ',')::uuid[], x.escalate
                    FROM unnest($1::uuid[], $3::text[], $4::text[], $5::bool[]) AS x(placement_id, kind, evidence, escalate)
                    JOIN placements p ON p.id = x.placement_id
                    ON CONFLICT ON CONSTRAINT alerts_once_per_night DO NOTHING
                    RETURNING id)
                SELECT id, pg_notify($6, id::text) FROM new
                """, [rows.placements, night, rows.kinds, rows.evidence, rows.escalate, channel]).map { try $0.decode("id") }

            if outbox { try OutboxStore.enqueue(c, alertIds: raisedIds, now: now) }

            // An alert whose evidence has since been voided is resolved, never deleted.
            let resolved = try c.query("""
                UPDATE alerts a SET resolved_at = now(), resolved_reason = 'an entry it rested on was voided: ' || v.void_reason
                FROM movements v WHERE a.premises_id = $1 AND a.night = $2 AND a.resolved_at IS NULL AND v.voids = ANY(a.evidence)
                """, [premisesId, night]).affectedRows

            let raised = try AlertStore.alerts(c, c.query("SELECT \(AlertStore.columns) FROM alerts WHERE id = ANY($1) ORDER BY kind", [raisedIds]))
            return Outcome(residents: placed.count, raised: raised, resolved: resolved)
        }
    }
}

extension CurfewWindow {
    static let noonTime = LocalTime(hour: 12, minute: 0)!
}
