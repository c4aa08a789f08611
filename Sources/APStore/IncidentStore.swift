import APDomain
import APWire
import Civil
import Foundation
import PGDriver

public enum IncidentStore {
    static let columns = """
        incident_id, premises_id, version, status, occurred_at, location, category, severity, description,
            immediate_action,
        police_informed, police_reference, resident_ids, staff_ids, follow_ups, edited_by, edited_at
        """

    static func incident(_ row: PGRow) throws -> Incident {
        Incident(
            id: try row.decode("incident_id"), premisesId: try row.decode("premises_id"),
            version: try row.decode("version"),
            status: try row.value("status"),
            draft: IncidentDraft(
                occurredAt: try row.decode("occurred_at"), location: try row.decode("location"),
                category: try row.value("category"), severity: try row.value("severity"),
                description: try row.decode("description"), immediateAction: try row.decode("immediate_action"),
                policeInformed: try row.decode("police_informed"), policeReference: try row.decode("police_reference"),
                residentIds: try row.decode("resident_ids"), staffIds: try row.decode("staff_ids"),
                followUps: try row.decode("follow_ups", as: JSONB.self).decode(as: [FollowUp].self)),
            editedBy: try row.decode("edited_by"), editedAt: try row.decode("edited_at"))
    }

    static func check(_ d: IncidentDraft, now: Date) throws {
        try requireText(d.description, field: "description")
        if d.occurredAt > now.addingTimeInterval(DateRules.eventMargin) {
            throw StoreError.invalid(
                "time-in-future", "an incident cannot have happened in the future", field: "occurredAt")
        }
        if !d.policeInformed && d.policeReference != nil {
            throw StoreError.invalid(
                "police-reference-without-police",
                "a police reference means the police were informed: set policeInformed", field: "policeReference")
        }
        try limitText(d.location, field: "location")
        if d.followUps.contains(where: { $0.action.trimmingCharacters(in: .whitespaces).isEmpty }) {
            throw StoreError.invalid(
                "follow-up-action", "every follow-up action says what is to be done", field: "followUps")
        }
    }

    /// Every person an incident names is of its premises: a resident it added or placed, a staff member
    /// who works there. The first one who is not is named by field (`staffIds[1]`, `followUps[0].owner`),
    /// never by value. The database holds the same rule (incident_versions_check_people).
    static func checkPeople(_ c: PGConnection, premisesId: UUID, _ d: IncidentDraft) throws {
        let rows = try c.query(
            """
            SELECT 1 AS list, x.i FROM unnest($2::uuid[]) WITH ORDINALITY AS x(id, i) WHERE NOT EXISTS (
                SELECT 1 FROM residents r WHERE r.id = x.id AND (r.premises_id = $1
                    OR EXISTS (SELECT 1 FROM placements p WHERE p.resident_id = r.id AND p.premises_id = $1)))
            UNION ALL
            SELECT 2, x.i FROM unnest($3::uuid[]) WITH ORDINALITY AS x(id, i)
            WHERE NOT EXISTS (SELECT 1 FROM staff_premises sp WHERE sp.staff_id = x.id AND sp.premises_id = $1)
            UNION ALL
            SELECT 3, x.i FROM unnest($4::uuid[]) WITH ORDINALITY AS x(id, i)
            WHERE NOT EXISTS (SELECT 1 FROM staff_premises sp WHERE sp.staff_id = x.id AND sp.premises_id = $1)
            ORDER BY 1, 2 LIMIT 1
            """, [premisesId, d.residentIds, d.staffIds, d.followUps.map(\.owner)])
        guard let row = rows.first else { return }
        let index = Int(try row.decode("i", as: Int64.self)) - 1
        switch try row.decode("list", as: Int32.self) {
        case 1:
            throw StoreError.invalid(
                "resident-not-here", "that resident is not one of this premises': check the id",
                field: "residentIds[\(index)]")
        case 2:
            throw StoreError.invalid(
                "staff-not-here", "that staff member does not work at this premises: check the id",
                field: "staffIds[\(index)]")
        default:
            throw StoreError.invalid(
                "staff-not-here", "a follow-up's owner must work at this premises: check the id",
                field: "followUps[\(index)].owner")
        }
    }

