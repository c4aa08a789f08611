import APStore
import APWire
import Foundation
import PGDriver
import ServiceHarness
import TestDatabase
import Testing

/// Row-level security, the second wall: a query that forgets to filter by premises, run the way the
/// service runs every request (as the application role, for an account), returns nothing of another
/// premises, and cannot write there either.
@Suite struct RowLevelSecurityTests {
    @Test func anUnscopedQueryReturnsNothingForeign() async throws {
        try await Harness.with { h in
            let tokens = (staff: h.tokens.staff, admin: h.tokens.admin)
            try await h.db { c in
                guard case .success(let staff) = try AccountStore.authenticate(c, token: tokens.staff, now: Date()),
                    case .success(let admin) = try AccountStore.authenticate(c, token: tokens.admin, now: Date())
                else {
                    Issue.record("the demo's tokens were refused")
                    return
                }
                let home = h.home
                // As the owner (no wall): what exists, here and elsewhere.
                let count = { (sql: String) in try c.query(sql)[0].decode(0, as: Int.self) }
                let tables = [
                    "movements", "counted_movements", "placements", "alerts", "incidents", "incident_versions", "beds",
                    "rooms",
                ]
                var owner: [String: (all: Int, home: Int)] = [:]
                for t in tables {
                    owner[t] = (
                        try count("SELECT count(*) FROM \(t)"),
                        try count("SELECT count(*) FROM \(t) WHERE premises_id = '\(home)'")
                    )
                }
                // Tables limited through a bed or an alert.
                let through = [
                    "bed_allocations": "JOIN beds b ON b.id = x.bed_id WHERE b.premises_id",
                    "out_of_service_periods": "JOIN beds b ON b.id = x.bed_id WHERE b.premises_id",
                    "alert_outbox": "JOIN alerts a ON a.id = x.alert_id WHERE a.premises_id",
                ]
                for (t, join) in through {
                    owner[t] = (
                        try count("SELECT count(*) FROM \(t)"),
                        try count("SELECT count(*) FROM \(t) x \(join) = '\(home)'")
                    )
                }
                #expect(
                    owner["bed_allocations"]!.all > owner["bed_allocations"]!.home && owner["bed_allocations"]!.home > 0
                )
                let elsewhereOnly: [UUID] = try c.query(
                    """
                    SELECT r.id FROM residents r WHERE NOT EXISTS (SELECT 1 FROM placements p WHERE p.resident_id =
                        r.id AND p.premises_id = $1)
                      AND EXISTS (SELECT 1 FROM placements p WHERE p.resident_id = r.id)
                    """, [home]
                ).map { try $0.decode("id") }
                #expect(elsewhereOnly.count > 20 && owner["movements"]!.all > owner["movements"]!.home)

                // As a staff member of the home premises: the same unscoped queries see only home rows.
                try c.acting(as: staff.actor) { c throws in
                    for t in tables + through.keys {
                        #expect(try count("SELECT count(*) FROM \(t)") == owner[t]!.home, "\(t)")
                    }
                    #expect(
                        try c.query("SELECT count(*) FROM residents WHERE id = ANY($1)", [elsewhereOnly])[0].decode(
                            0, as: Int.self) == 0)
                    #expect(
                        try c.query(
                            "SELECT count(*) FROM licence_conditions WHERE resident_id = ANY($1)", [elsewhereOnly])[0]
                            .decode(0, as: Int.self) == 0)
                }
                // Nor write there: a movement for another premises' resident is refused by the database itself.
                let foreign = try c.query(
                    "SELECT id, premises_id, resident_id FROM placements WHERE premises_id <> $1 AND status = "
                        + "'arrived' LIMIT 1",
                    [home])[0]
                let refused = pgError {
                    _ = try c.acting(as: staff.actor) { c -> PGResult in
                        try c.query(
                            "INSERT INTO movements (premises_id, placement_id, resident_id, kind, at) VALUES ($1, "
                                + "$2, $3, 'out', now())",
                            [
                                try foreign.decode("premises_id", as: UUID.self),
                                try foreign.decode("id", as: UUID.self),
                                try foreign.decode("resident_id", as: UUID.self),
                            ])
                    }
                }
                #expect(refused?.sqlState == "42501")
                // An admin (and the worker) see every premises.
                try c.acting(as: admin.actor) { c throws in
                    for t in tables + through.keys {
                        #expect(try count("SELECT count(*) FROM \(t)") == owner[t]!.all, "\(t)")
                    }
                }
                // No setting at all (a transaction that forgot to say whose it is) sees nothing.
                try c.transaction { c throws in
                    try c.query("SET LOCAL ROLE ap_app")
                    #expect(try count("SELECT count(*) FROM movements") == 0)
                }
            }
        }
    }
}
