import APDomain
import Civil
import Foundation

public struct Alert: Codable, Sendable, Equatable {
    public var id: UUID
    public var premisesId: UUID
    public var residentId: UUID
    /// Who, as staff know them, and what the person acting on the alert needs at hand: the risk, the
    /// out-of-hours contingency plan and the probation practitioner (filled in when read).
    public var crn: String = ""
    public var residentName: String = ""
    public var rosh: RoSH?
    public var contingencyPlan: String?
    public var practitioner: Practitioner?
    public var placementId: UUID
    public var night: LocalDate
    public var kind: AlertKind
    public var raisedAt: Date
    /// The ids of the entries it rests on (the sign-out that left the resident out)...
    public var evidence: [UUID]
    /// ...and those entries, with who recorded them and whether one was voided since (filled in when read).
    public var evidenceEntries: [EvidenceEntry] = []
    public var escalate: Bool
    public var resolvedAt: Date?
    public var resolvedReason: String?
    public var acknowledgements: [Acknowledgement]

    public init(
        id: UUID, premisesId: UUID, residentId: UUID, crn: String = "", residentName: String = "", placementId: UUID,
        night: LocalDate, kind: AlertKind, raisedAt: Date, evidence: [UUID], escalate: Bool, resolvedAt: Date? = nil,
        resolvedReason: String? = nil, acknowledgements: [Acknowledgement]
    ) {
        self.id = id
        self.premisesId = premisesId
        self.residentId = residentId
        self.crn = crn
        self.residentName = residentName
        self.placementId = placementId
        self.night = night
        self.kind = kind
        self.raisedAt = raisedAt
        self.evidence = evidence
        self.escalate = escalate
        self.resolvedAt = resolvedAt
        self.resolvedReason = resolvedReason
        self.acknowledgements = acknowledgements
    }
}

public struct Acknowledgement: Codable, Sendable, Equatable {
    public var by: UUID?
    public var at: Date
    public var outcome: AlertOutcome
    public var note: String

    public init(by: UUID? = nil, at: Date, outcome: AlertOutcome, note: String) {
        self.by = by
        self.at = at
        self.outcome = outcome
        self.note = note
    }
}

extension Alert {
    /// Neither acknowledged nor resolved: someone still has to act on it.
    public var isOpen: Bool { resolvedAt == nil && acknowledgements.isEmpty }
}
