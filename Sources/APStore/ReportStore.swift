import APDomain
import APWire
import Foundation
import PGDriver

/// Residents reporting to staff, as reporting conditions require.
public enum ReportStore {
    /// Records that a resident staying at the premises reported to staff at `at` (now when nil).
    @discardableResult
    public static func record(
        _ c: PGConnection, actor: Actor, premisesId: UUID, residentId: UUID, at: Date? = nil, note: String = "",
        now: Date
    ) throws -> UUID {
        let at = at ?? now
        if at > now.addingTimeInterval(DateRules.eventMargin) {
            throw StoreError.invalid(
                "time-in-future", "that time is in the future: record it when it has happened", field: "at")
        }
        try limitText(note, field: "note")
        return try c.acting(as: actor) { c in
            guard
                let placement = try c.query(
                    "SELECT id FROM placements WHERE resident_id = $1 AND premises_id = $2 AND status = 'arrived'",
                    [residentId, premisesId]
                ).first
            else {
                throw StoreError.conflict(
                    "not-staying-here",
                    "the resident is not staying at this premises (not arrived, departed, or elsewhere): check who "
                        + "you mean"
                )
            }
            return try c.query(
                """
                INSERT INTO reports (premises_id, placement_id, resident_id, at, recorded_by, note, recorded_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id
                """, [premisesId, try placement.decode("id", as: UUID.self), residentId, at, actor.staffId, note, now])[
                    0
                ]
                .decode("id")
        }
    }
}
