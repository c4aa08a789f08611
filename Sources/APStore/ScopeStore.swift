import APWire
import Foundation
import PGDriver

/// Which premises a record belongs to: what the service checks an account against before it reads or
/// writes the record. A resident belongs to the premises that added them and to every premises they
/// have had a placement at; their conditions and absences with them.
public enum ScopeStore {
    public enum Kind: String, Sendable, CaseIterable {
        case room, bed, outOfServicePeriod, placement, resident, condition, absence, movement, incident, alert, staff,
            account, token
    }

    /// The premises `id` belongs to: nil when there is no such record; empty for a record that belongs
    /// to none (an admin's account; a resident added before residents belonged to a premises and never placed).
    public static func premises(_ c: PGConnection, of kind: Kind, id: UUID) throws -> Set<UUID>? {
        let rows = try c.query(sql[kind]!, [id])
        guard let first = rows.first else { return nil }
        guard try first.decode("found", as: Bool.self) else { return nil }
        return Set(try rows.compactMap { try $0.decode("premises_id", as: UUID?.self) })
    }

    /// One row per premises, with `found` so that "exists but belongs to none" can be told from "no
    /// such record" in one round trip.
    static let sql: [Kind: String] = [
        .room: "SELECT true AS found, premises_id FROM rooms WHERE id = $1",
        .bed: "SELECT true AS found, premises_id FROM beds WHERE id = $1",
        .outOfServicePeriod:
            "SELECT true AS found, b.premises_id FROM out_of_service_periods o JOIN beds b ON b.id = o.bed_id WHERE "
            + "o.id = $1",
        .placement: "SELECT true AS found, premises_id FROM placements WHERE id = $1",
        .resident: residentScope("SELECT $1::uuid AS resident_id"),
        .condition: residentScope("SELECT resident_id FROM licence_conditions WHERE id = $1"),
        .absence: residentScope("SELECT resident_id FROM authorised_absences WHERE id = $1"),
        .movement: "SELECT true AS found, premises_id FROM movements WHERE id = $1",
        .incident: "SELECT true AS found, premises_id FROM incidents WHERE id = $1",
        .alert: "SELECT true AS found, premises_id FROM alerts WHERE id = $1",
        .staff:
            "SELECT true AS found, sp.premises_id FROM staff s LEFT JOIN staff_premises sp ON sp.staff_id = s.id "
            + "WHERE s.id = $1",
        .account: """
        SELECT true AS found, sp.premises_id FROM accounts a LEFT JOIN staff_premises sp ON sp.staff_id = a.staff_id
            WHERE a.id = $1
        """,
        .token: """
        SELECT true AS found, sp.premises_id FROM api_tokens t JOIN accounts a ON a.id = t.account_id
        LEFT JOIN staff_premises sp ON sp.staff_id = a.staff_id WHERE t.id = $1
        """,
    ]

    /// The premises of the resident `residentSQL` finds (one row, one column `resident_id`): the one that
    /// added them and those of their placements.
    static func residentScope(_ residentSQL: String) -> String {
        """
        WITH x AS (\(residentSQL))
        SELECT true AS found, r.premises_id FROM residents r JOIN x ON r.id = x.resident_id
        UNION SELECT true, p.premises_id FROM placements p JOIN x ON p.resident_id = x.resident_id
        """
    }
}
