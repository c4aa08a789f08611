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
            // Three pipelines, one round trip each: lock and premises; every read of the night; the writes.
            let head = try c.pipeline([
                PGStatement("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", [premisesId.uuidString + night.description]),
                // The same statement shapes run for every premises, night and pass: a custom plan for each
                // execution costs more in planning (about a millisecond) than in running.
                PGStatement("SET LOCAL plan_cache_mode = force_generic_plan"),
                PGStatement("SELECT \(PremisesStore.premisesColumns) FROM premises WHERE id = $1", [premisesId]),
            ])
            guard let premises = try head[2].first.map(PremisesStore.premises), let zone = TimeZone(identifier: premises.timeZone),
                  let baseline = CurfewWindow(start: premises.curfewStart, end: premises.curfewEnd) else {
                throw StoreError.notFound("premises", field: "premisesId")
            }
            // Every window of the night lies between noon on the night's date and noon two days later.
            let span = DateInterval(start: Zone.instant(night, CurfewWindow.noonTime, in: zone), end: Zone.instant(night.adding(days: 2), CurfewWindow.noonTime, in: zone))
            let placedSQL = """
                SELECT p.id, p.resident_id, p.arrived_at, p.departed_at FROM placements p
                WHERE p.premises_id = $1 AND p.status IN ('arrived', 'departed') AND p.arrived_at < $3 AND (p.departed_at IS NULL OR p.departed_at > $2)
                """
            let reads = try c.pipeline([
                PGStatement("SELECT x.*, r.rosh FROM (\(placedSQL)) AS x JOIN residents r ON r.id = x.resident_id", [premisesId, span.start, span.end]),
                PGStatement("""
                    SELECT \(ConditionStore.columns) FROM licence_conditions
                    WHERE kind IN ('curfew', 'reporting') AND resident_id IN (SELECT resident_id FROM (\(placedSQL)) AS x)
                    """, [premisesId, span.start, span.end]),
                PGStatement("""
                    SELECT \(ConditionStore.absenceColumns) FROM authorised_absences
                    WHERE withdrawn_at IS NULL AND starts_at < $3 AND ends_at > $2 AND resident_id IN (SELECT resident_id FROM (\(placedSQL)) AS x)
                    """, [premisesId, span.start, span.end]),
                // The log that counts: each placement's last entry before the span (one backward probe of the
                // (placement_id, at, seq) index each, however long the history), and every entry in the span.
                PGStatement("""
                    WITH placed AS (\(placedSQL))
                    SELECT last.* FROM placed CROSS JOIN LATERAL (
                        SELECT m.id, m.placement_id, m.kind, m.at, m.seq FROM counted_movements m
                        WHERE m.placement_id = placed.id AND m.at < $2
                        ORDER BY m.at DESC, m.seq DESC LIMIT 1) AS last
                    UNION ALL
                    SELECT m.id, m.placement_id, m.kind, m.at, m.seq FROM counted_movements m
                    WHERE m.placement_id IN (SELECT id FROM placed) AND m.at >= $2 AND m.at < $3
                    ORDER BY placement_id, at, seq
                    """, [premisesId, span.start, span.end]),
                PGStatement("""
                    SELECT placement_id, at FROM reports
                    WHERE placement_id IN (SELECT id FROM (\(placedSQL)) AS x) AND at >= $2 - interval '1 hour' AND at < $3 + interval '1 hour'
                    """, [premisesId, span.start, span.end]),
            ])

            var conditions: [UUID: [CurfewCondition]] = [:]
            var reporting: [UUID: [LicenceCondition]] = [:]
            for row in reads[1] {
                let lc = try ConditionStore.condition(row)
                if lc.kind == .reporting {
                    if lc.startsOn <= night, lc.endsOn.map({ night < $0 }) ?? true { reporting[lc.residentId, default: []].append(lc) }
                } else if let curfew = try lc.curfewCondition() {
                    conditions[lc.residentId, default: []].append(curfew)
                }
            }
            var reports: [UUID: [Date]] = [:]
            for row in reads[4] { reports[try row.decode("placement_id"), default: []].append(try row.decode("at")) }
            var absences: [UUID: [DateInterval]] = [:]
            for row in reads[2] {
                let a = try ConditionStore.absence(row)
                absences[a.residentId, default: []].append(a.interval)
            }
            var entries: [UUID: [CurfewCheck.Entry]] = [:]
            for row in reads[3] {
                entries[try row.decode("placement_id"), default: []].append(
                    CurfewCheck.Entry(id: try row.decode("id"), isOut: try row.decode("kind", as: String.self) == "out", at: try row.decode("at")))
            }

            var rows: (placements: [UUID], kinds: [String], evidence: [String], escalate: [Bool]) = ([], [], [], [])
            for row in reads[0] {
                let placement: UUID = try row.decode("id"), resident: UUID = try row.decode("resident_id"), rosh: RoSH = try row.value("rosh")
                let placed = DateInterval(start: try row.decode("arrived_at"), end: try row.decode("departed_at", as: Date?.self) ?? .distantFuture)
                let away = absences[resident] ?? []
                let curfew = CurfewNight.intervals(night: night, baseline: baseline, conditions: conditions[resident] ?? [], absences: away, zone: zone)
                for breach in CurfewCheck.breaches(curfew: curfew, absences: away, placed: placed, entries: entries[placement] ?? [], grace: grace, now: now) {
                    rows.placements.append(placement)
                    rows.kinds.append(breach.kind.rawValue)
                    rows.evidence.append(breach.evidence.map { $0.uuidString.lowercased() }.joined(separator: ","))
                    rows.escalate.append(breach.kind == .absentOvernight && rosh >= .high)
                }
                let missed = (reporting[resident] ?? []).flatMap { lc in
                    ReportingCheck.missed(times: lc.reporting?.times ?? [], days: lc.reporting?.days.map(Set.init), night: night, zone: zone, placed: placed,
                                          absences: away, reports: reports[placement] ?? [], grace: grace, now: now)
                }
                if !missed.isEmpty {  // one alert a night, however many times were missed
                    rows.placements.append(placement)
                    rows.kinds.append(AlertKind.missedReporting.rawValue)
                    rows.evidence.append("")
                    rows.escalate.append(false)
                }
            }

            let writes = try c.pipeline([
                PGStatement("""
                    WITH new AS (
                        INSERT INTO alerts (premises_id, resident_id, placement_id, night, kind, evidence, escalate)
                        SELECT p.premises_id, p.resident_id, p.id, $2, x.kind, string_to_array(x.evidence, ',')::uuid[], x.escalate
                        FROM unnest($1::uuid[], $3::text[], $4::text[], $5::bool[]) AS x(placement_id, kind, evidence, escalate)
                        JOIN placements p ON p.id = x.placement_id
                        ON CONFLICT ON CONSTRAINT alerts_once_per_night DO NOTHING
                        RETURNING id)
                    SELECT id, pg_notify($6, id::text) FROM new
                    """, [rows.placements, night, rows.kinds, rows.evidence, rows.escalate, channel]),
                // An alert whose evidence has since been voided is resolved, never deleted.
                PGStatement("""
                    UPDATE alerts a SET resolved_at = now(), resolved_reason = 'an entry it rested on was voided: ' || v.void_reason
                    FROM movements v WHERE a.premises_id = $1 AND a.night = $2 AND a.resolved_at IS NULL AND v.voids = ANY(a.evidence)
                    """, [premisesId, night]),
            ])
            let raisedIds: [UUID] = try writes[0].map { try $0.decode("id") }
            if outbox { try OutboxStore.enqueue(c, alertIds: raisedIds, now: now) }
            let raised = raisedIds.isEmpty ? [] : try AlertStore.alerts(c, c.query("SELECT \(AlertStore.columns) FROM alerts WHERE id = ANY($1) ORDER BY kind", [raisedIds]))
            return Outcome(residents: reads[0].count, raised: raised, resolved: writes[1].affectedRows)
        }
    }
}

extension CurfewWindow {
    static let noonTime = LocalTime(hour: 12, minute: 0)!
}
