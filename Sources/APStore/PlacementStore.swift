import APDomain
import APWire
import Civil
import Foundation
import PGDriver

/// Placements and their lifecycle. Each transition locks the placement, checks the domain rule (for a
/// clear refusal), and lets the database's trigger hold the same rule as a second wall.
public enum PlacementStore {
    static let columns = """
        id, resident_id, premises_id, expected_arrival, expected_departure, status, key_worker_id, arrived_at,
            departed_at,
        departure_reason, departure_notes, cancellation_reason, non_arrival_reason, notes
        """

    static func placement(_ row: PGRow) throws -> Placement {
        Placement(
            id: try row.decode("id"), residentId: try row.decode("resident_id"),
            premisesId: try row.decode("premises_id"),
            expectedArrival: try row.decode("expected_arrival"),
            expectedDeparture: try row.decode("expected_departure"),
            status: try row.value("status"), keyWorkerId: try row.decode("key_worker_id"),
            arrivedAt: try row.decode("arrived_at"),
            departedAt: try row.decode("departed_at"), departureReason: try row.optionalValue("departure_reason"),
            departureNotes: try row.decode("departure_notes"),
            cancellationReason: try row.optionalValue("cancellation_reason"),
            nonArrivalReason: try row.optionalValue("non_arrival_reason"),
            notes: try row.decode("notes"))
    }

    public static func create(
        _ c: PGConnection, residentId: UUID, premisesId: UUID, expected: Nights, keyWorkerId: UUID? = nil,
        notes: String = ""
    ) throws -> Placement {
        try translating {
            try placement(
                c.query(
                    """
                    INSERT INTO placements (resident_id, premises_id, expected_arrival, expected_departure,
                        key_worker_id, notes)
                    VALUES ($1, $2, $3, $4, $5, $6) RETURNING \(columns)
                    """, [residentId, premisesId, expected.from, expected.to, keyWorkerId, notes])[0])
        }
    }

    public static func get(_ c: PGConnection, id: UUID) throws -> Placement? {
        try c.query("SELECT \(columns) FROM placements WHERE id = $1", [id]).first.map(placement)
    }

    /// A premises' placements whose expected stay overlaps `nights`, of the given statuses (all when
    /// empty), by expected arrival.
    public static func list(
        _ c: PGConnection, premisesId: UUID, overlapping nights: Nights, statuses: [PlacementStatus] = []
    ) throws -> [Placement] {
        try c.query(
            """
            SELECT \(columns) FROM placements
            WHERE premises_id = $1 AND expected_arrival < $3 AND expected_departure > $2 AND (cardinality($4::text[]) =
                0 OR status = ANY($4))
            ORDER BY expected_arrival, id
            """, [premisesId, nights.from, nights.to, statuses.map(\.rawValue)]
        ).map(placement)
    }

    /// Records the arrival at `at`, which may not be later than `now`.
    public static func arrive(_ c: PGConnection, id: UUID, at: Date, now: Date) throws -> Placement {
        try notInFuture(at, now, field: "arrivedAt")
        return try transition(c, id, to: .arrived) { _ in
            try c.query(
                "UPDATE placements SET status = 'arrived', arrived_at = $2 WHERE id = $1 RETURNING \(columns)",
                [id, at])
        }
    }

    /// Records the departure; the bed is given up from the night of departure (local date at the premises).
    public static func depart(
        _ c: PGConnection, id: UUID, at: Date, reason: DepartureReason, notes: String = "", now: Date
    ) throws -> Placement {
        try notInFuture(at, now, field: "departedAt")
        return try transition(c, id, to: .departed) { current in
            if let arrived = current.arrivedAt, at < arrived {
                throw StoreError.invalid(
                    "departure-before-arrival", "the departure is before the arrival: check the time",
                    field: "departedAt")
            }
            let night = try localDate(c, premisesId: current.premisesId, of: at)
            try releaseAllocations(c, placementId: id, from: night, reason: "departed")
            return try c.query(
                """
                UPDATE placements SET status = 'departed', departed_at = $2, departure_reason = $3,
                    departure_notes = $4
                WHERE id = $1 RETURNING \(columns)
                """, [id, at, reason.rawValue, notes])
        }
    }

