import APDomain
import APWire
import Civil
import Foundation
import PGDriver

/// The sign-in/out log.
public enum MovementStore {

    static let columns = """
        id, premises_id, placement_id, resident_id, kind, at, recorded_at, recorded_by, destination, expected_back,
            note,
        late_reason, voids, void_reason, seq
        """

    static func movement(_ row: PGRow) throws -> Movement {
        Movement(
            id: try row.decode("id"), premisesId: try row.decode("premises_id"),
            placementId: try row.decode("placement_id"),
            residentId: try row.decode("resident_id"), kind: try row.value("kind"), at: try row.decode("at"),
            recordedAt: try row.decode("recorded_at"), recordedBy: try row.decode("recorded_by"),
            destination: try row.decode("destination"),
            expectedBack: try row.decode("expected_back"), note: try row.decode("note"),
            lateReason: try row.decode("late_reason"),
            voids: try row.decode("voids"), voidReason: try row.decode("void_reason"), seq: try row.decode("seq"))
    }

    /// Records a resident going out or coming in at `premisesId`, for the acting connection's actor, in one
    /// statement of its own.
    public static func record(_ a: ActingConnection, premisesId: UUID, _ entry: NewMovement, now: Date) throws
        -> Movement
    {
        try record(a.connection, actor: a.actor, premisesId: premisesId, entry, now: now)
    }

    public static func record(_ c: PGConnection, actor: Actor, premisesId: UUID, _ entry: NewMovement, now: Date) throws
        -> Movement
    {
        let at = entry.at ?? now
        switch MovementRules.refusal(kind: entry.kind, at: at, now: now, lateReason: entry.lateReason) {
        case .voidIsACorrection?:
            throw StoreError.invalid("use-void", "a correction is recorded with void", field: "kind")
        case .inFuture?:
            throw StoreError.invalid(
                "time-in-future", "that time is in the future: record it when it has happened", field: "at")
        case .lateWithoutReason?:
            throw StoreError.invalid(
                "late-movement-needs-reason",
                "a movement recorded more than 5 minutes after it happened needs a reason "
                    + "why it is late (lateReason; with ap, --reason)", field: "lateReason")
        case nil:
            break
        }
        let late = MovementRules.isLate(at: at, now: now)
        try limitText(entry.destination, field: "destination")
        try limitText(entry.note, field: "note")
        try limitText(entry.lateReason ?? "", field: "lateReason")
        // One statement (sql/0013_record_movement.sql) that takes the actor's settings itself: on its
        // own it is its own transaction, and the premises' chain head is locked only while it commits.
        let sql = "SELECT \(columns) FROM record_movement($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)"
        let params: [any PGEncodable] = [
            actor.name, actor.origin, actor.premisesScope, premisesId, entry.residentId, entry.kind.rawValue, at,
            actor.staffId, entry.destination, entry.expectedBack, entry.note, late ? entry.lateReason : nil, now,
        ]
        let insert = { (c: PGConnection) throws -> Movement in try translating { try movement(c.query(sql, params)[0]) }
        }
        return c.transactionState == .idle ? try insert(c) : try c.acting(as: actor, insert)
    }

    /// Voids a wrong entry with a reason, by appending a correction that names it.
    public static func void(_ c: PGConnection, actor: Actor, movementId: UUID, reason: String, now: Date) throws
        -> Movement
    {
        try requireText(reason, field: "reason")
        return try c.acting(as: actor) { c in
            guard
                let target = try c.query("SELECT \(columns) FROM movements WHERE id = $1", [movementId]).first.map(
                    movement)
            else {
                throw StoreError.notFound("movement", field: "movementId")
            }
            if target.kind == .void {
                throw StoreError.invalid(
                    "void-of-void", "a correction cannot be voided: record the entry again instead", field: "movementId"
                )
            }
            do {
                return try translating {
                    try movement(
                        c.query(
                            """
                            INSERT INTO movements (premises_id, placement_id, resident_id, kind, at, recorded_at,
                                recorded_by, voids, void_reason)
                            VALUES ($1, $2, $3, 'void', $4, $4, $5, $6, $7) RETURNING \(columns)
                            """,
                            [
                                target.premisesId, target.placementId, target.residentId, now, actor.staffId,
                                movementId, reason,
                            ])[0])
                }
            } catch let error as PGError where error.constraint == "movements_void_once" {
                throw StoreError.conflict("already-voided", "that entry has already been voided", field: "movementId")
            }
        }
    }

