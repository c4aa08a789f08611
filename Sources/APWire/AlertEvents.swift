import Foundation

/// What happened to an alert, as the live stream tells it (GET /premises/{id}/alerts/stream).
public enum AlertEventKind: String, Codable, Sendable, CaseIterable {
    case raised, acknowledged, resolved
}

/// One event of a premises' alert stream: its id says where a client is, for resuming with Last-Event-ID.
/// The alert is as it stands when the event is sent.
public struct AlertEvent: Codable, Sendable, Equatable {
    public var id: Int64
    public var kind: AlertEventKind
    public var at: Date
    public var alert: Alert

    public init(id: Int64, kind: AlertEventKind, at: Date, alert: Alert) {
        self.id = id
        self.kind = kind
        self.at = at
        self.alert = alert
    }
}

/// The first event of every stream (`event: ready`): the premises, and the id the stream starts after.
public struct AlertStreamReady: Codable, Sendable, Equatable {
    public var premisesId: UUID
    public var lastEventId: Int64

    public init(premisesId: UUID, lastEventId: Int64) {
        self.premisesId = premisesId
        self.lastEventId = lastEventId
    }
}
