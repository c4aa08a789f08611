import APDomain
import Civil
import Foundation

public struct Placement: Codable, Sendable, Equatable {
    public var id: UUID
    public var residentId: UUID
    public var premisesId: UUID
    public var expectedArrival: LocalDate
    public var expectedDeparture: LocalDate
    public var status: PlacementStatus
    public var keyWorkerId: UUID?
    public var arrivedAt: Date?
    public var departedAt: Date?
    public var departureReason: DepartureReason?
    /// What the reason alone does not say (the recall's detail, where they moved on to); empty when not given.
    public var departureNotes: String
    public var cancellationReason: CancellationReason?
    public var nonArrivalReason: NonArrivalReason?
    public var notes: String

    public init(
        id: UUID, residentId: UUID, premisesId: UUID, expectedArrival: LocalDate, expectedDeparture: LocalDate,
        status: PlacementStatus, keyWorkerId: UUID? = nil, arrivedAt: Date? = nil, departedAt: Date? = nil,
        departureReason: DepartureReason? = nil, departureNotes: String = "",
        cancellationReason: CancellationReason? = nil,
        nonArrivalReason: NonArrivalReason? = nil, notes: String
    ) {
        self.id = id
        self.residentId = residentId
        self.premisesId = premisesId
        self.expectedArrival = expectedArrival
        self.expectedDeparture = expectedDeparture
        self.status = status
        self.keyWorkerId = keyWorkerId
        self.arrivedAt = arrivedAt
        self.departedAt = departedAt
        self.departureReason = departureReason
        self.departureNotes = departureNotes
        self.cancellationReason = cancellationReason
        self.nonArrivalReason = nonArrivalReason
        self.notes = notes
    }
}
