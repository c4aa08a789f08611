import Civil

/// A period's occupancy in totals, from its nights: what managers compare premises by.
public struct OccupancyTotals: Hashable, Sendable, Codable {
    public let nights: Int
    /// Beds open and in service, summed over the nights.
    public let bedNightsAvailable: Int
    /// Residents staying, summed over the nights (an overbooked night counts everyone staying).
    public let bedNightsOccupied: Int
    /// Available bed nights left empty.
    public let voids: Int
    public let overbookedNights: Int
    public let arrivals: Int
    public let departures: Int
    /// Occupied over available bed nights, 0 to 1 (more when overbooked); nil with nothing available.
    public let occupancyRate: Double?

    public init(_ nights: [OccupancyNight]) {
        self.nights = nights.count
        bedNightsAvailable = nights.reduce(0) { $0 + $1.available }
        bedNightsOccupied = nights.reduce(0) { $0 + $1.occupied }
        voids = nights.reduce(0) { $0 + $1.free }
        overbookedNights = nights.filter(\.isOverbooked).count
        arrivals = nights.reduce(0) { $0 + $1.arrivals }
        departures = nights.reduce(0) { $0 + $1.departures }
        occupancyRate = bedNightsAvailable > 0 ? Double(bedNightsOccupied) / Double(bedNightsAvailable) : nil
    }

    /// Several premises' totals added up. Summing per premises keeps one premises' empty beds from
    /// hiding another's overbooking, as adding their nights first would.
    public init(summing parts: [OccupancyTotals]) {
        nights = parts.map(\.nights).max() ?? 0
        bedNightsAvailable = parts.reduce(0) { $0 + $1.bedNightsAvailable }
        bedNightsOccupied = parts.reduce(0) { $0 + $1.bedNightsOccupied }
        voids = parts.reduce(0) { $0 + $1.voids }
        overbookedNights = parts.reduce(0) { $0 + $1.overbookedNights }
        arrivals = parts.reduce(0) { $0 + $1.arrivals }
        departures = parts.reduce(0) { $0 + $1.departures }
        occupancyRate = bedNightsAvailable > 0 ? Double(bedNightsOccupied) / Double(bedNightsAvailable) : nil
    }

    /// `count` per `per` of `of` (alerts per 100 resident nights, say); nil when `of` is zero.
    public static func rate(_ count: Int, per: Int, of: Int) -> Double? {
        of > 0 ? Double(count) * Double(per) / Double(of) : nil
    }

    /// The nights of several premises added night by night (all premises a manager may see).
    public static func combine(_ series: [[OccupancyNight]]) -> [OccupancyNight] {
        var byNight: [LocalDate: (Int, Int, Int, Int, Int)] = [:]
        for nights in series {
            for n in nights {
                let t = byNight[n.night] ?? (0, 0, 0, 0, 0)
                byNight[n.night] = (
                    t.0 + n.beds, t.1 + n.outOfService, t.2 + n.occupied, t.3 + n.arrivals, t.4 + n.departures
                )
            }
        }
        return byNight.keys.sorted().map { d in
            let t = byNight[d]!
            return OccupancyNight(night: d, beds: t.0, outOfService: t.1, occupied: t.2, arrivals: t.3, departures: t.4)
        }
    }

    /// The first night on which every available bed is taken (or more), if any.
    public static func firstFull(_ nights: [OccupancyNight]) -> LocalDate? {
        nights.first { $0.available > 0 && $0.occupied >= $0.available }?.night
    }
}
