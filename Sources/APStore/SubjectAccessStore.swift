import APDomain
import APWire
import Civil
import Foundation
import PGDriver

/// A subject access request: everything held about one person across every premises, read by an operator (the
/// request is recorded in the audit trail as a read of the person's record, under the operator's name).
public enum SubjectAccessStore {
    /// The person with that CRN, or nil when nobody has it.
    public static func gather(_ c: PGConnection, crn: CRN, operatorName: String, now: Date) throws -> SubjectAccess? {
        let actor = Actor.operating(operatorName, tool: "ap-server subject-access")
        return try c.acting(as: actor) { c in
            guard let resident = try ResidentStore.get(c, crn: crn) else { return nil }
            try AuditStore.insertRead(c, table: "subject_access", rowId: resident.id)
            let placements = try c.query(
                "SELECT \(PlacementStore.columns) FROM placements WHERE resident_id = $1 ORDER BY expected_arrival, id",
                [resident.id]
            ).map(PlacementStore.placement)
            let conditions = try ConditionStore.list(c, residentId: resident.id)
            // The whole of their time with us: from the first thing dated to tomorrow.
            let today = Zone.local(now, in: TimeZone(identifier: "Europe/London")!).date
            let first: LocalDate =
                try c.query(
                    """
                    SELECT least(
                        (SELECT min(expected_arrival) FROM placements WHERE resident_id = $1),
                        (SELECT min(starts_on) FROM licence_conditions WHERE resident_id = $1),
                        (SELECT min((at AT TIME ZONE 'Europe/London')::date) FROM movements WHERE resident_id = $1),
                        $2::date) AS first
                    """, [resident.id, today]
                )[0].decode("first")
            var history = try EvidenceStore.read(
                c, resident, nights: Nights(from: min(first, today), to: today.adding(days: 1))!, now: now)
            // An incident may name others too: they are not the subject's data, and are left out of the answer.
            // (Its free text is given as written: whoever answers the request reads it before it goes.)
            history.incidents = history.incidents.map { i in
                var i = i
                i.draft.residentIds = i.draft.residentIds.filter { $0 == resident.id }
                return i
            }
            let reads = try c.query(
                """
                SELECT l.at, coalesce(s.name, l.actor) AS by, l.origin, l.table_name FROM audit_log l
                LEFT JOIN staff s ON l.actor = 'staff:' || s.id::text
                WHERE l.action = 'read' AND l.row_id = $1 ORDER BY l.at, l.id
                """, [resident.id.uuidString.lowercased()]
            ).map { row in
                RecordRead(
                    at: try row.decode("at"), by: try row.decode("by"), origin: try row.decode("origin"),
                    what: try row.decode("table_name"))
            }
            let premisesIds = Set(placements.map(\.premisesId) + [resident.premisesId].compactMap { $0 })
            return SubjectAccess(
                generatedAt: now, resident: resident,
                premises: try PremisesStore.list(c, ids: Array(premisesIds)).sorted { $0.code < $1.code },
                placements: placements, conditions: conditions,
                history: history, reads: reads)
        }
    }
}
