import APDomain
import Civil
import Foundation

/// What the out-of-hours webhook is posted for an alert (README: the webhook). Who and where, and for an
/// escalated alert what the person acting on it at night needs: the resident's name, the contingency plan, the
/// probation practitioner and the entries it rests on. Written when the alert is raised and posted as written.
public struct AlertNotice: Codable, Sendable, Equatable {
    public struct PremisesRef: Codable, Sendable, Equatable {
        public var code: String
        public var name: String

        public init(code: String, name: String) {
            self.code = code
            self.name = name
        }
    }

    public struct ResidentRef: Codable, Sendable, Equatable {
        public var crn: String
        public var rosh: RoSH
        /// Only on an escalated alert.
        public var name: String?
        public var contingencyPlan: String?
        public var practitioner: Practitioner?

        public init(
            crn: String, rosh: RoSH, name: String? = nil, contingencyPlan: String? = nil,
            practitioner: Practitioner? = nil
        ) {
            self.crn = crn
            self.rosh = rosh
            self.name = name
            self.contingencyPlan = contingencyPlan
            self.practitioner = practitioner
        }
    }

    public var alertId: UUID
    public var kind: AlertKind
    public var night: LocalDate
    public var raisedAt: Date
    public var escalate: Bool
    public var premises: PremisesRef
    public var resident: ResidentRef
    /// Only on an escalated alert: the entries it rests on (the sign-out, where to, when due back).
    public var evidenceEntries: [EvidenceEntry]?

    public init(
        alertId: UUID, kind: AlertKind, night: LocalDate, raisedAt: Date, escalate: Bool, premises: PremisesRef,
        resident: ResidentRef, evidenceEntries: [EvidenceEntry]? = nil
    ) {
        self.alertId = alertId
        self.kind = kind
        self.night = night
        self.raisedAt = raisedAt
        self.escalate = escalate
        self.premises = premises
        self.resident = resident
        self.evidenceEntries = evidenceEntries
    }
}
