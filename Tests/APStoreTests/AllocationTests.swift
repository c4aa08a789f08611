import APDomain
import APStore
import APWire
import Civil
import Foundation
import PGDriver
import TestDatabase
import Testing

@Suite struct AllocationTests {
    typealias F = Fixture

    /// 50 tasks race for one bed on overlapping nights: exactly one wins, and the losers are refused by
    /// the database's exclusion constraint (there is no pre-check to race past).
    @Test func fiftyConcurrentAllocationsOfOneBedOneWins() async throws {
        try await TestDatabase.withFresh { config in
            let (bed, placements) = try await TestDatabase.withConnection(config) { c in
                let f = Fixture(c: c)
                let (p, beds) = try f.premises()
                return (beds["1A"]!, try (0..<50).map { i in try f.placement(p, F.nights(1 + i % 5, 10 + i % 7)) })
            }
            let pool = PGPool(config, options: .init(maxConnections: 50))
            let outcomes = try await withThrowingTaskGroup(of: String.self) { group in
                for (i, placement) in placements.enumerated() {
                    group.addTask {
                        do {
                            _ = try await pool.withTransaction { c in
                                try BedStore.allocate(
                                    c, placementId: placement.id, bedId: bed.id, nights: F.nights(1 + i % 5, 10 + i % 7)
                                )
                            }
                            return "won"
                        } catch let e as StoreError { return e.code }
                    }
                }
                return try await group.reduce(into: [String: Int]()) { $0[$1, default: 0] += 1 }
            }
            #expect(outcomes == ["won": 1, "bed-already-allocated": 49])
            let overlaps: Int = try await pool.query(
                """
                SELECT count(*) AS n FROM bed_allocations a JOIN bed_allocations b
                  ON a.bed_id = b.bed_id AND a.id < b.id AND a.nights && b.nights
                WHERE a.released_at IS NULL AND b.released_at IS NULL
                """)[0].decode("n")
            #expect(overlaps == 0)
            await pool.shutdown()
        }
    }

