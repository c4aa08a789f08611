import APDomain
import APWire
import Civil
import Foundation
import PGDriver

/// The tables a manager reads, as CSV-ready text for one premises and a range of nights: a header and rows of
/// strings, every instant in the premises' own time with its offset (2026-11-29T22:55:00+00:00), so that a
/// spreadsheet shows the time staff saw and a clock change stays unambiguous. What falls in the range: a
/// placement whose expected stay overlaps it; an entry, an incident, an acknowledgement by when it happened; an
/// alert by its night; an out-of-service period (withdrawn and revised ones too) whose nights overlap it.
public enum ExportStore {
    public struct Table: Sendable, Equatable {
        public let header: [String]
        public let rows: [[String]]
    }

    static func t(_ column: String) -> String {
        "coalesce(to_char(\(column), 'YYYY-MM-DD\"T\"HH24:MI:SSTZH:TZM'), '')"
    }

    static let queries: [ExportTable: (header: [String], sql: String)] = [
        .placements: (
            [
                "placement", "crn", "name", "expected_arrival", "expected_departure", "status", "arrived_at",
                "departed_at", "departure_reason", "departure_notes", "cancellation_reason", "non_arrival_reason",
                "key_worker", "beds", "notes",
            ],
            """
            SELECT p.id::text, r.crn, r.given_name || ' ' || r.family_name, p.expected_arrival::text,
                p.expected_departure::text, p.status, \(t("p.arrived_at")), \(t("p.departed_at")),
                coalesce(p.departure_reason, ''), p.departure_notes, coalesce(p.cancellation_reason, ''),
                coalesce(p.non_arrival_reason, ''), coalesce(s.name, ''),
                coalesce((SELECT string_agg(b.code, ' ' ORDER BY lower(a.nights)) FROM bed_allocations a
                          JOIN beds b ON b.id = a.bed_id WHERE a.placement_id = p.id AND a.released_at IS NULL), ''),
                p.notes
            FROM placements p JOIN residents r ON r.id = p.resident_id LEFT JOIN staff s ON s.id = p.key_worker_id
            WHERE p.premises_id = $1 AND p.expected_arrival < $3 AND p.expected_departure > $2
            ORDER BY p.expected_arrival, r.crn, p.id
            """
        ),
        .movements: (
            [
                "entry", "crn", "name", "kind", "at", "recorded_at", "recorded_by", "destination", "expected_back",
                "late_reason", "voids", "void_reason", "note", "seq",
            ],
            """
            SELECT m.id::text, r.crn, r.given_name || ' ' || r.family_name, m.kind, \(t("m.at")),
                \(t("m.recorded_at")), coalesce(s.name, ''), m.destination, \(t("m.expected_back")),
                coalesce(m.late_reason, ''), coalesce(m.voids::text, ''), coalesce(m.void_reason, ''), m.note,
                m.seq::text
            FROM movements m JOIN residents r ON r.id = m.resident_id LEFT JOIN staff s ON s.id = m.recorded_by
            WHERE m.premises_id = $1 AND m.at >= $2 AND m.at < $3
            ORDER BY m.at, m.seq
            """
        ),
        .alerts: (
            [
                "alert", "night", "kind", "crn", "name", "raised_at", "escalate", "resolved_at", "resolved_reason",
                "acknowledged_at", "acknowledged_by", "outcome", "acknowledgement_note",
            ],
            """
            SELECT a.id::text, a.night::text, a.kind, r.crn, r.given_name || ' ' || r.family_name,
                \(t("a.raised_at")), a.escalate::text, \(t("a.resolved_at")), coalesce(a.resolved_reason, ''),
                \(t("k.acknowledged_at")), coalesce(s.name, ''), coalesce(k.outcome, ''), coalesce(k.note, '')
            FROM alerts a JOIN residents r ON r.id = a.resident_id
            LEFT JOIN alert_acknowledgements k ON k.alert_id = a.id LEFT JOIN staff s ON s.id = k.acknowledged_by
            WHERE a.premises_id = $1 AND a.night >= $2 AND a.night < $3
            ORDER BY a.night, r.crn, a.kind, k.acknowledged_at NULLS FIRST
            """
        ),
        .incidents: (
            [
                "incident", "version", "status", "occurred_at", "location", "category", "severity", "description",
                "immediate_action", "police_informed", "police_reference", "residents", "edited_at", "edited_by",
            ],
            """
            SELECT v.incident_id::text, v.version::text, v.status, \(t("v.occurred_at")), v.location, v.category,
                v.severity, v.description, v.immediate_action, v.police_informed::text,
                coalesce(v.police_reference, ''),
                coalesce((SELECT string_agg(r.crn, ' ' ORDER BY r.crn) FROM residents r
                          WHERE r.id = ANY(v.resident_ids)), ''),
                \(t("v.edited_at")), coalesce(s.name, '')
            FROM incident_versions v LEFT JOIN staff s ON s.id = v.edited_by
            WHERE v.premises_id = $1 AND v.occurred_at >= $2 AND v.occurred_at < $3
              AND v.version = (SELECT max(version) FROM incident_versions w WHERE w.incident_id = v.incident_id)
            ORDER BY v.occurred_at, v.incident_id
            """
        ),
        .outOfService: (
            [
                "period", "bed", "room", "from", "to", "reason", "notes", "recorded_at", "recorded_by", "replaces",
                "withdrawn_at", "withdrawn_reason",
            ],
            """
            SELECT o.id::text, b.code, rm.code, lower(o.nights)::text, upper(o.nights)::text, o.reason, o.notes,
                \(t("o.recorded_at")), coalesce(s.name, ''), coalesce(o.replaces::text, ''),
                \(t("o.withdrawn_at")), coalesce(o.withdrawn_reason, '')
            FROM out_of_service_periods o JOIN beds b ON b.id = o.bed_id JOIN rooms rm ON rm.id = b.room_id
            LEFT JOIN staff s ON s.id = o.recorded_by
            WHERE b.premises_id = $1 AND o.nights && daterange($2, $3)
            ORDER BY b.code, o.recorded_at, o.id
            """
        ),
    ]

    /// One table for the premises' nights [from, to), read in the premises' time zone; the export is audited as
    /// a read of that table at that premises.
    public static func table(
        _ c: PGConnection, actor: Actor, premisesId: UUID, _ table: ExportTable, nights: Nights
    ) throws -> Table {
        let (header, sql) = queries[table]!
        return try c.acting(as: actor) { c in
            let zone: String = try c.query("SELECT time_zone FROM premises WHERE id = $1", [premisesId])[0].decode(
                "time_zone")
            guard let tz = TimeZone(identifier: zone) else {
                throw PGError(.decoding, "premises time zone is unknown to this system", column: "time_zone")
            }
            try c.query("SELECT set_config('timezone', $1, true)", [zone])
            let start = Zone.instant(nights.from, LocalTime(hour: 0, minute: 0)!, in: tz)
            let end = Zone.instant(nights.to, LocalTime(hour: 0, minute: 0)!, in: tz)
            // The log and incidents are read by when they happened; the rest by their nights.
            let byInstant = table == .movements || table == .incidents
            let range: [any PGEncodable] = byInstant ? [start, end] : [nights.from, nights.to]
            let rows = try c.query(sql, [premisesId] + range).map { row in
                try (0..<header.count).map { try row.decode($0, as: String.self) }
            }
            try AuditStore.insertRead(c, table: "export:\(table.rawValue)", rowId: premisesId)
            return Table(header: header, rows: rows)
        }
    }
}
