/// A placement's lifecycle: upcoming, then arrived, then departed; or cancelled, or non-arrival.
public enum PlacementStatus: String, Codable, Sendable, CaseIterable {
    case upcoming, arrived, departed, cancelled
    case nonArrival = "non_arrival"

    /// The transitions the lifecycle allows; the database refuses any other.
    public func canBecome(_ next: PlacementStatus) -> Bool {
        switch (self, next) {
        case (.upcoming, .arrived), (.upcoming, .cancelled), (.upcoming, .nonArrival), (.arrived, .departed): true
        default: false
        }
    }

    /// Upcoming and arrived placements hold a resident's time: two of them may not overlap.
    public var isActive: Bool { self == .upcoming || self == .arrived }

    /// Why a transition is refused, in words staff can act on.
    public func refusal(becoming next: PlacementStatus) -> String? {
        if canBecome(next) { return nil }
        switch (self, next) {
        case (.upcoming, .departed):
            return "the resident has not arrived: record the arrival first, or record a non-arrival"
        case (.cancelled, _): return "the placement was cancelled: make a new placement instead"
        case (.nonArrival, _): return "the resident never arrived on this placement: make a new placement instead"
        case (.departed, _): return "the resident has already departed from this placement"
        case (.arrived, .arrived): return "the resident has already arrived"
        case (.arrived, _): return "the resident has arrived: record a departure instead"
        default: return "a placement that is \(rawValue) cannot become \(next.rawValue)"
        }
    }
}