    static func insertVersion(
        _ c: PGConnection, actor: Actor, id: UUID, premisesId: UUID, version: Int, status: IncidentStatus,
        _ d: IncidentDraft
    ) throws -> Incident {
        try translating {
            try incident(
                c.query(
                    """
                    INSERT INTO incident_versions (incident_id, premises_id, version, status, occurred_at, location,
                        category, severity, description,
                        immediate_action, police_informed, police_reference, resident_ids, staff_ids, follow_ups,
                            edited_by)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING \(columns)
                    """,
                    [
                        id, premisesId, Int32(version), status.rawValue, d.occurredAt, d.location, d.category.rawValue,
                        d.severity.rawValue, d.description,
                        d.immediateAction, d.policeInformed, d.policeReference, d.residentIds, d.staffIds,
                        try JSONB(encoding: d.followUps), actor.staffId,
                    ])[0])
        }
    }

    public static func report(_ c: PGConnection, actor: Actor, premisesId: UUID, _ draft: IncidentDraft, now: Date)
        throws -> Incident
    {
        try check(draft, now: now)
        return try c.acting(as: actor) { c in
            try checkPeople(c, premisesId: premisesId, draft)
            let id: UUID = try translating {
                try c.query("INSERT INTO incidents (premises_id) VALUES ($1) RETURNING id", [premisesId])[0].decode(
                    "id")
            }
            return try insertVersion(c, actor: actor, id: id, premisesId: premisesId, version: 1, status: .open, draft)
        }
    }

    /// Records a new version. `basedOn` is the version the editor saw: if someone else edited since,
    /// the edit is refused rather than silently overwriting theirs.
    public static func edit(
        _ c: PGConnection, actor: Actor, incidentId: UUID, basedOn version: Int, status: IncidentStatus? = nil,
        _ draft: IncidentDraft, now: Date
    ) throws -> Incident {
        try check(draft, now: now)
        return try c.acting(as: actor) { c in
            // Two edits based on the same version collide on the primary key (incident_id, version):
            // the second is refused as edited meanwhile, never merged.
            guard let current = try get(c, id: incidentId) else {
                throw StoreError.notFound("incident", field: "incidentId")
            }
            if current.version != version {
                throw StoreError.conflict(
                    "edited-meanwhile",
                    "the incident was edited since you read it (now version \(current.version)): read it again and "
                        + "redo your change",
                    field: "version")
            }
            try checkPeople(c, premisesId: current.premisesId, draft)
            let next = status ?? current.status
            if next != current.status && !current.status.canBecome(next) {
                throw StoreError.conflict(
                    "incident-status", "an incident that is \(current.status.rawValue) cannot become \(next.rawValue)",
                    field: "status")
            }
            return try insertVersion(
                c, actor: actor, id: incidentId, premisesId: current.premisesId, version: current.version + 1,
                status: next, draft)
        }
    }

    /// The incident as it stands (its newest version).
    public static func get(_ c: PGConnection, id: UUID) throws -> Incident? {
        try c.query(
            "SELECT \(columns) FROM incident_versions WHERE incident_id = $1 ORDER BY version DESC LIMIT 1", [id]
        ).first.map(incident)
    }

    /// Every version, oldest first.
    public static func versions(_ c: PGConnection, id: UUID) throws -> [Incident] {
        try c.query("SELECT \(columns) FROM incident_versions WHERE incident_id = $1 ORDER BY version", [id]).map(
            incident)
    }

    /// The incidents of a premises whose newest version was made at or after `since`, newest first.
    /// The premises' incidents as they stand now, those edited or happening since `since`. An incident whose latest
    /// version is so has a version that is so: those are found first through the indexes on (premises, edited_at)
    /// and (premises, occurred_at), then each one's latest version. (Reading every version the premises ever had
    /// and filtering here grew with every year of history: the handover asks at each shift.)
    public static func list(_ c: PGConnection, premisesId: UUID, since: Date) throws -> [Incident] {
        try c.query(
            """
            SELECT * FROM (
                SELECT DISTINCT ON (incident_id) \(columns) FROM incident_versions
                WHERE incident_id IN (
                    SELECT incident_id FROM incident_versions WHERE premises_id = $1 AND edited_at >= $2
                    UNION SELECT incident_id FROM incident_versions WHERE premises_id = $1 AND occurred_at >= $2)
                ORDER BY incident_id, version DESC) AS latest
            WHERE edited_at >= $2 OR occurred_at >= $2
            """, [premisesId, since]
        ).map(incident).sorted { $0.draft.occurredAt > $1.draft.occurredAt }
    }
}
