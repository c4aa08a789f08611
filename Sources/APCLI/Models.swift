import APWire
import Civil
import Foundation

// The client's view of the service's answers (see Sources/APService/openapi.yaml): only what `ap` shows.

struct Page<Item: Decodable & Sendable>: Decodable, Sendable { let items: [Item]; let nextCursor: String? }

struct PremisesView: Decodable, Sendable { let id: UUID; let code: String; let name: String; let timeZone: String; let curfewStart: String; let curfewEnd: String }
struct AccountView: Decodable, Sendable { let id: UUID; let name: String; let role: String }
struct MeView: Decodable, Sendable { let account: AccountView; let premises: [PremisesView] }

struct RollView: Decodable, Sendable {
    let residentId: UUID; let placementId: UUID; let crn: String; let name: String; let bedCode: String?; let roomCode: String?
    let isIn: Bool; let since: Date; let destination: String; let expectedBack: Date?
}

struct MovementView: Decodable, Sendable {
    let id: UUID; let residentId: UUID; let kind: String; let at: Date; let recordedAt: Date; let destination: String
    let expectedBack: Date?; let note: String; let lateReason: String?; let voids: UUID?; let voidReason: String?
}

struct AckView: Decodable, Sendable { let at: Date; let outcome: String; let note: String }
struct AlertView: Decodable, Sendable {
    let id: UUID; let residentId: UUID; let crn: String; let residentName: String; let night: LocalDate; let kind: String; let raisedAt: Date; let escalate: Bool
    let resolvedAt: Date?; let acknowledgements: [AckView]
    var isOpen: Bool { resolvedAt == nil && acknowledgements.isEmpty }
}

struct DraftView: Codable, Sendable {
    var occurredAt: Date; var location: String; var category: String; var severity: String; var description: String
    var immediateAction: String; var policeInformed: Bool; var policeReference: String?; var residentIds: [UUID]; var staffIds: [UUID]
    var followUps: [FollowUpView]
}
struct FollowUpView: Codable, Sendable { var action: String; var owner: UUID; var due: LocalDate; var done: Bool }
struct IncidentView: Decodable, Sendable { let id: UUID; let version: Int; let status: String; let draft: DraftView; let editedAt: Date }

struct WindowView: Decodable, Sendable { let start: String; let end: String; var text: String { "\(start)-\(end)" } }
struct CurfewTonightView: Decodable, Sendable { let residentId: UUID; let crn: String; let name: String; let windows: [WindowView] }
struct DueView: Decodable, Sendable { let crn: String; let name: String; let expectedArrival: LocalDate; let expectedDeparture: LocalDate }
struct BedView: Decodable, Sendable { let id: UUID; let code: String; let roomCode: String }
struct OutOfServiceView: Decodable, Sendable { let bedCode: String; let reason: String }
struct NoteView: Decodable, Sendable { let writtenAt: Date; let writtenBy: String?; let text: String }
struct HandoverView: Decodable, Sendable {
    let tonight: LocalDate; let since: Date?; let generatedAt: Date; let out: [RollView]; let inCount: Int; let baselineCurfew: WindowView
    let extraCurfews: [CurfewTonightView]; let alerts: [AlertView]; let incidents: [IncidentView]; let arrivalsDue: [DueView]
    let departuresDue: [DueView]; let freeBeds: [BedView]; let outOfService: [OutOfServiceView]; let notes: [NoteView]
}
struct HandoverRecordView: Decodable, Sendable { let id: UUID; let since: Date?; let acknowledgedAt: Date; let acknowledgedBy: String? }

struct ConditionView: Decodable, Sendable {
    let id: UUID; let kind: String; let startsOn: LocalDate; let endsOn: LocalDate?; let wording: String; let curfew: CurfewDetailsView?
}
struct CurfewDetailsView: Decodable, Sendable { let windows: [WindowView]; let days: [Int]? }
struct PlacementView: Decodable, Sendable {
    let id: UUID; let status: String; let expectedArrival: LocalDate; let expectedDeparture: LocalDate; let keyWorkerId: UUID?; let arrivedAt: Date?
}
struct ResidentView: Decodable, Sendable {
    let id: UUID; let crn: String; let givenName: String; let familyName: String; let dateOfBirth: LocalDate; let rosh: String
    let practitioner: PractitionerView; let contingencyPlan: String
}
struct PractitionerView: Decodable, Sendable { let name: String; let phone: String; let email: String }
struct RecordView: Decodable, Sendable {
    let resident: ResidentView; let placements: [PlacementView]; let conditions: [ConditionView]; let recentMovements: [MovementView]
}

struct NightsView: Decodable, Sendable { let from: LocalDate; let to: LocalDate }
enum HoldingView: Decodable, Sendable {
    case allocated(name: String, crn: String), outOfService(reason: String)
    enum Keys: String, CodingKey { case allocated, outOfService }
    struct Allocated: Decodable { let name: String; let crn: String }
    struct OutOfService: Decodable { let reason: String }
    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        if let a = try c.decodeIfPresent(Allocated.self, forKey: .allocated) { self = .allocated(name: a.name, crn: a.crn) }
        else { self = .outOfService(reason: try c.decode(OutOfService.self, forKey: .outOfService).reason) }
    }
}
struct BoardRowView: Decodable, Sendable {
    struct Bed: Decodable, Sendable { let code: String; let roomCode: String; let roomCharacteristics: [String] }
    let bed: Bed; let holdings: [HoldingView]
}
struct OccupancyView: Decodable, Sendable {
    let night: LocalDate; let beds: Int; let outOfService: Int; let available: Int; let occupied: Int; let free: Int; let overbookedBy: Int
    let arrivals: Int; let departures: Int
}
struct TotalsView: Decodable, Sendable { let bedNightsAvailable: Int; let bedNightsOccupied: Int; let voids: Int; let overbookedNights: Int; let occupancyRate: Double? }
struct ReportView: Decodable, Sendable {
    struct Night: Decodable, Sendable { let occupancy: OccupancyView }
    let daily: [Night]; let totals: TotalsView; let averageLengthOfStay: Double?; let curfewAlertsPer100ResidentNights: Double?
}
