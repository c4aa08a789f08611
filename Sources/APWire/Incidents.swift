import APDomain
import Civil
import Foundation

public struct FollowUp: Codable, Sendable, Equatable {
    public var action: String
    public var owner: UUID
    public var due: LocalDate
    public var done: Bool
    public init(action: String, owner: UUID, due: LocalDate, done: Bool = false) {
        self.action = action
        self.owner = owner
        self.due = due
        self.done = done
    }
}

/// What an incident says; every edit records a whole new version of it.
public struct IncidentDraft: Codable, Sendable, Equatable {
    public var occurredAt: Date
    public var location: String
    public var category: IncidentCategory
    public var severity: Severity
    public var description: String
    public var immediateAction: String
    public var policeReference: String?
    public var policeInformed: Bool
    public var residentIds: [UUID]
    public var staffIds: [UUID]
    public var followUps: [FollowUp]
    public init(
        occurredAt: Date, location: String = "", category: IncidentCategory, severity: Severity, description: String,
        immediateAction: String = "", policeInformed: Bool = false, policeReference: String? = nil,
        residentIds: [UUID] = [], staffIds: [UUID] = [], followUps: [FollowUp] = []
    ) {
        self.occurredAt = occurredAt
        self.location = location
        self.category = category
        self.severity = severity
        self.description = description
        self.immediateAction = immediateAction
        self.policeInformed = policeInformed
        self.policeReference = policeReference
        self.residentIds = residentIds
        self.staffIds = staffIds
        self.followUps = followUps
    }
}

public struct Incident: Codable, Sendable, Equatable {
    public var id: UUID
    public var premisesId: UUID
    public var version: Int
    public var status: IncidentStatus
    public var draft: IncidentDraft
    public var editedBy: UUID?
    public var editedAt: Date

    public init(
        id: UUID, premisesId: UUID, version: Int, status: IncidentStatus, draft: IncidentDraft, editedBy: UUID? = nil,
        editedAt: Date
    ) {
        self.id = id
        self.premisesId = premisesId
        self.version = version
        self.status = status
        self.draft = draft
        self.editedBy = editedBy
        self.editedAt = editedAt
    }
}
