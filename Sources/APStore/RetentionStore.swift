import APDomain
import Foundation
import PGDriver

/// The retention policy applied: who is due to be anonymised, who is kept although due and why, and the
/// anonymisation itself, in batches. What anonymising changes, and what it may never touch, the database holds
/// (sql/0028_retention.sql): here it is one UPDATE of `anonymised_at` a batch.
public enum RetentionStore {
    public struct Due: Sendable, Equatable {
        public let residentId: UUID
        public let crn: String
        /// The premises that added them (nil only for a record older than residents belonging to one).
        public let premisesCode: String?
        public let lastLeft: Date
    }

    public struct Plan: Sendable, Equatable {
        public let cutoff: Date
        public var due: [Due] = []
        /// Due by the policy but still being dealt with: never touched.
        public var keptOpenPlacement = 0
        public var keptOpenAlert = 0
        public var keptOpenIncident = 0
    }

    public struct Outcome: Sendable, Equatable {
        public let runId: UUID
        public let plan: Plan
        public var anonymised = 0
        public var batches = 0
    }

    /// Everyone not yet anonymised who last left before `cutoff` (limited to `ids` when given), with what keeps them
    /// if anything does: the database's own rule (`resident_kept_by`, sql/0031), the one its trigger refuses by. A
    /// resident with an open placement is listed whenever they last left.
    static func candidates(ids: [UUID]?, cutoff: Date) -> PGStatement {
        PGStatement(
            """
            SELECT s.id, s.crn, s.code, s.last_left, resident_kept_by(s.id) AS kept_by
            FROM (
                SELECT r.id, r.crn, pr.code,
                       coalesce(max(coalesce(pl.departed_at, pl.ended_at)), r.created_at) AS last_left,
                       coalesce(bool_or(pl.status IN ('upcoming', 'arrived')), false) AS open_placement
                FROM residents r
                LEFT JOIN placements pl ON pl.resident_id = r.id
                LEFT JOIN premises pr ON pr.id = r.premises_id
                WHERE r.anonymised_at IS NULL AND ($2::uuid[] IS NULL OR r.id = ANY ($2))
                GROUP BY r.id, pr.code) AS s
            WHERE s.last_left < $1 OR s.open_placement
            ORDER BY s.last_left, s.id
            """, [cutoff, ids])
    }

    static func plan(_ c: PGConnection, ids: [UUID]?, cutoff: Date) throws -> Plan {
        var plan = Plan(cutoff: cutoff)
        let statement = candidates(ids: ids, cutoff: cutoff)
        for row in try c.query(statement.sql, statement.params) {
            let lastLeft: Date = try row.decode("last_left")
            switch try row.decode("kept_by", as: String?.self) {
            case "open_placement"?: if lastLeft < cutoff { plan.keptOpenPlacement += 1 }
            case "open_alert"?: plan.keptOpenAlert += 1
            case "open_incident"?: plan.keptOpenIncident += 1
            case nil:
                plan.due.append(
                    Due(
                        residentId: try row.decode("id"), crn: try row.decode("crn"),
                        premisesCode: try row.decode("code"), lastLeft: lastLeft))
            case let other?: throw PGError(.decoding, "resident_kept_by: no such reason \(other)")
            }
        }
        return plan
    }

    /// What `policy` makes due now (a dry run: recorded as a run, nothing anonymised), or, with `apply`, the same
    /// anonymised `batchSize` residents a transaction. Each batch looks again at its residents once their rows are
    /// locked, so one booked or named in an incident since the plan was made is kept; each batch commits with
    /// its count, so a run stopped half way has recorded what it did.
    public static func run(
        _ c: PGConnection, actor: Actor, policy: RetentionPolicy, now: Date, zone: TimeZone, apply: Bool,
        batchSize: Int = 100
    ) throws -> Outcome {
        precondition(batchSize > 0)
        let cutoff = policy.cutoff(now: now, zone: zone)
        let (plan, runId) = try c.acting(as: actor) { c in
            let plan = try Self.plan(c, ids: nil, cutoff: cutoff)
            let runId: UUID = try c.query(
                """
                INSERT INTO retention_runs (policy, applied, cutoff, due, kept_open_placement, kept_open_alert,
                                            kept_open_incident)
                VALUES ($1::jsonb, $2, $3, $4, $5, $6, $7) RETURNING id
                """,
                [
                    policy.json, apply, cutoff, plan.due.count, plan.keptOpenPlacement, plan.keptOpenAlert,
                    plan.keptOpenIncident,
                ])[0].decode("id")
            return (plan, runId)
        }
        var outcome = Outcome(runId: runId, plan: plan)
        guard apply else { return outcome }
        var start = 0
        while start < plan.due.count {
            let chunk = plan.due[start..<min(start + batchSize, plan.due.count)].map(\.residentId)
            start += batchSize
            let done = try c.acting(as: actor) { c in
                _ = try c.query("SELECT id FROM residents WHERE id = ANY ($1) ORDER BY id FOR UPDATE", [chunk])
                let still = try Self.plan(c, ids: chunk, cutoff: cutoff).due.map(\.residentId)
                guard !still.isEmpty else { return 0 }
                let n = try c.query(
                    "UPDATE residents SET anonymised_at = $2 WHERE id = ANY ($1) RETURNING id", [still, now]
                ).count
                try c.query(
                    "INSERT INTO retention_batches (run_id, batch, anonymised) VALUES ($1, $2, $3)",
                    [runId, outcome.batches + 1, n])
                return n
            }
            if done > 0 {
                outcome.anonymised += done
                outcome.batches += 1
            }
        }
        return outcome
    }
}
