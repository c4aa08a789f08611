import APDomain
import Civil
import Testing

@Suite struct CRNTests {
    // staff type fast: case and spaces are forgiven
    @Test(arguments: [("X320741", "X320741"), (" x320741\n", "X320741")])
    func acceptsOneLetterAndSixDigits(typed: String, crn: String) {
        #expect(CRN(typed)?.value == crn)
    }

    @Test(arguments: [
        "", "X32074", "X3207411", "320741X", "XX20741", "X32O741", "X 320741", "Ä320741", "X３２０７４１", "X-320741",
    ])
    func refusesAnythingElse(typed: String) {
        #expect(CRN(typed) == nil)
    }
}

@Suite struct PlacementStatusTests {
    static let allowed: Set<String> = [
        "upcoming>arrived", "upcoming>cancelled", "upcoming>non_arrival", "arrived>departed",
    ]

    /// Every pair, against the lifecycle written out by hand.
    @Test(arguments: PlacementStatus.allCases, PlacementStatus.allCases)
    func onlyTheLifecyclesTransitionsAreAllowed(from: PlacementStatus, to: PlacementStatus) {
        let allowed = Self.allowed.contains("\(from.rawValue)>\(to.rawValue)")
        #expect(from.canBecome(to) == allowed)
        #expect((from.refusal(becoming: to) == nil) == allowed)
    }

    @Test func refusalsSayWhy() {
        #expect(PlacementStatus.upcoming.refusal(becoming: .departed)?.contains("not arrived") == true)
        #expect(PlacementStatus.cancelled.refusal(becoming: .arrived)?.contains("cancelled") == true)
        #expect(PlacementStatus.allCases.filter(\.isActive) == [.upcoming, .arrived])
    }
}

@Suite struct NightsTests {
    func d(_ day: Int) -> LocalDate { LocalDate(year: 2026, month: 3, day: day)! }

    @Test func halfOpenRanges() {
        let stay = Nights(from: d(2), to: d(5))!
        #expect(stay.count == 3)
        #expect(stay.nights == [d(2), d(3), d(4)])
        #expect(stay.contains(d(2)) && stay.contains(d(4)) && !stay.contains(d(5)) && !stay.contains(d(1)))
        #expect(Nights(from: d(5), to: d(5)) == nil)
        #expect(Nights(from: d(5), to: d(4)) == nil)
    }

    /// overlaps agrees with "some night is in both", for every pair of short ranges in a fortnight.
    @Test func overlapMeansSomeNightInBoth() {
        var pairs = 0
        for a in 1...14 {
            for b in (a + 1)...15 {
                for c in 1...14 {
                    for e in (c + 1)...15 {
                        let x = Nights(from: d(a), to: d(b))!
                        let y = Nights(from: d(c), to: d(e))!
                        #expect(x.overlaps(y) == !Set(x.nights).isDisjoint(with: y.nights))
                        pairs += 1
                    }
                }
            }
        }
        #expect(pairs == 105 * 105)
    }
}

@Suite struct OccupancyArithmeticTests {
    let night = LocalDate(year: 2026, month: 11, day: 24)!

    @Test func derivedFigures() {
        let normal = OccupancyNight(night: night, beds: 30, outOfService: 2, occupied: 25, arrivals: 1, departures: 2)
        #expect(normal.available == 28 && normal.free == 3 && normal.overbookedBy == 0 && !normal.isOverbooked)
        let full = OccupancyNight(night: night, beds: 30, outOfService: 2, occupied: 28, arrivals: 0, departures: 0)
        #expect(full.free == 0 && !full.isOverbooked)
        let over = OccupancyNight(night: night, beds: 30, outOfService: 4, occupied: 28, arrivals: 0, departures: 0)
        #expect(over.available == 26 && over.free == 0 && over.overbookedBy == 2 && over.isOverbooked)
        let allOut = OccupancyNight(night: night, beds: 2, outOfService: 3, occupied: 0, arrivals: 0, departures: 0)
        #expect(allOut.available == 0 && allOut.free == 0)
    }
}
