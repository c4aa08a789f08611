import APDomain
import Civil
import Foundation

// The bodies the API takes and the small answers it gives, as openapi.yaml describes them: one definition,
// used by the service to decode, by `ap` and the tests to send.

/// A note for the incoming shift.
public struct NewNote: Codable, Sendable, Equatable {
    public var text: String

    public init(text: String) {
        self.text = text
    }
}

/// An edit of an incident: a whole new version, based on the version the editor saw.
public struct IncidentEdit: Codable, Sendable, Equatable {
    public var basedOn: Int
    public var status: IncidentStatus?
    public var draft: IncidentDraft

    public init(basedOn: Int, status: IncidentStatus? = nil, draft: IncidentDraft) {
        self.basedOn = basedOn
        self.status = status
        self.draft = draft
    }
}

/// An alert the worker raises (the worker's role only).
public struct NewAlert: Codable, Sendable, Equatable {
    public var placementId: UUID
    public var night: LocalDate
    public var kind: AlertKind
    public var evidence: [UUID]?
    public var escalate: Bool?

    public init(placementId: UUID, night: LocalDate, kind: AlertKind, evidence: [UUID]? = nil, escalate: Bool? = nil) {
        self.placementId = placementId
        self.night = night
        self.kind = kind
        self.evidence = evidence
        self.escalate = escalate
    }
}

/// What staff did about an alert.
public struct Acknowledging: Codable, Sendable, Equatable {
    public var outcome: AlertOutcome
    public var note: String?

    public init(outcome: AlertOutcome, note: String? = nil) {
        self.outcome = outcome
        self.note = note
    }
}

/// Why an entry of the log is voided.
public struct Voiding: Codable, Sendable, Equatable {
    public var reason: String

    public init(reason: String) {
        self.reason = reason
    }
}

/// A resident reporting to staff, as a reporting condition asks.
public struct NewReport: Codable, Sendable, Equatable {
    public var residentId: UUID
    public var at: Date?
    public var note: String?

    public init(residentId: UUID, at: Date? = nil, note: String? = nil) {
        self.residentId = residentId
        self.at = at
        self.note = note
    }
}

/// The id of a recorded report.
public struct Reported: Codable, Sendable, Equatable {
    public var id: UUID

    public init(id: UUID) {
        self.id = id
    }
}

/// Who is calling: the account and the premises it may see (nil: every premises).
public struct Me: Codable, Sendable, Equatable {
    public var account: Account
    public var premisesIds: [UUID]?
    public var premises: [Premises]

    public init(account: Account, premisesIds: [UUID]? = nil, premises: [Premises]) {
        self.account = account
        self.premisesIds = premisesIds
        self.premises = premises
    }
}

/// A staff member and the premises they work at.
public struct NewStaff: Codable, Sendable, Equatable {
    public var name: String
    public var role: StaffRole
    public var premisesIds: [UUID]

    public init(name: String, role: StaffRole, premisesIds: [UUID]) {
        self.name = name
        self.role = role
        self.premisesIds = premisesIds
    }
}

/// An account, for a staff member or (with no staffId) the worker.
public struct NewAccount: Codable, Sendable, Equatable {
    public var staffId: UUID?
    public var name: String
    public var role: Account.Role

    public init(staffId: UUID? = nil, name: String, role: Account.Role) {
        self.staffId = staffId
        self.name = name
        self.role = role
    }
}

/// A new API token: valid for `days` (1 to 366, default 30).
public struct NewToken: Codable, Sendable, Equatable {
    public var days: Int?

    public init(days: Int? = nil) {
        self.days = days
    }
}

/// A token as issued: shown this once, kept only as its hash.
public struct IssuedToken: Codable, Sendable, Equatable {
    public var token: String
    public var info: TokenInfo

    public init(token: String, info: TokenInfo) {
        self.token = token
        self.info = info
    }
}

/// A booking: a resident at a premises over expected dates.
public struct NewPlacement: Codable, Sendable, Equatable {
    public var residentId: UUID
    public var premisesId: UUID
    public var expectedArrival: LocalDate
    public var expectedDeparture: LocalDate
    public var keyWorkerId: UUID?
    public var notes: String?

    public init(
        residentId: UUID, premisesId: UUID, expectedArrival: LocalDate, expectedDeparture: LocalDate,
        keyWorkerId: UUID? = nil, notes: String? = nil
    ) {
        self.residentId = residentId
        self.premisesId = premisesId
        self.expectedArrival = expectedArrival
        self.expectedDeparture = expectedDeparture
        self.keyWorkerId = keyWorkerId
        self.notes = notes
    }
}

