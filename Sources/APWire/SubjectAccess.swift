import Foundation

/// Everything held about one person, across every premises, for a subject access request (UK GDPR article 15):
/// their record, every placement whatever became of it, every condition (ended and varied ones too), their whole
/// history as an evidence pack covers it (entries, reports, absences, alerts, incidents naming them), and who has
/// read their record and when.
public struct SubjectAccess: Codable, Sendable, Equatable {
    public var generatedAt: Date
    public var resident: Resident
    /// The premises that added them and every one they were placed at.
    public var premises: [Premises]
    public var placements: [Placement]
    public var conditions: [LicenceCondition]
    public var history: EvidencePack
    public var reads: [RecordRead]

    public init(
        generatedAt: Date, resident: Resident, premises: [Premises], placements: [Placement],
        conditions: [LicenceCondition],
        history: EvidencePack, reads: [RecordRead]
    ) {
        self.generatedAt = generatedAt
        self.resident = resident
        self.premises = premises
        self.placements = placements
        self.conditions = conditions
        self.history = history
        self.reads = reads
    }
}

/// One reading of a person's record: when, by whom (a staff member's name, or the service's own account), from
/// where, and what was read (their record, an evidence pack, a subject access).
public struct RecordRead: Codable, Sendable, Equatable {
    public var at: Date
    public var by: String
    public var origin: String
    public var what: String

    public init(at: Date, by: String, origin: String, what: String) {
        self.at = at
        self.by = by
        self.origin = origin
        self.what = what
    }
}
