import APDomain
import APWire
import Civil
import Foundation
import PGDriver

/// The log's entries as evidence, and the evidence pack for a recall request.
public enum EvidenceStore {
    static let entryColumns = """
        m.id, m.premises_id, m.kind, m.at, m.recorded_at, coalesce(s.name, 'the system') AS recorded_by,
            m.destination, m.expected_back, m.note, m.late_reason, m.voids, m.void_reason, m.seq,
            (SELECT v.id FROM movements v WHERE v.voids = m.id) AS voided_by
        """

    static func entry(_ row: PGRow) throws -> EvidenceEntry {
        EvidenceEntry(
            id: try row.decode("id"), premisesId: try row.decode("premises_id"), kind: try row.value("kind"),
            at: try row.decode("at"), recordedAt: try row.decode("recorded_at"),
            recordedBy: try row.decode("recorded_by"), destination: try row.decode("destination"),
            expectedBack: try row.decode("expected_back"), note: try row.decode("note"),
            lateReason: try row.decode("late_reason"), voids: try row.decode("voids"),
            voidReason: try row.decode("void_reason"), voidedBy: try row.decode("voided_by"),
            seq: try row.decode("seq"))
    }

    /// The entries with these ids, oldest first, each with who recorded it and whether it was voided.
    static func entries(_ c: PGConnection, ids: [UUID]) throws -> [EvidenceEntry] {
        if ids.isEmpty { return [] }
        return try c.query(
            """
            SELECT \(entryColumns) FROM movements m LEFT JOIN staff s ON s.id = m.recorded_by
            WHERE m.id = ANY($1) ORDER BY m.at, m.seq
            """, [ids]
        ).map(entry)
    }

    /// A premises' entries that count (not voids, not voided) from `since`, newest first, each with its resident's
    /// CRN and name: what the shift may need to void.
    public static func recent(_ c: PGConnection, premisesId: UUID, since: Date, limit: Int = 50) throws
        -> [(entry: EvidenceEntry, crn: String, name: String)]
    {
        try c.query(
            """
            SELECT \(entryColumns), r.crn, r.given_name || ' ' || r.family_name AS resident_name
            FROM counted_movements m JOIN residents r ON r.id = m.resident_id LEFT JOIN staff s ON s.id = m.recorded_by
            WHERE m.premises_id = $1 AND m.at >= $2 ORDER BY m.at DESC, m.seq DESC LIMIT $3
            """, [premisesId, since, limit]
        ).map { (try entry($0), try $0.decode("crn"), try $0.decode("resident_name")) }
    }

    /// How many nights one pack may cover: a recall is about weeks, and a pack is read by a person.
    public static let maxNights = 366

    /// Everything held about a resident over `nights`, read as `actor`, and recorded in the audit trail as
    /// read. Nil when there is no such resident (or the actor may not see them).
    public static func pack(_ c: PGConnection, actor: Actor, residentId: UUID, nights: Nights, now: Date) throws
        -> EvidencePack?
    {
        guard nights.count <= maxNights else {
            throw StoreError.invalid(
                "range-too-long", "a pack covers at most \(maxNights) nights: ask for a shorter range", field: "to")
        }
        return try c.acting(as: actor) { c in
            guard let resident = try ResidentStore.get(c, id: residentId) else { return nil }
            try AuditStore.insertRead(c, table: "evidence_pack", rowId: residentId)
            return try read(c, resident, nights: nights, now: now)
        }
    }

