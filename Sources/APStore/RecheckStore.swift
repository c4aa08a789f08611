import APDomain
import Civil
import Foundation
import PGDriver

/// The queue of nights to check again because their evidence changed (sql/0021_rechecks.sql: triggers fill
/// it, so no way of writing can forget to).
public enum RecheckStore {
    /// One change waiting to be re-checked: the premises' nights it may alter.
    public struct Queued: Sendable, Equatable {
        public var id: Int64
        public var premisesId: UUID
        public var nights: ClosedRange<LocalDate>
    }

    /// The oldest changes not yet re-checked.
    public static func pending(_ c: PGConnection, limit: Int = 500) throws -> [Queued] {
        try c.acting(as: .worker()) { c in
            try c.query(
                """
                SELECT id, premises_id, first_night, last_night FROM rechecks WHERE rechecked_at IS NULL
                ORDER BY id LIMIT $1
                """, [limit]
            ).map { row in
                Queued(
                    id: try row.decode("id"), premisesId: try row.decode("premises_id"),
                    nights: try row.decode("first_night", as: LocalDate.self)...row.decode("last_night"))
            }
        }
    }

    /// Marks changes as re-checked: in the transaction of the last check they asked for, or after it.
    public static func done(_ c: PGConnection, ids: [Int64], at: Date) throws {
        if ids.isEmpty { return }
        try c.acting(as: .worker()) { c in
            try c.query(
                "UPDATE rechecks SET rechecked_at = $2 WHERE id = ANY($1) AND rechecked_at IS NULL", [ids, at])
        }
    }

    /// The recorded changes to these residents' evidence that touch any of `nights`, each with the name of
    /// who made it, for the reasons alerts are resolved with.
    static func corrections(_ c: PGConnection, residentIds: [UUID], nights: [LocalDate]) throws
        -> [UUID: [Correction]]
    {
        guard !residentIds.isEmpty, let first = nights.min(), let last = nights.max() else { return [:] }
        var found: [UUID: [Correction]] = [:]
        for row in try c.query(
            """
            SELECT r.resident_id, r.change, r.first_night, r.last_night, r.about, r.entry_kind, r.recorded_at,
                   r.reason, coalesce(s.name, 'the system') AS recorded_by
            FROM rechecks r LEFT JOIN staff s ON r.actor = 'staff:' || s.id::text
            WHERE r.resident_id = ANY($1) AND r.last_night >= $2 AND r.first_night <= $3
            ORDER BY r.id
            """, [residentIds, first, last])
        {
            guard let change = Correction.Change(rawValue: try row.decode("change")) else { continue }
            let kind: String? = try row.decode("entry_kind")
            found[try row.decode("resident_id"), default: []].append(
                Correction(
                    change: change,
                    nights: try row.decode("first_night", as: LocalDate.self)...row.decode("last_night"),
                    about: try row.decode("about"), entryKind: kind.flatMap(MovementKind.init(rawValue:)),
                    recordedAt: try row.decode("recorded_at"), recordedBy: try row.decode("recorded_by"),
                    reason: try row.decode("reason")))
        }
        return found
    }
}
