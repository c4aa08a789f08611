import Civil

/// One premises on one night. Derived figures are computed, never stored, so they cannot disagree.
public struct OccupancyNight: Hashable, Sendable, Codable {
    public let night: LocalDate
    /// Beds open that night (a closed bed no longer counts).
    public let beds: Int
    public let outOfService: Int
    /// Placements staying that night, whether or not they have a bed: the national booking service
    /// lets managers overbook, and an overbooked night is shown, not hidden.
    public let occupied: Int
    public let arrivals: Int
    public let departures: Int

    public init(night: LocalDate, beds: Int, outOfService: Int, occupied: Int, arrivals: Int, departures: Int) {
        self.night = night
        self.beds = beds
        self.outOfService = outOfService
        self.occupied = occupied
        self.arrivals = arrivals
        self.departures = departures
    }

    public var available: Int { max(beds - outOfService, 0) }
    public var free: Int { max(available - occupied, 0) }
    /// Placements beyond the available beds.
    public var overbookedBy: Int { max(occupied - available, 0) }
    public var isOverbooked: Bool { overbookedBy > 0 }

    enum CodingKeys: String, CodingKey {
        case night, beds, outOfService, occupied, arrivals, departures, available, free, overbookedBy
    }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(night, forKey: .night)
        try c.encode(beds, forKey: .beds)
        try c.encode(outOfService, forKey: .outOfService)
        try c.encode(available, forKey: .available)
        try c.encode(occupied, forKey: .occupied)
        try c.encode(free, forKey: .free)
        try c.encode(overbookedBy, forKey: .overbookedBy)
        try c.encode(arrivals, forKey: .arrivals)
        try c.encode(departures, forKey: .departures)
    }
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            night: try c.decode(LocalDate.self, forKey: .night), beds: try c.decode(Int.self, forKey: .beds),
            outOfService: try c.decode(Int.self, forKey: .outOfService),
            occupied: try c.decode(Int.self, forKey: .occupied),
            arrivals: try c.decode(Int.self, forKey: .arrivals), departures: try c.decode(Int.self, forKey: .departures)
        )
    }
}