    static func read(_ c: PGConnection, _ resident: Resident, nights range: Nights, now: Date) throws -> EvidencePack {
        let (from, to) = (range.from, range.to.adding(days: -1))
        let london = TimeZone(identifier: "Europe/London")!
        // Wide enough for any zone: each night's own span is taken below, in its premises' zone.
        let start = CurfewNight.span(of: from, in: london).start.addingTimeInterval(-86_400)
        let end = CurfewNight.span(of: to, in: london).end.addingTimeInterval(86_400)
        let placements = try c.query(
            """
            SELECT \(PlacementStore.columns) FROM placements
            WHERE resident_id = $1 AND status IN ('arrived', 'departed') AND arrived_at < $3
                AND (departed_at IS NULL OR departed_at > $2)
            ORDER BY arrived_at
            """, [resident.id, start, end]
        ).map(PlacementStore.placement)
        let premises = try Dictionary(
            uniqueKeysWithValues: c.query(
                "SELECT \(PremisesStore.premisesColumns) FROM premises WHERE id = ANY($1)",
                [placements.map(\.premisesId)]
            ).map(PremisesStore.premises).map { ($0.id, $0) })
        let conditions = try ConditionStore.list(c, residentId: resident.id).filter {
            $0.startsOn <= to && ($0.endsOn.map { $0 > from } ?? true)
        }
        let absences = try c.query(
            """
            SELECT \(ConditionStore.absenceColumns) FROM authorised_absences
            WHERE resident_id = $1 AND starts_at < $3 AND ends_at > $2 ORDER BY starts_at
            """, [resident.id, start, end]
        ).map(ConditionStore.absence)

        // The entries of the range, the one in force when it began, and the voids of any of them.
        let ids = try c.query(
            """
            WITH shown AS (
                SELECT id FROM movements WHERE resident_id = $1 AND kind <> 'void' AND at >= $2 AND at < $3
                UNION
                (SELECT id FROM movements WHERE resident_id = $1 AND kind <> 'void' AND at < $2
                 ORDER BY at DESC, seq DESC LIMIT 1))
            SELECT id FROM shown UNION SELECT v.id FROM movements v JOIN shown ON v.voids = shown.id
            """, [resident.id, start, end]
        ).map { try $0.decode("id", as: UUID.self) }
        var entries = try entries(c, ids: ids)
        let checks = try Dictionary(
            uniqueKeysWithValues: c.query("SELECT * FROM movements_chain_check($1)", [ids]).map { row in
                let hash: Bool = try row.decode("hash_holds")
                let link: Bool = try row.decode("link_holds")
                return (
                    try row.decode("id", as: UUID.self), hash ? (link ? ChainCheck.verified : .linkBroken) : .altered
                )
            })
        for i in entries.indices { entries[i].chain = checks[entries[i].id] }

        let reports = try c.query(
            """
            SELECT r.at, r.recorded_at, coalesce(s.name, 'the system') AS recorded_by, r.note
            FROM reports r LEFT JOIN staff s ON s.id = r.recorded_by
            WHERE r.resident_id = $1 AND r.at >= $2 AND r.at < $3 ORDER BY r.at
            """, [resident.id, start, end]
        ).map {
            EvidenceReport(
                at: try $0.decode("at"), recordedAt: try $0.decode("recorded_at"),
                recordedBy: try $0.decode("recorded_by"), note: try $0.decode("note"))
        }
        let alerts = try AlertStore.alerts(
            c,
            c.query(
                """
                SELECT \(AlertStore.columns) FROM alerts WHERE resident_id = $1 AND night BETWEEN $2 AND $3
                ORDER BY night, raised_at
                """, [resident.id, from, to]))
        // Each incident's latest version naming them, if it happened in the range. Only incidents with a version
        // in the range can have one, and those are found by when they happened (incident_versions_occurred): the
        // policy's filter keeps the GIN index of the people named from being used (sql/0032). Each one's versions
        // are then read by its key, LATERAL ... LIMIT 1 so the planner cannot do otherwise: given the range as
        // constants it expected a handful of versions naming the resident and scanned every version ever written (25 ms
        // a call after ten years under the day's load, 4 ms so: BENCHMARKS.md).
        let incidents = try c.query(
            """
            SELECT latest.* FROM (SELECT DISTINCT incident_id FROM incident_versions
                                  WHERE occurred_at >= $2 AND occurred_at < $3) AS ranged
            CROSS JOIN LATERAL (SELECT \(IncidentStore.columns) FROM incident_versions v
                                WHERE v.incident_id = ranged.incident_id AND v.resident_ids @> ARRAY[$1::uuid]
                                ORDER BY v.version DESC LIMIT 1) AS latest
            WHERE latest.occurred_at >= $2 AND latest.occurred_at < $3 ORDER BY latest.occurred_at
            """, [resident.id, start, end]
        ).map(IncidentStore.incident)

        let zone =
            placements.first.flatMap { premises[$0.premisesId] }.flatMap { TimeZone(identifier: $0.timeZone) }
            ?? london
        var nights: [EvidenceNight] = []
        var night = from
        while night <= to {
            nights.append(
                EvidenceStore.night(
                    night, placements: placements, premises: premises, conditions: conditions, absences: absences))
            night = night.adding(days: 1)
        }
        return EvidencePack(
            resident: resident, from: range.from, to: range.to, generatedAt: now, timeZone: zone.identifier,
            premises: premises.values.sorted { $0.code < $1.code }, placements: placements, conditions: conditions,
            absences: absences, nights: nights, entries: entries,
            reports: reports, alerts: alerts, incidents: incidents,
            chainVerified: entries.allSatisfy { $0.chain == .verified })
    }

    /// One night's curfew where the resident was placed, as the check computes it (CurfewNight, in the domain).
    static func night(
        _ night: LocalDate, placements: [Placement], premises: [UUID: Premises], conditions: [LicenceCondition],
        absences: [AuthorisedAbsence]
    ) -> EvidenceNight {
        let london = TimeZone(identifier: "Europe/London")!
        let span = CurfewNight.span(of: night, in: london)
        let stay = placements.last { p in
            (p.arrivedAt ?? .distantFuture) < span.end && (p.departedAt ?? .distantFuture) > span.start
        }
        guard let stay, let p = premises[stay.premisesId], let zone = TimeZone(identifier: p.timeZone),
            let baseline = CurfewWindow(start: p.curfewStart, end: p.curfewEnd)
        else { return EvidenceNight(night: night, premisesCode: nil, windows: [], clocksChange: nil) }
        let curfews = conditions.compactMap { try? $0.curfewCondition() }.compactMap { $0 }
        let away = absences.filter { $0.withdrawnAt == nil }.map(\.interval).filter {
            $0.intersects(CurfewNight.span(of: night, in: zone))
        }
        let windows = CurfewNight.intervals(
            night: night, baseline: baseline, conditions: curfews, absences: away, zone: zone
        ).map { w in
            EvidenceWindow(
                start: w.start, end: w.end,
                local: "\(Zone.clockTime(w.start, in: zone)) to \(Zone.clockTime(w.end, in: zone))")
        }
        return EvidenceNight(
            night: night, premisesCode: p.code, windows: windows,
            clocksChange: CurfewNight.clocksChange(on: night, in: zone))
    }
}