    /// Gives the placement a key worker (nil: none). The database refuses one who does not work at the premises.
    public static func assignKeyWorker(_ c: PGConnection, id: UUID, keyWorkerId: UUID?) throws -> Placement {
        try translating {
            try placement(
                c.query(
                    "UPDATE placements SET key_worker_id = $2 WHERE id = $1 RETURNING \(columns)", [id, keyWorkerId])[
                        0])
        }
    }

    public static func cancel(_ c: PGConnection, id: UUID, reason: CancellationReason, at: Date) throws -> Placement {
        try transition(c, id, to: .cancelled) { _ in
            try releaseAllocations(c, placementId: id, from: nil, reason: "cancelled")
            return try c.query(
                """
                UPDATE placements SET status = 'cancelled', ended_at = $2, cancellation_reason = $3 WHERE id = $1
                    RETURNING \(columns)
                """, [id, at, reason.rawValue])
        }
    }

    public static func recordNonArrival(_ c: PGConnection, id: UUID, reason: NonArrivalReason, at: Date) throws
        -> Placement
    {
        try transition(c, id, to: .nonArrival) { _ in
            try releaseAllocations(c, placementId: id, from: nil, reason: "non-arrival")
            return try c.query(
                """
                UPDATE placements SET status = 'non_arrival', ended_at = $2, non_arrival_reason = $3 WHERE id = $1
                    RETURNING \(columns)
                """, [id, at, reason.rawValue])
        }
    }

    static func transition(
        _ c: PGConnection, _ id: UUID, to next: PlacementStatus,
        _ apply: (Placement) throws -> PGResult
    ) throws -> Placement {
        try c.atomically { c in
            guard
                let current = try c.query("SELECT \(columns) FROM placements WHERE id = $1 FOR UPDATE", [id]).first.map(
                    placement)
            else {
                throw StoreError.notFound("placement", field: "placementId")
            }
            if let refusal = current.status.refusal(becoming: next) {
                throw StoreError.conflict("placement-transition", refusal, field: "status")
            }
            return try translating { try placement(apply(current)[0]) }
        }
    }

    /// Ends a placement's allocations at `night` (all of them when nil): those starting on or after it are
    /// released, one running across it is cut short. Rows are kept.
    static func releaseAllocations(_ c: PGConnection, placementId: UUID, from night: LocalDate?, reason: String) throws
    {
        try c.query(
            """
            UPDATE bed_allocations SET released_at = now(), released_reason = $3
            WHERE placement_id = $1 AND released_at IS NULL AND ($2::date IS NULL OR lower(nights) >= $2)
            """, [placementId, night, reason])
        if let night {
            try c.query(
                """
                UPDATE bed_allocations SET nights = daterange(lower(nights), $2)
                WHERE placement_id = $1 AND released_at IS NULL AND nights @> $2::date
                """, [placementId, night])
        }
    }

    static func localDate(_ c: PGConnection, premisesId: UUID, of instant: Date) throws -> LocalDate {
        let name: String = try c.query("SELECT time_zone FROM premises WHERE id = $1", [premisesId])[0].decode(
            "time_zone")
        guard let zone = TimeZone(identifier: name) else {
            throw PGError(.decoding, "premises time zone is unknown to this system", column: "time_zone")
        }
        return Zone.local(instant, in: zone).date
    }

    static func notInFuture(_ instant: Date, _ now: Date, field: String) throws {
        // A minute's grace for clocks that disagree a little.
        if instant > now.addingTimeInterval(DateRules.eventMargin) {
            throw StoreError.invalid(
                "time-in-future", "that time is in the future: record it when it has happened", field: field)
        }
    }
}
