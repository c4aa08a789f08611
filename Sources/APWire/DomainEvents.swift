import Foundation

/// Something other systems need to hear of, in the order it was committed: its id is the cursor to read on from.
public struct DomainEvent: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable, CaseIterable {
        case placementArrived = "placement.arrived"
        case placementDeparted = "placement.departed"
        case placementNonArrival = "placement.non_arrival"
        case placementCancelled = "placement.cancelled"
        case bedMoved = "bed.moved"
        case alertRaised = "alert.raised"
        case alertAcknowledged = "alert.acknowledged"
        case alertResolved = "alert.resolved"
        case incidentReported = "incident.reported"
        case incidentClosed = "incident.closed"
    }

    public var id: Int64
    public var type: Kind
    public var version: Int
    public var at: Date
    public var premisesId: UUID
    public var premisesCode: String
    /// The resident it is about; for an incident, the first it names (none when it names nobody).
    public var crn: String?
    /// The record it is about, in this API: `/api/v1/placements/{id}`, `/api/v1/alerts/{id}`, `/api/v1/incidents/{id}`.
    public var link: String

    public init(
        id: Int64, type: Kind, version: Int, at: Date, premisesId: UUID, premisesCode: String, crn: String?,
        link: String
    ) {
        self.id = id
        self.type = type
        self.version = version
        self.at = at
        self.premisesId = premisesId
        self.premisesCode = premisesCode
        self.crn = crn
        self.link = link
    }
}

/// A page of events after a cursor, and the cursor to ask with next (the last event's id; the same cursor when
/// there was nothing new).
public struct DomainEventPage: Codable, Sendable, Equatable {
    public var events: [DomainEvent]
    public var cursor: String

    public init(events: [DomainEvent], cursor: String) {
        self.events = events
        self.cursor = cursor
    }
}