/// When a resident arrived (nil: now).
public struct Arrival: Codable, Sendable, Equatable {
    public var at: Date?

    public init(at: Date? = nil) {
        self.at = at
    }
}

/// When and why a resident left (at nil: now).
public struct Departure: Codable, Sendable, Equatable {
    public var at: Date?
    public var reason: DepartureReason
    public var notes: String?

    public init(at: Date? = nil, reason: DepartureReason, notes: String? = nil) {
        self.at = at
        self.reason = reason
        self.notes = notes
    }
}

/// The placement's key worker: a staff member who works at its premises, or null for none.
public struct KeyWorker: Codable, Sendable, Equatable {
    public var keyWorkerId: UUID?

    public init(keyWorkerId: UUID?) {
        self.keyWorkerId = keyWorkerId
    }
}

/// Why a placement was cancelled.
public struct Cancellation: Codable, Sendable, Equatable {
    public var reason: CancellationReason

    public init(reason: CancellationReason) {
        self.reason = reason
    }
}

/// Why a resident did not arrive.
public struct NonArrival: Codable, Sendable, Equatable {
    public var reason: NonArrivalReason

    public init(reason: NonArrivalReason) {
        self.reason = reason
    }
}

/// A bed for a placement over nights [from, to).
public struct NewAllocation: Codable, Sendable, Equatable {
    public var bedId: UUID
    public var from: LocalDate
    public var to: LocalDate

    public init(bedId: UUID, from: LocalDate, to: LocalDate) {
        self.bedId = bedId
        self.from = from
        self.to = to
    }
}

/// A move to another bed from a night on.
public struct BedMove: Codable, Sendable, Equatable {
    public var bedId: UUID
    public var from: LocalDate

    public init(bedId: UUID, from: LocalDate) {
        self.bedId = bedId
        self.from = from
    }
}

/// A room of a premises.
public struct NewRoom: Codable, Sendable, Equatable {
    public var code: String
    public var characteristics: [RoomCharacteristic]?

    public init(code: String, characteristics: [RoomCharacteristic]? = nil) {
        self.code = code
        self.characteristics = characteristics
    }
}

/// A bed in a room, open from a night.
public struct NewBed: Codable, Sendable, Equatable {
    public var roomId: UUID
    public var code: String
    public var openedOn: LocalDate

    public init(roomId: UUID, code: String, openedOn: LocalDate) {
        self.roomId = roomId
        self.code = code
        self.openedOn = openedOn
    }
}

/// The first night a bed is closed.
public struct CloseBed: Codable, Sendable, Equatable {
    public var from: LocalDate

    public init(from: LocalDate) {
        self.from = from
    }
}

/// A bed out of service over nights [from, to), or its revision.
public struct NewPeriod: Codable, Sendable, Equatable {
    public var from: LocalDate
    public var to: LocalDate
    public var reason: OutOfServiceReason
    public var notes: String?

    public init(from: LocalDate, to: LocalDate, reason: OutOfServiceReason, notes: String? = nil) {
        self.from = from
        self.to = to
        self.reason = reason
        self.notes = notes
    }
}

/// Why something is withdrawn.
public struct Withdrawal: Codable, Sendable, Equatable {
    public var reason: String

    public init(reason: String) {
        self.reason = reason
    }
}

/// A condition varied: the old one ends the night before `from`, the replacement starts then.
public struct Variation: Codable, Sendable, Equatable {
    public var from: LocalDate
    public var replacement: NewCondition

    public init(from: LocalDate, replacement: NewCondition) {
        self.from = from
        self.replacement = replacement
    }
}

/// The first night a condition no longer applies.
public struct Ending: Codable, Sendable, Equatable {
    public var on: LocalDate

    public init(on: LocalDate) {
        self.on = on
    }
}

/// An authorised absence: curfew does not apply while it lasts.
public struct NewAbsence: Codable, Sendable, Equatable {
    public var startsAt: Date
    public var endsAt: Date
    public var reason: String
    public var approvedByName: String
    public var approvedByRole: String

    public init(startsAt: Date, endsAt: Date, reason: String, approvedByName: String, approvedByRole: String) {
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.reason = reason
        self.approvedByName = approvedByName
        self.approvedByRole = approvedByRole
    }
}