    /// A placement's log, oldest first, corrections included.
    public static func history(_ c: PGConnection, placementId: UUID) throws -> [Movement] {
        try c.query("SELECT \(columns) FROM movements WHERE placement_id = $1 ORDER BY seq", [placementId]).map(
            movement)
    }

    /// Every arrived resident at the premises, in or out by the log, by name.
    public static func roll(_ c: PGConnection, premisesId: UUID, night: LocalDate) throws -> [Presence] {
        let statement = rollStatement(premisesId: premisesId, night: night)
        return try rollEntries(c.query(statement.sql, statement.params))
    }

    /// The same, read for the acting connection's actor in one round trip.
    public static func roll(_ a: ActingConnection, premisesId: UUID, night: LocalDate) throws -> [Presence] {
        try roll(a.connection, actor: a.actor, premisesId: premisesId, night: night)
    }

    /// The same, read for `actor` in one round trip when no transaction is open.
    public static func roll(_ c: PGConnection, actor: Actor, premisesId: UUID, night: LocalDate) throws -> [Presence] {
        try rollEntries(c.acting(as: actor, rollStatement(premisesId: premisesId, night: night)))
    }

    static func rollStatement(premisesId: UUID, night: LocalDate) -> PGStatement {
        PGStatement(
            """
            SELECT p.id AS placement_id, r.id AS resident_id, r.crn, r.given_name || ' ' || r.family_name AS name,
                bed.bed_code,
                   bed.room_code,
                   coalesce(last.kind, 'in') AS kind, coalesce(last.at, p.arrived_at) AS since,
                   coalesce(last.destination, '') AS destination, last.expected_back
            FROM placements p JOIN residents r ON r.id = p.resident_id
            -- Lateral, so that each placement's bed is an index probe: as plain joins the planner could
            -- join every allocation in the country to every placement here. "(released_at IS NULL) IS
            -- TRUE" says the same as "released_at IS NULL" in a form the planner does not match to the
            -- partial GiST index of the no-overlap constraint, so the probe takes the btree index on
            -- placement_id instead: about a tenth of a who-is-in read under load (perf, BENCHMARKS.md).
            LEFT JOIN LATERAL (
                SELECT b.code AS bed_code, rm.code AS room_code
                FROM bed_allocations a JOIN beds b ON b.id = a.bed_id JOIN rooms rm ON rm.id = b.room_id
                WHERE a.placement_id = p.id AND (a.released_at IS NULL) IS TRUE AND a.nights @> $2::date LIMIT 1) AS
                    bed ON true
            LEFT JOIN LATERAL (
                SELECT m.kind, m.at, m.destination, m.expected_back FROM counted_movements m
                WHERE m.placement_id = p.id ORDER BY m.at DESC, m.seq DESC LIMIT 1) AS last ON true
            WHERE p.premises_id = $1 AND p.status = 'arrived'
            ORDER BY r.family_name, r.given_name, r.crn
            """, [premisesId, night])
    }

    static func rollEntries(_ result: PGResult) throws -> [Presence] {
        try result.map {
            Presence(
                residentId: try $0.decode("resident_id"), placementId: try $0.decode("placement_id"),
                crn: try $0.decode("crn"),
                name: try $0.decode("name"), bedCode: try $0.decode("bed_code"), roomCode: try $0.decode("room_code"),
                isIn: try $0.value("kind", as: MovementKind.self) == .in,
                since: try $0.decode("since"), destination: try $0.decode("destination"),
                expectedBack: try $0.decode("expected_back"))
        }
    }
}
