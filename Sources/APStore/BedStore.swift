import APDomain
import APWire
import Civil
import Foundation
import PGDriver

/// Bed allocations, moves, free beds, the bed board and out-of-service periods.
public enum BedStore {
    static let allocationColumns =
        "id, placement_id, bed_id, lower(nights) AS nights_from, upper(nights) AS nights_to, released_at"

    static func allocation(_ row: PGRow) throws -> BedAllocation {
        BedAllocation(
            id: try row.decode("id"), placementId: try row.decode("placement_id"), bedId: try row.decode("bed_id"),
            nights: try row.nights(), releasedAt: try row.decode("released_at"))
    }

    /// Allocates a bed to a placement for `nights`. A bed already taken on any of them is refused by the
    /// database's exclusion constraint (so two staff allocating the same bed at once cannot both win).
    public static func allocate(_ c: PGConnection, placementId: UUID, bedId: UUID, nights: Nights) throws
        -> BedAllocation
    {
        try translating {
            try allocation(
                c.query(
                    """
                    INSERT INTO bed_allocations (placement_id, bed_id, nights) VALUES ($1, $2, daterange($3, $4))
                    RETURNING \(allocationColumns)
                    """, [placementId, bedId, nights.from, nights.to])[0])
        }
    }

    /// Moves a placement to `toBed` from `night` on, in one transaction: the allocation holding that night
    /// ends there and a new one on the other bed runs to where the old one would have ended.
    public static func move(_ c: PGConnection, placementId: UUID, toBed: UUID, from night: LocalDate) throws
        -> BedAllocation
    {
        try c.atomically { c in
            guard
                let current = try c.query(
                    """
                    SELECT \(allocationColumns) FROM bed_allocations
                    WHERE placement_id = $1 AND released_at IS NULL AND nights @> $2::date FOR UPDATE
                    """, [placementId, night]
                ).first.map(allocation)
            else {
                throw StoreError.conflict(
                    "no-bed-that-night", "the placement has no bed on that night: allocate one instead", field: "night")
            }
            if current.bedId == toBed {
                throw StoreError.invalid("same-bed", "the placement is already in that bed", field: "bedId")
            }
            if current.nights.from == night {
                try c.query(
                    "UPDATE bed_allocations SET released_at = now(), released_reason = 'moved' WHERE id = $1",
                    [current.id])
            } else {
                try c.query(
                    "UPDATE bed_allocations SET nights = daterange(lower(nights), $2) WHERE id = $1",
                    [current.id, night])
            }
            return try allocate(
                c, placementId: placementId, bedId: toBed, nights: Nights(from: night, to: current.nights.to)!)
        }
    }

    /// The allocations of a placement, released ones included, oldest first.
    public static func allocations(_ c: PGConnection, placementId: UUID) throws -> [BedAllocation] {
        try c.query(
            "SELECT \(allocationColumns) FROM bed_allocations WHERE placement_id = $1 ORDER BY created_at, "
                + "lower(nights)",
            [placementId]
        ).map(allocation)
    }

    /// Beds open, unallocated and in service on every one of `nights`, with every room characteristic asked for.
    public static func freeBeds(
        _ c: PGConnection, premisesId: UUID, nights: Nights, requiring: [RoomCharacteristic] = []
    ) throws -> [Bed] {
        try c.query(
            """
            SELECT \(PremisesStore.bedColumns) FROM beds b JOIN rooms r ON r.id = b.room_id
            WHERE b.premises_id = $1 AND daterange($2, $3) <@ daterange(b.opened_on, b.closed_on)
              AND r.characteristics @> $4::text[]
              AND NOT EXISTS (SELECT 1 FROM bed_allocations a WHERE a.bed_id = b.id AND a.released_at IS NULL AND
                  a.nights && daterange($2, $3))
              AND NOT EXISTS (SELECT 1 FROM out_of_service_periods o WHERE o.bed_id = b.id AND o.withdrawn_at IS NULL
                  AND o.nights && daterange($2, $3))
            ORDER BY b.code
            """, [premisesId, nights.from, nights.to, requiring.map(\.rawValue)]
        ).map(PremisesStore.bed)
    }

