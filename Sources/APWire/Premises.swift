import APDomain
import Civil
import Foundation

public struct Premises: Codable, Sendable, Equatable {
    public var id: UUID
    public var code: String
    public var name: String
    public var region: String
    public var gender: Gender
    public var timeZone: String
    public var curfewStart: LocalTime
    public var curfewEnd: LocalTime
    public var apType: APType
    public var characteristics: [String]

    public init(
        id: UUID, code: String, name: String, region: String, gender: Gender, timeZone: String, curfewStart: LocalTime,
        curfewEnd: LocalTime, apType: APType, characteristics: [String]
    ) {
        self.id = id
        self.code = code
        self.name = name
        self.region = region
        self.gender = gender
        self.timeZone = timeZone
        self.curfewStart = curfewStart
        self.curfewEnd = curfewEnd
        self.apType = apType
        self.characteristics = characteristics
    }
}

public struct NewPremises: Codable, Sendable, Equatable {
    public var code: String
    public var name: String
    public var region: String
    public var gender: Gender
    public var timeZone: String = "Europe/London"
    public var curfewStart: LocalTime = LocalTime(hour: 23, minute: 0)!
    public var curfewEnd: LocalTime = LocalTime(hour: 6, minute: 0)!
    public var apType: APType = .normal
    public var characteristics: [String] = []
    public init(code: String, name: String, region: String, gender: Gender) {
        self.code = code
        self.name = name
        self.region = region
        self.gender = gender
    }
}

public struct Room: Codable, Sendable, Equatable {
    public var id: UUID
    public var premisesId: UUID
    public var code: String
    public var characteristics: [RoomCharacteristic]

    public init(id: UUID, premisesId: UUID, code: String, characteristics: [RoomCharacteristic]) {
        self.id = id
        self.premisesId = premisesId
        self.code = code
        self.characteristics = characteristics
    }
}

public struct Bed: Codable, Sendable, Equatable {
    public var id: UUID
    public var roomId: UUID
    public var premisesId: UUID
    public var code: String
    public var roomCode: String
    public var roomCharacteristics: [RoomCharacteristic]
    public var openedOn: LocalDate
    public var closedOn: LocalDate?

    public init(
        id: UUID, roomId: UUID, premisesId: UUID, code: String, roomCode: String,
        roomCharacteristics: [RoomCharacteristic], openedOn: LocalDate, closedOn: LocalDate? = nil
    ) {
        self.id = id
        self.roomId = roomId
        self.premisesId = premisesId
        self.code = code
        self.roomCode = roomCode
        self.roomCharacteristics = roomCharacteristics
        self.openedOn = openedOn
        self.closedOn = closedOn
    }
}

public struct StaffMember: Codable, Sendable, Equatable {
    public var id: UUID
    public var name: String
    public var role: StaffRole
    public var premisesIds: [UUID]

    public init(id: UUID, name: String, role: StaffRole, premisesIds: [UUID]) {
        self.id = id
        self.name = name
        self.role = role
        self.premisesIds = premisesIds
    }
}

public struct BedAllocation: Codable, Sendable, Equatable {
    public var id: UUID
    public var placementId: UUID
    public var bedId: UUID
    public var nights: Nights
    public var releasedAt: Date?

    public init(id: UUID, placementId: UUID, bedId: UUID, nights: Nights, releasedAt: Date? = nil) {
        self.id = id
        self.placementId = placementId
        self.bedId = bedId
        self.nights = nights
        self.releasedAt = releasedAt
    }
}

public struct OutOfServicePeriod: Codable, Sendable, Equatable {
    public var id: UUID
    public var bedId: UUID
    public var nights: Nights
    public var reason: OutOfServiceReason
    public var notes: String
    public var recordedAt: Date
    public var replaces: UUID?
    public var withdrawnAt: Date?
    public var withdrawnReason: String?

    public init(
        id: UUID, bedId: UUID, nights: Nights, reason: OutOfServiceReason, notes: String, recordedAt: Date,
        replaces: UUID? = nil, withdrawnAt: Date? = nil, withdrawnReason: String? = nil
    ) {
        self.id = id
        self.bedId = bedId
        self.nights = nights
        self.reason = reason
        self.notes = notes
        self.recordedAt = recordedAt
        self.replaces = replaces
        self.withdrawnAt = withdrawnAt
        self.withdrawnReason = withdrawnReason
    }
}

/// What holds a bed over a stretch of nights.
public enum Holding: Codable, Sendable, Equatable {
    case allocated(placementId: UUID, residentId: UUID, crn: String, name: String, nights: Nights)
    case outOfService(periodId: UUID, reason: OutOfServiceReason, nights: Nights)
}

public struct BoardRow: Codable, Sendable, Equatable {
    public let bed: Bed
    /// Allocations and out-of-service periods that touch the range, by first night.
    public let holdings: [Holding]

    public init(bed: Bed, holdings: [Holding]) {
        self.bed = bed
        self.holdings = holdings
    }
}
