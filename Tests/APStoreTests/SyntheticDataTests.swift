import APDomain
import APStore
import APWire
import Civil
import Foundation
import PGDriver
import TestDatabase
import Testing

@Suite struct SyntheticDataTests {
    @Test func loadsAConsistentWorldRelativeToToday() async throws {
        try await TestDatabase.withFresh { config in
            try await TestDatabase.withConnection(config) { c in
                let today = LocalDate(year: 2026, month: 11, day: 24)!
                var data = SyntheticData(today: today)
                data.premises = 3
                data.bedsPerPremises = 12
                let summary = try data.load(into: c)
                #expect(summary.premises == 3 && summary.beds == 36)
                #expect(summary.placements == summary.residents && summary.placements > 36)

                // Statuses agree with today: nobody departed in the future, nobody upcoming in the past.
                let wrong: Int = try c.query(
                    """
                    SELECT count(*) AS n FROM placements WHERE (status = 'departed' AND expected_departure > $1)
                       OR (status = 'upcoming' AND expected_arrival <= $1) OR (status = 'arrived' AND NOT
                           (expected_arrival <= $1 AND $1 < expected_departure))
                    """, [today])[0].decode("n")
                #expect(wrong == 0)
                let statuses = Set(
                    try c.query("SELECT DISTINCT status FROM placements").map {
                        try $0.decode("status", as: String.self)
                    })
                #expect(statuses.isSuperset(of: ["upcoming", "arrived", "departed"]))
                // Tonight every arrived resident has a bed, and some upcoming placements have none (overbooking is
                // possible).
                let unbedded: Int = try c.query(
                    """
                    SELECT count(*) AS n FROM placements p WHERE p.status = 'arrived'
                      AND NOT EXISTS (SELECT 1 FROM bed_allocations a WHERE a.placement_id = p.id AND a.released_at IS
                          NULL AND a.nights @> $1::date)
                    """, [today])[0].decode("n")
                #expect(unbedded == 0)
                let tonight = try OccupancyStore.occupancy(
                    c, premisesIds: PremisesStore.list(c).map(\.id),
                    nights: Nights(from: today, to: today.adding(days: 1))!, today: today)
                #expect(tonight.values.allSatisfy { $0[0].occupied > 0 && $0[0].beds == 12 })

                // The same seed makes the same world: a second load with another prefix has the same shape.
                data.codePrefix = "ZZ"
                let again = try data.load(into: c)
                #expect(again == summary)
            }
        }
    }
}
