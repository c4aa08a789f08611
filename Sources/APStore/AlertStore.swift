import APDomain
import APWire
import Civil
import Foundation
import PGDriver

public enum AlertStore {
    static let columns = """
        id, premises_id, resident_id, placement_id, night, kind, raised_at, evidence, escalate, resolved_at,
            resolved_reason
        """

    /// Alerts from `sql`'s rows, each with its acknowledgements (read in one more statement).
    static func alerts(_ c: PGConnection, _ rows: PGResult) throws -> [Alert] {
        var alerts = try rows.map { row in
            Alert(
                id: try row.decode("id"), premisesId: try row.decode("premises_id"),
                residentId: try row.decode("resident_id"),
                placementId: try row.decode("placement_id"), night: try row.decode("night"),
                kind: try row.value("kind"),
                raisedAt: try row.decode("raised_at"), evidence: try row.decode("evidence"),
                escalate: try row.decode("escalate"),
                resolvedAt: try row.decode("resolved_at"), resolvedReason: try row.decode("resolved_reason"),
                acknowledgements: [])
        }
        if alerts.isEmpty { return alerts }
        let index = Dictionary(uniqueKeysWithValues: alerts.enumerated().map { ($1.id, $0) })
        var residents: [UUID: PGRow] = [:]
        for row in try c.query(
            """
            SELECT id, crn, given_name || ' ' || family_name AS name, rosh, contingency_plan, practitioner_name,
                   practitioner_phone, practitioner_email
            FROM residents WHERE id = ANY($1)
            """, [Array(Set(alerts.map(\.residentId)))])
        {
            residents[try row.decode("id")] = row
        }
        for i in alerts.indices {
            guard let r = residents[alerts[i].residentId] else { continue }
            alerts[i].crn = try r.decode("crn")
            alerts[i].residentName = try r.decode("name")
            alerts[i].rosh = try r.value("rosh")
            alerts[i].contingencyPlan = try r.decode("contingency_plan")
            alerts[i].practitioner = Practitioner(
                name: try r.decode("practitioner_name"), phone: try r.decode("practitioner_phone"),
                email: try r.decode("practitioner_email"))
        }
        let entries = Dictionary(
            uniqueKeysWithValues: try EvidenceStore.entries(c, ids: Array(Set(alerts.flatMap(\.evidence)))).map {
                ($0.id, $0)
            })
        for i in alerts.indices { alerts[i].evidenceEntries = alerts[i].evidence.compactMap { entries[$0] } }
        for row in try c.query(
            """
            SELECT alert_id, acknowledged_by, acknowledged_at, outcome, note FROM alert_acknowledgements WHERE alert_id
                = ANY($1) ORDER BY seq
            """, [alerts.map(\.id)])
        {
            alerts[index[try row.decode("alert_id")]!].acknowledgements.append(
                Acknowledgement(
                    by: try row.decode("acknowledged_by"), at: try row.decode("acknowledged_at"),
                    outcome: try row.value("outcome"), note: try row.decode("note")))
        }
        return alerts
    }

    /// Raises an alert unless the same resident already has one of this kind for this night: returns
    /// nil then. The database's unique constraint is what makes it once, even for two workers at once.
    public static func raise(
        _ c: PGConnection, actor: Actor, placementId: UUID, night: LocalDate, kind: AlertKind,
        evidence: [UUID], escalate: Bool
    ) throws -> Alert? {
        try c.acting(as: actor) { c in
            guard
                let id = try c.query(
                    """
                    INSERT INTO alerts (premises_id, resident_id, placement_id, night, kind, evidence, escalate)
                    SELECT premises_id, resident_id, id, $2, $3, $4, $5 FROM placements WHERE id = $1
                    ON CONFLICT (resident_id, night, kind) WHERE resolved_at IS NULL DO NOTHING RETURNING id
                    """, [placementId, night, kind.rawValue, evidence, escalate]
                ).first?.decode("id", as: UUID.self)
            else { return nil }
            return try get(c, id: id)
        }
    }

    public static func acknowledge(
        _ c: PGConnection, actor: Actor, alertId: UUID, outcome: AlertOutcome, note: String = ""
    ) throws -> Alert {
        try limitText(note, field: "note")
        return try c.acting(as: actor) { c in
            guard
                try c.query(
                    """
                    INSERT INTO alert_acknowledgements (alert_id, premises_id, acknowledged_by, outcome, note)
                    SELECT id, premises_id, $2, $3, $4 FROM alerts WHERE id = $1 RETURNING id
                    """, [alertId, actor.staffId, outcome.rawValue, note]
                ).first != nil
            else { throw StoreError.notFound("alert", field: "alertId") }
            return try get(c, id: alertId)!
        }
    }

    /// Resolves an alert once, saying why (a correction voided the movement it was based on, say).
    public static func resolve(_ c: PGConnection, actor: Actor, alertId: UUID, reason: String) throws {
        try requireText(reason, field: "reason")
        try c.acting(as: actor) { c in
            let n = try c.query(
                "UPDATE alerts SET resolved_at = now(), resolved_reason = $2 WHERE id = $1 AND resolved_at IS NULL",
                [alertId, reason]
            ).affectedRows
            if n == 0 {
                throw StoreError.conflict(
                    "alert-resolved", "no open alert with that id: it may be resolved already", field: "alertId")
            }
        }
    }

    public static func get(_ c: PGConnection, id: UUID) throws -> Alert? {
        try alerts(c, c.query("SELECT \(columns) FROM alerts WHERE id = $1", [id])).first
    }

    /// A premises' alerts from `since` (a night), unresolved only when asked, newest night first.
    public static func list(_ c: PGConnection, premisesId: UUID, since: LocalDate, openOnly: Bool = false) throws
        -> [Alert]
    {
        try alerts(
            c,
            c.query(
                """
                SELECT \(columns) FROM alerts WHERE premises_id = $1 AND night >= $2 AND (NOT $3 OR resolved_at IS NULL)
                ORDER BY night DESC, raised_at DESC
                """, [premisesId, since, openOnly]))
    }

    /// How many alerts are open (neither acknowledged nor resolved) at each of `premisesIds`; a premises
    /// with none is left out.
    public static func openCounts(_ c: PGConnection, premisesIds: [UUID]) throws -> [UUID: Int] {
        var open: [UUID: Int] = [:]
        for row in try c.query(
            """
            SELECT premises_id, count(*)::int8 AS n FROM alerts a
            WHERE premises_id = ANY($1) AND resolved_at IS NULL AND NOT EXISTS (SELECT 1 FROM alert_acknowledgements k
                WHERE k.alert_id = a.id)
            GROUP BY 1
            """, [premisesIds])
        { open[try row.decode("premises_id")] = try row.decode("n") }
        return open
    }
}