    /// The bed board: every bed open during `nights`, with who is in it and when it is out of service.
    /// For a single night it answers "who is in each bed tonight".
    public static func board(_ c: PGConnection, premisesId: UUID, nights: Nights) throws -> [BoardRow] {
        let beds = try c.query(
            """
            SELECT \(PremisesStore.bedColumns) FROM beds b JOIN rooms r ON r.id = b.room_id
            WHERE b.premises_id = $1 AND daterange(b.opened_on, b.closed_on) && daterange($2, $3) ORDER BY b.code
            """, [premisesId, nights.from, nights.to]
        ).map(PremisesStore.bed)
        var holdings: [UUID: [(LocalDate, Holding)]] = [:]
        // From the premises' beds, so that each bed's allocations in the nights are a probe of the no-double-booking
        // index (bed, nights); from its placements, it read every allocation the premises ever had (16 ms after
        // five years of history, 2 ms so). A bed holds only its own premises' placements (a trigger says so).
        for row in try c.query(
            """
            SELECT a.bed_id, a.placement_id, r.id AS resident_id, r.crn, r.given_name || ' ' || r.family_name AS name,
                   lower(a.nights) AS nights_from, upper(a.nights) AS nights_to
            FROM beds b JOIN bed_allocations a ON a.bed_id = b.id
            JOIN placements p ON p.id = a.placement_id JOIN residents r ON r.id = p.resident_id
            WHERE b.premises_id = $1 AND a.released_at IS NULL AND a.nights && daterange($2, $3)
            """, [premisesId, nights.from, nights.to])
        {
            let n = try row.nights()
            holdings[try row.decode("bed_id"), default: []].append(
                (
                    n.from,
                    .allocated(
                        placementId: try row.decode("placement_id"), residentId: try row.decode("resident_id"),
                        crn: try row.decode("crn"),
                        name: try row.decode("name"), nights: n)
                ))
        }
        for row in try c.query(
            """
            SELECT o.id, o.bed_id, o.reason, lower(o.nights) AS nights_from, upper(o.nights) AS nights_to
            FROM out_of_service_periods o JOIN beds b ON b.id = o.bed_id
            WHERE b.premises_id = $1 AND o.withdrawn_at IS NULL AND o.nights && daterange($2, $3)
            """, [premisesId, nights.from, nights.to])
        {
            let n = try row.nights()
            holdings[try row.decode("bed_id"), default: []].append(
                (n.from, .outOfService(periodId: try row.decode("id"), reason: try row.value("reason"), nights: n)))
        }
        return beds.map { BoardRow(bed: $0, holdings: (holdings[$0.id] ?? []).sorted { $0.0 < $1.0 }.map(\.1)) }
    }

    // MARK: Out of service

    static let periodColumns = """
        id, bed_id, lower(nights) AS nights_from, upper(nights) AS nights_to, reason, notes, recorded_at, replaces,
            withdrawn_at, withdrawn_reason
        """

    static func period(_ row: PGRow) throws -> OutOfServicePeriod {
        OutOfServicePeriod(
            id: try row.decode("id"), bedId: try row.decode("bed_id"), nights: try row.nights(),
            reason: try row.value("reason"),
            notes: try row.decode("notes"), recordedAt: try row.decode("recorded_at"),
            replaces: try row.decode("replaces"),
            withdrawnAt: try row.decode("withdrawn_at"), withdrawnReason: try row.decode("withdrawn_reason"))
    }

    public static func putOutOfService(
        _ c: PGConnection, bedId: UUID, nights: Nights, reason: OutOfServiceReason, notes: String = "",
        recordedBy: UUID? = nil, replacing: UUID? = nil
    ) throws -> OutOfServicePeriod {
        try translating {
            try period(
                c.query(
                    """
                    INSERT INTO out_of_service_periods (bed_id, nights, reason, notes, recorded_by, replaces)
                    VALUES ($1, daterange($2, $3), $4, $5, $6, $7) RETURNING \(periodColumns)
                    """, [bedId, nights.from, nights.to, reason.rawValue, notes, recordedBy, replacing])[0])
        }
    }

    /// Changes a period: the old one is withdrawn (kept, marked replaced) and the new one records what it replaces.
    public static func revise(
        _ c: PGConnection, periodId: UUID, nights: Nights, reason: OutOfServiceReason, notes: String,
        by staffId: UUID? = nil
    ) throws -> OutOfServicePeriod {
        try c.atomically { c in
            guard
                let old = try c.query(
                    "SELECT \(periodColumns) FROM out_of_service_periods WHERE id = $1 FOR UPDATE", [periodId]
                ).first.map(period)
            else {
                throw StoreError.notFound("out-of-service period", field: "periodId")
            }
            if old.withdrawnAt != nil {
                throw StoreError.conflict(
                    "period-withdrawn", "that period was withdrawn or revised: revise its latest version")
            }
            try c.query(
                "UPDATE out_of_service_periods SET withdrawn_at = now(), withdrawn_by = $2, withdrawn_reason = "
                    + "'revised' WHERE id = $1",
                [periodId, staffId])
            return try putOutOfService(
                c, bedId: old.bedId, nights: nights, reason: reason, notes: notes, recordedBy: staffId,
                replacing: periodId)
        }
    }

    public static func withdraw(_ c: PGConnection, periodId: UUID, reason: String, by staffId: UUID? = nil) throws {
        try requireText(reason, field: "reason")
        let n = try c.query(
            """
            UPDATE out_of_service_periods SET withdrawn_at = now(), withdrawn_by = $2, withdrawn_reason = $3
            WHERE id = $1 AND withdrawn_at IS NULL
            """, [periodId, staffId, reason]
        ).affectedRows
        if n == 0 { throw StoreError.notFound("out-of-service period", field: "periodId") }
    }

    /// Every period a bed has had, withdrawn and revised ones included, in the order they were recorded.
    public static func outOfServiceHistory(_ c: PGConnection, bedId: UUID) throws -> [OutOfServicePeriod] {
        try c.query(
            "SELECT \(periodColumns) FROM out_of_service_periods WHERE bed_id = $1 ORDER BY recorded_at, id", [bedId]
        ).map(period)
    }
}