    @Test func aBedMoveAcrossTheBoundaryNight() async throws {
        try await TestDatabase.withFresh { config in
            try await TestDatabase.withConnection(config) { c in
                let f = Fixture(c: c)
                let (p, beds) = try f.premises()
                let stay = try f.placement(p, F.nights(1, 10))
                _ = try BedStore.allocate(c, placementId: stay.id, bedId: beds["1A"]!.id, nights: F.nights(1, 10))
                let moved = try BedStore.move(c, placementId: stay.id, toBed: beds["2A"]!.id, from: F.d(5))
                #expect(moved.nights == F.nights(5, 10) && moved.bedId == beds["2A"]!.id)
                let all = try BedStore.allocations(c, placementId: stay.id)
                #expect(all.map(\.nights) == [F.nights(1, 5), F.nights(5, 10)])
                #expect(all.map(\.bedId) == [beds["1A"]!.id, beds["2A"]!.id])

                // The night before the move in the old bed, the boundary night in the new one.
                func holder(_ night: Int, _ bed: String) throws -> UUID? {
                    let row = try BedStore.board(c, premisesId: p.id, nights: F.nights(night, night + 1)).first {
                        $0.bed.code == bed
                    }!
                    if case .allocated(let placementId, _, _, _, _) = row.holdings.first { return placementId }
                    return nil
                }
                #expect(try holder(4, "1A") == stay.id && holder(4, "2A") == nil)
                #expect(try holder(5, "1A") == nil && holder(5, "2A") == stay.id)
                // The old bed is free again from the boundary night.
                #expect(try BedStore.freeBeds(c, premisesId: p.id, nights: F.nights(5, 10)).map(\.code).contains("1A"))

                // Moving on an allocation's first night releases it rather than leaving an empty range.
                let back = try BedStore.move(c, placementId: stay.id, toBed: beds["1B"]!.id, from: F.d(5))
                #expect(back.nights == F.nights(5, 10))
                let after = try BedStore.allocations(c, placementId: stay.id)
                #expect(after.filter { $0.releasedAt == nil }.map(\.bedId) == [beds["1A"]!.id, beds["1B"]!.id])
                #expect(after.count == 3)  // the released one is kept

                // Moving into an occupied bed fails and changes nothing.
                let other = try f.placement(p, F.nights(1, 10))
                _ = try BedStore.allocate(c, placementId: other.id, bedId: beds["2A"]!.id, nights: F.nights(1, 10))
                #expect(
                    storeError { _ = try BedStore.move(c, placementId: stay.id, toBed: beds["2A"]!.id, from: F.d(7)) }?
                        .code == "bed-already-allocated")
                #expect(try BedStore.allocations(c, placementId: stay.id) == after)
            }
        }
    }

    @Test func outOfServiceBlocksAllocationAndKeepsHistory() async throws {
        try await TestDatabase.withFresh { config in
            try await TestDatabase.withConnection(config) { c in
                let f = Fixture(c: c)
                let (p, beds) = try f.premises()
                let bed = beds["1A"]!
                let period = try BedStore.putOutOfService(
                    c, bedId: bed.id, nights: F.nights(10, 15), reason: .damageByResident, notes: "window; glass")
                let stay = try f.placement(p, F.nights(1, 20))
                #expect(
                    storeError {
                        _ = try BedStore.allocate(c, placementId: stay.id, bedId: bed.id, nights: F.nights(12, 14))
                    }?.code == "bed-out-of-service")
                #expect(
                    storeError {
                        _ = try BedStore.allocate(c, placementId: stay.id, bedId: bed.id, nights: F.nights(1, 11))
                    }?.code == "bed-out-of-service")
                // Half-open: the night the period ends is free.
                _ = try BedStore.allocate(c, placementId: stay.id, bedId: bed.id, nights: F.nights(15, 20))
                // And the other way round: a bed with an allocation cannot be put out of service over it.
                #expect(
                    storeError {
                        _ = try BedStore.putOutOfService(
                            c, bedId: bed.id, nights: F.nights(18, 25), reason: .staffShortage)
                    }?.code == "bed-allocated")
                #expect(
                    storeError {
                        _ = try BedStore.putOutOfService(c, bedId: bed.id, nights: F.nights(12, 13), reason: .other)
                    }?.code == "out-of-service-overlaps")
                #expect(
                    try !BedStore.freeBeds(c, premisesId: p.id, nights: F.nights(11, 12)).map(\.code).contains("1A"))

                // A revision withdraws the old period and links the new one to it: both stay.
                let revised = try BedStore.revise(
                    c, periodId: period.id, nights: F.nights(10, 13), reason: .damageByResident,
                    notes: "glass replaced early")
                #expect(revised.replaces == period.id)
                let history = try BedStore.outOfServiceHistory(c, bedId: bed.id)
                #expect(history.map(\.id) == [period.id, revised.id])
                #expect(
                    history[0].withdrawnAt != nil && history[0].withdrawnReason == "revised"
                        && history[0].notes == "window; glass")
                #expect(try BedStore.freeBeds(c, premisesId: p.id, nights: F.nights(13, 15)).map(\.code).contains("1A"))
                try BedStore.withdraw(c, periodId: revised.id, reason: "repaired")
                #expect(try BedStore.freeBeds(c, premisesId: p.id, nights: F.nights(10, 13)).map(\.code).contains("1A"))
                #expect(
                    storeError { try BedStore.withdraw(c, periodId: revised.id, reason: "again") }?.kind == .notFound)
            }
        }
    }

    @Test func freeBedsHonourCharacteristicsAndClosedBeds() async throws {
        try await TestDatabase.withFresh { config in
            try await TestDatabase.withConnection(config) { c in
                let f = Fixture(c: c)
                let (p, beds) = try f.premises()
                #expect(
                    try BedStore.freeBeds(c, premisesId: p.id, nights: F.nights(1, 3)).map(\.code) == [
                        "1A", "1B", "2A",
                    ])
                #expect(
                    try BedStore.freeBeds(c, premisesId: p.id, nights: F.nights(1, 3), requiring: [.stepFree]).map(
                        \.code) == ["2A"])
                #expect(
                    try BedStore.freeBeds(
                        c, premisesId: p.id, nights: F.nights(1, 3), requiring: [.stepFree, .wheelchair]
                    ).isEmpty)
                let stay = try f.placement(p, F.nights(1, 10))
                _ = try BedStore.allocate(c, placementId: stay.id, bedId: beds["1B"]!.id, nights: F.nights(2, 4))
                #expect(try BedStore.freeBeds(c, premisesId: p.id, nights: F.nights(1, 3)).map(\.code) == ["1A", "2A"])
                #expect(
                    try BedStore.freeBeds(c, premisesId: p.id, nights: F.nights(4, 6)).map(\.code) == [
                        "1A", "1B", "2A",
                    ])

                // A bed closes only after its last allocated night, and is then no longer offered.
                #expect(
                    storeError { try PremisesStore.closeBed(c, bedId: beds["1B"]!.id, from: F.d(3)) }?.code
                        == "bed-allocated-after-close")
                try PremisesStore.closeBed(c, bedId: beds["1B"]!.id, from: F.d(4))
                #expect(try BedStore.freeBeds(c, premisesId: p.id, nights: F.nights(4, 6)).map(\.code) == ["1A", "2A"])
                // the bed and its history remain
                #expect(try PremisesStore.bed(c, id: beds["1B"]!.id)?.closedOn == F.d(4))
                #expect(
                    storeError {
                        _ = try BedStore.allocate(
                            c, placementId: stay.id, bedId: beds["1B"]!.id, nights: F.nights(5, 6))
                    }?.code == "bed-closed")
            }
        }
    }

    @Test func allocationsStayInsideThePlacementAndItsPremises() async throws {
        try await TestDatabase.withFresh { config in
            try await TestDatabase.withConnection(config) { c in
                let f = Fixture(c: c)
                let (p, _) = try f.premises()
                let (_, otherBeds) = try f.premises()
                let stay = try f.placement(p, F.nights(3, 6))
                let (_, beds) = (p, try PremisesStore.beds(c, premisesId: p.id))
                #expect(
                    storeError {
                        _ = try BedStore.allocate(c, placementId: stay.id, bedId: beds[0].id, nights: F.nights(2, 5))
                    }?.code == "nights-outside-placement")
                #expect(
                    storeError {
                        _ = try BedStore.allocate(
                            c, placementId: stay.id, bedId: otherBeds["1A"]!.id, nights: F.nights(3, 6))
                    }?.code == "bed-other-premises")
                _ = try BedStore.allocate(c, placementId: stay.id, bedId: beds[0].id, nights: F.nights(3, 6))
                #expect(
                    storeError {
                        _ = try BedStore.allocate(c, placementId: stay.id, bedId: beds[1].id, nights: F.nights(4, 5))
                    }?.code == "placement-already-has-bed")
            }
        }
    }
}
