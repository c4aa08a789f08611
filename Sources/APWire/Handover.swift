import APDomain
import Civil
import Foundation

public struct HandoverNote: Codable, Sendable, Equatable {
    public var id: UUID
    public var writtenAt: Date
    public var writtenBy: String?
    public var text: String

    public init(id: UUID, writtenAt: Date, writtenBy: String? = nil, text: String) {
        self.id = id
        self.writtenAt = writtenAt
        self.writtenBy = writtenBy
        self.text = text
    }
}

public struct Handover: Codable, Sendable, Equatable {
    public var id: UUID
    public var premisesId: UUID
    /// The previous handover's acknowledgement: this one covers what happened after it.
    public var since: Date?
    public var acknowledgedAt: Date
    public var acknowledgedBy: String?

    public init(id: UUID, premisesId: UUID, since: Date? = nil, acknowledgedAt: Date, acknowledgedBy: String? = nil) {
        self.id = id
        self.premisesId = premisesId
        self.since = since
        self.acknowledgedAt = acknowledgedAt
        self.acknowledgedBy = acknowledgedBy
    }
}

/// A placement due to arrive or depart, as a shift sees it.
public struct PlacementDue: Codable, Sendable, Equatable {
    public var placementId: UUID
    public var residentId: UUID
    public var crn: String
    public var name: String
    public var status: PlacementStatus
    public var expectedArrival: LocalDate
    public var expectedDeparture: LocalDate

    public init(
        placementId: UUID, residentId: UUID, crn: String, name: String, status: PlacementStatus,
        expectedArrival: LocalDate, expectedDeparture: LocalDate
    ) {
        self.placementId = placementId
        self.residentId = residentId
        self.crn = crn
        self.name = name
        self.status = status
        self.expectedArrival = expectedArrival
        self.expectedDeparture = expectedDeparture
    }
}

/// A resident's curfew tonight: the premises' own, or stricter windows from their licence.
public struct CurfewTonight: Codable, Sendable, Equatable {
    public var residentId: UUID
    public var crn: String
    public var name: String
    public var windows: [CurfewWindow]

    public init(residentId: UUID, crn: String, name: String, windows: [CurfewWindow]) {
        self.residentId = residentId
        self.crn = crn
        self.name = name
        self.windows = windows
    }
}

public struct BedOutOfService: Codable, Sendable, Equatable {
    public var bedCode: String
    public var reason: OutOfServiceReason
    public var nights: Nights

    public init(bedCode: String, reason: OutOfServiceReason, nights: Nights) {
        self.bedCode = bedCode
        self.reason = reason
        self.nights = nights
    }
}

/// What the incoming shift needs to know, since the last acknowledged handover.
public struct HandoverSummary: Codable, Sendable, Equatable {
    public var premisesId: UUID
    public var tonight: LocalDate
    /// The last acknowledged handover (nil: none yet; the summary then covers the last 24 hours).
    public var since: Date?
    public var generatedAt: Date
    public var out: [Presence]
    public var inCount: Int
    public var baselineCurfew: CurfewWindow
    /// Residents whose licence adds curfew windows tonight.
    public var extraCurfews: [CurfewTonight]
    /// Open alerts, and any raised since the last handover.
    public var alerts: [Alert]
    public var incidents: [Incident]
    public var arrivalsDue: [PlacementDue]
    public var departuresDue: [PlacementDue]
    public var freeBeds: [Bed]
    public var outOfService: [BedOutOfService]
    public var notes: [HandoverNote]

    public init(
        premisesId: UUID, tonight: LocalDate, since: Date? = nil, generatedAt: Date, out: [Presence], inCount: Int,
        baselineCurfew: CurfewWindow, extraCurfews: [CurfewTonight], alerts: [Alert], incidents: [Incident],
        arrivalsDue: [PlacementDue], departuresDue: [PlacementDue], freeBeds: [Bed], outOfService: [BedOutOfService],
        notes: [HandoverNote]
    ) {
        self.premisesId = premisesId
        self.tonight = tonight
        self.since = since
        self.generatedAt = generatedAt
        self.out = out
        self.inCount = inCount
        self.baselineCurfew = baselineCurfew
        self.extraCurfews = extraCurfews
        self.alerts = alerts
        self.incidents = incidents
        self.arrivalsDue = arrivalsDue
        self.departuresDue = departuresDue
        self.freeBeds = freeBeds
        self.outOfService = outOfService
        self.notes = notes
    }
}
