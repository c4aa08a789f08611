import APDomain
import APStore
import APWire
import Civil
import Foundation
import PGDriver
import TestDatabase
import Testing

@Suite struct OccupancyTests {
    typealias F = Fixture
    func instant(_ text: String) -> Date { try! Date(text, strategy: .iso8601) }

    /// Figures for nights 1 to 7 March 2026, worked out by hand (see the table below the data).
    @Test func figuresMatchHandComputedAnswers() async throws {
        try await TestDatabase.withFresh { config in
            try await TestDatabase.withConnection(config) { c in
                let f = Fixture(c: c)
                let (p, beds) = try f.premises()  // beds 1A, 1B, 2A, open since January
                let now = instant("2026-03-05T12:00:00Z")
                _ = try BedStore.putOutOfService(
                    c, bedId: beds["2A"]!.id, nights: F.nights(3, 5), reason: .plannedRefurbishment)
                try PremisesStore.closeBed(c, bedId: beds["1B"]!.id, from: F.d(7))

                // A: arrived in February, departed the morning of 1 March (a departure on the range's first day).
                let a = try f.placement(p, Nights(from: F.d(25, month: 2), to: F.d(2))!)
                _ = try PlacementStore.arrive(c, id: a.id, at: instant("2026-02-25T10:00:00Z"), now: now)
                _ = try PlacementStore.depart(
                    c, id: a.id, at: instant("2026-03-01T11:00:00Z"), reason: .plannedMoveOn, now: now)
                // B: upcoming, nights 2 to 4.
                _ = try f.placement(p, F.nights(2, 5))
                // C: arrived 1 March, expected to leave on the 4th, still here on the 5th (today): counted to today.
                let cee = try f.placement(p, F.nights(1, 4))
                _ = try PlacementStore.arrive(c, id: cee.id, at: instant("2026-03-01T14:00:00Z"), now: now)
                _ = try BedStore.allocate(c, placementId: cee.id, bedId: beds["1A"]!.id, nights: F.nights(1, 4))
                // a bed move counts once
                _ = try BedStore.move(c, placementId: cee.id, toBed: beds["1B"]!.id, from: F.d(2))
                // D and E: upcoming; F: cancelled, so nowhere.
                _ = try f.placement(p, F.nights(3, 5))
                _ = try f.placement(p, F.nights(4, 7))
                let cancelled = try f.placement(p, F.nights(2, 6))
                _ = try PlacementStore.cancel(c, id: cancelled.id, reason: .riskChanged, at: now)

                let result = try OccupancyStore.occupancy(
                    c, premisesIds: [p.id], nights: F.nights(1, 8), today: F.d(5))[p.id]!
                // night: beds, out of service, occupied, arrivals, departures, available, free, overbooked by
                let expected: [(Int, Int, Int, Int, Int, Int, Int, Int)] = [
                    (3, 0, 1, 1, 1, 3, 2, 0),  // 1: C; C arrives; A departs
                    (3, 0, 2, 1, 0, 3, 1, 0),  // 2: B C; B arrives
                    (3, 1, 3, 1, 0, 2, 0, 1),  // 3: B C D with 2A out: overbooked
                    (3, 1, 4, 1, 0, 2, 0, 2),  // 4: B C D E: overbooked by 2
                    (3, 0, 2, 0, 2, 3, 1, 0),  // 5: C E; B and D leave
                    (3, 0, 1, 0, 1, 3, 2, 0),  // 6: E; C counted as leaving the day after today
                    (2, 0, 0, 0, 1, 2, 2, 0),  // 7: 1B closed; E leaves
                ]
                #expect(result.map(\.night) == F.nights(1, 8).nights)
                for (night, e) in zip(result, expected) {
                    #expect(night.beds == e.0 && night.outOfService == e.1 && night.occupied == e.2, "\(night.night)")
                    #expect(night.arrivals == e.3 && night.departures == e.4, "\(night.night)")
                    #expect(night.available == e.5 && night.free == e.6 && night.overbookedBy == e.7, "\(night.night)")
                }
                // Another premises in the same call is answered on its own.
                let (empty, _) = try f.premises()
                let both = try OccupancyStore.occupancy(
                    c, premisesIds: [p.id, empty.id], nights: F.nights(1, 3), today: F.d(5))
                #expect(both[empty.id]?.map(\.occupied) == [0, 0] && both[empty.id]?.map(\.beds) == [3, 3])
                #expect(both[p.id]?.map(\.occupied) == [1, 2])
            }
        }
    }
}
