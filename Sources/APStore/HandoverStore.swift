import APDomain
import APWire
import Civil
import Foundation
import PGDriver

public enum HandoverStore {
    static func last(_ c: PGConnection, premisesId: UUID) throws -> Date? {
        try c.query("SELECT max(acknowledged_at) AS at FROM handovers WHERE premises_id = $1", [premisesId])[0].decode(
            "at")
    }

    public static func summary(_ c: PGConnection, premisesId: UUID, now: Date) throws -> HandoverSummary {
        guard let premises = try PremisesStore.get(c, id: premisesId),
            let zone = TimeZone(identifier: premises.timeZone),
            let baseline = CurfewWindow(start: premises.curfewStart, end: premises.curfewEnd)
        else {
            throw StoreError.notFound("premises", field: "premisesId")
        }
        let tonight = CurfewNight.tonight(at: now, in: zone, baseline: baseline)
        let today = Zone.local(now, in: zone).date
        let since = try last(c, premisesId: premisesId)
        let from = since ?? now.addingTimeInterval(-86_400)
        let roll = try MovementStore.roll(c, premisesId: premisesId, night: tonight)
        let residents = Dictionary(roll.map { ($0.residentId, $0) }, uniquingKeysWith: { a, _ in a })
        let extra = try ConditionStore.curfews(c, residentIds: Array(residents.keys)).compactMap {
            id, conditions -> CurfewTonight? in
            let windows = conditions.filter { $0.applies(on: tonight) }.flatMap(\.windows)
            guard !windows.isEmpty, let r = residents[id] else { return nil }
            return CurfewTonight(residentId: id, crn: r.crn, name: r.name, windows: windows)
        }.sorted { $0.name < $1.name }
        let alerts = try AlertStore.list(c, premisesId: premisesId, since: today.adding(days: -30))
            .filter { $0.resolvedAt == nil && $0.acknowledgements.isEmpty || $0.raisedAt >= from }
        let due = try c.query(
            """
            SELECT p.id, p.resident_id, r.crn, r.given_name || ' ' || r.family_name AS name, p.status,
                p.expected_arrival, p.expected_departure
            FROM placements p JOIN residents r ON r.id = p.resident_id
            WHERE p.premises_id = $1 AND ((p.status = 'upcoming' AND p.expected_arrival <= $2) OR (p.status = 'arrived'
                AND p.expected_departure <= $2))
            ORDER BY r.family_name, r.given_name
            """, [premisesId, today]
        ).map {
            PlacementDue(
                placementId: try $0.decode("id"), residentId: try $0.decode("resident_id"), crn: try $0.decode("crn"),
                name: try $0.decode("name"),
                status: try $0.value("status"), expectedArrival: try $0.decode("expected_arrival"),
                expectedDeparture: try $0.decode("expected_departure"))
        }
        let outOfService = try c.query(
            """
            SELECT b.code, o.reason, lower(o.nights) AS f, upper(o.nights) AS t FROM out_of_service_periods o JOIN beds
                b ON b.id = o.bed_id
            WHERE b.premises_id = $1 AND o.withdrawn_at IS NULL AND o.nights @> $2::date ORDER BY b.code
            """, [premisesId, tonight]
        ).map {
            BedOutOfService(
                bedCode: try $0.decode("code"), reason: try $0.value("reason"),
                nights: Nights(from: try $0.decode("f"), to: try $0.decode("t"))!)
        }
        let notes = try c.query(
            """
            SELECT n.id, n.written_at, s.name, n.text FROM handover_notes n LEFT JOIN staff s ON s.id = n.written_by
            WHERE n.premises_id = $1 AND n.written_at > $2 ORDER BY n.written_at
            """, [premisesId, from]
        ).map {
            HandoverNote(
                id: try $0.decode("id"), writtenAt: try $0.decode("written_at"), writtenBy: try $0.decode("name"),
                text: try $0.decode("text"))
        }
        return HandoverSummary(
            premisesId: premisesId, tonight: tonight, since: since, generatedAt: now, out: roll.filter { !$0.isIn },
            inCount: roll.filter(\.isIn).count,
            baselineCurfew: baseline, extraCurfews: extra, alerts: alerts,
            incidents: try IncidentStore.list(c, premisesId: premisesId, since: from),
            arrivalsDue: due.filter { $0.status == .upcoming }, departuresDue: due.filter { $0.status == .arrived },
            freeBeds: try BedStore.freeBeds(
                c, premisesId: premisesId, nights: Nights(from: tonight, to: tonight.adding(days: 1))!),
            outOfService: outOfService, notes: notes)
    }

    public static func addNote(_ c: PGConnection, actor: Actor, premisesId: UUID, text: String) throws -> HandoverNote {
        let text = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...4000).contains(text.count) else {
            throw StoreError.invalid("note-length", "a handover note is 1 to 4000 characters", field: "text")
        }
        return try c.acting(as: actor) { c in
            let row = try translating {
                try c.query(
                    """
                    WITH n AS (INSERT INTO handover_notes (premises_id, written_by, text) VALUES ($1, $2, $3) RETURNING
                        id, written_at, written_by, text)
                    SELECT n.id, n.written_at, s.name, n.text FROM n LEFT JOIN staff s ON s.id = n.written_by
                    """, [premisesId, actor.staffId, text])[0]
            }
            return HandoverNote(
                id: try row.decode("id"), writtenAt: try row.decode("written_at"), writtenBy: try row.decode("name"),
                text: try row.decode("text"))
        }
    }

    /// The incoming shift has read the handover: it is closed and kept, and the next covers what follows.
    public static func acknowledge(_ c: PGConnection, actor: Actor, premisesId: UUID) throws -> Handover {
        try c.acting(as: actor) { c in
            // Two acknowledgements at once take turns, so that each covers its own period.
            try c.query("SELECT id FROM premises WHERE id = $1 FOR UPDATE", [premisesId])
            return try handover(
                c.query(
                    """
                    WITH h AS (INSERT INTO handovers (premises_id, since, acknowledged_by)
                               VALUES ($1, (SELECT max(acknowledged_at) FROM handovers WHERE premises_id = $1), $2)
                                   RETURNING *)
                    SELECT h.id, h.premises_id, h.since, h.acknowledged_at, s.name FROM h LEFT JOIN staff s ON s.id =
                        h.acknowledged_by
                    """, [premisesId, actor.staffId])[0])
        }
    }

    public static func history(_ c: PGConnection, premisesId: UUID, limit: Int = 100) throws -> [Handover] {
        try c.query(
            """
            SELECT h.id, h.premises_id, h.since, h.acknowledged_at, s.name FROM handovers h LEFT JOIN staff s ON s.id =
                h.acknowledged_by
            WHERE h.premises_id = $1 ORDER BY h.acknowledged_at DESC LIMIT $2
            """, [premisesId, limit]
        ).map(handover)
    }

    static func handover(_ row: PGRow) throws -> Handover {
        Handover(
            id: try row.decode("id"), premisesId: try row.decode("premises_id"), since: try row.decode("since"),
            acknowledgedAt: try row.decode("acknowledged_at"), acknowledgedBy: try row.decode("name"))
    }
}
