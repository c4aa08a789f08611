import APDomain
import Civil
import Foundation

public struct Movement: Codable, Sendable, Equatable {
    public var id: UUID
    public var premisesId: UUID
    public var placementId: UUID
    public var residentId: UUID
    public var kind: MovementKind
    public var at: Date
    public var recordedAt: Date
    public var recordedBy: UUID?
    public var destination: String
    public var expectedBack: Date?
    public var note: String
    public var lateReason: String?
    public var voids: UUID?
    public var voidReason: String?
    public var seq: Int

    public init(
        id: UUID, premisesId: UUID, placementId: UUID, residentId: UUID, kind: MovementKind, at: Date, recordedAt: Date,
        recordedBy: UUID? = nil, destination: String, expectedBack: Date? = nil, note: String,
        lateReason: String? = nil, voids: UUID? = nil, voidReason: String? = nil, seq: Int
    ) {
        self.id = id
        self.premisesId = premisesId
        self.placementId = placementId
        self.residentId = residentId
        self.kind = kind
        self.at = at
        self.recordedAt = recordedAt
        self.recordedBy = recordedBy
        self.destination = destination
        self.expectedBack = expectedBack
        self.note = note
        self.lateReason = lateReason
        self.voids = voids
        self.voidReason = voidReason
        self.seq = seq
    }
}

/// Where a resident is, by the log.
public struct Presence: Codable, Sendable, Equatable {
    public var residentId: UUID
    public var placementId: UUID
    public var crn: String
    public var name: String
    public var bedCode: String?
    public var roomCode: String?
    public var isIn: Bool
    /// The entry that put them where they are; nil when they have not moved since arriving.
    public var since: Date
    public var destination: String
    public var expectedBack: Date?

    public init(
        residentId: UUID, placementId: UUID, crn: String, name: String, bedCode: String? = nil, roomCode: String? = nil,
        isIn: Bool, since: Date, destination: String, expectedBack: Date? = nil
    ) {
        self.residentId = residentId
        self.placementId = placementId
        self.crn = crn
        self.name = name
        self.bedCode = bedCode
        self.roomCode = roomCode
        self.isIn = isIn
        self.since = since
        self.destination = destination
        self.expectedBack = expectedBack
    }
}

/// A sign-out or sign-in to record: what `POST /premises/{id}/movements` takes. `at` nil: now; one more
/// than five minutes ago is a late entry and needs `lateReason`.
public struct NewMovement: Codable, Sendable, Equatable {
    public var residentId: UUID
    public var kind: MovementKind
    public var at: Date?
    public var destination: String
    public var expectedBack: Date?
    public var note: String
    public var lateReason: String?

    public init(
        residentId: UUID, kind: MovementKind, at: Date? = nil, destination: String = "", expectedBack: Date? = nil,
        note: String = "", lateReason: String? = nil
    ) {
        self.residentId = residentId
        self.kind = kind
        self.at = at
        self.destination = destination
        self.expectedBack = expectedBack
        self.note = note
        self.lateReason = lateReason
    }

    enum CodingKeys: String, CodingKey { case residentId, kind, at, destination, expectedBack, note, lateReason }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            residentId: try c.decode(UUID.self, forKey: .residentId),
            kind: try c.decode(MovementKind.self, forKey: .kind),
            at: try c.decodeIfPresent(Date.self, forKey: .at),
            destination: try c.decodeIfPresent(String.self, forKey: .destination) ?? "",
            expectedBack: try c.decodeIfPresent(Date.self, forKey: .expectedBack),
            note: try c.decodeIfPresent(String.self, forKey: .note) ?? "",
            lateReason: try c.decodeIfPresent(String.self, forKey: .lateReason))
    }
}
