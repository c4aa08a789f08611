import APDomain
import Civil
import Foundation

/// One entry of the sign-in/out log as evidence: what happened and when, who recorded it and when, why it was
/// late, and whether it was voided (and why). In an alert (the entries it rests on) and in the evidence pack.
public struct EvidenceEntry: Codable, Sendable, Equatable {
    public var id: UUID
    public var premisesId: UUID
    public var kind: MovementKind
    public var at: Date
    public var recordedAt: Date
    /// The staff member's name; "the system" for an entry nobody signed.
    public var recordedBy: String
    public var destination: String
    public var expectedBack: Date?
    public var note: String
    public var lateReason: String?
    /// A void names the entry it voids, and why.
    public var voids: UUID?
    public var voidReason: String?
    /// An entry later voided: the void's id.
    public var voidedBy: UUID?
    /// Its place in the premises' hash chain.
    public var seq: Int
    /// In the evidence pack: whether its hash and its link to the entry before it hold.
    public var chain: ChainCheck?

    public init(
        id: UUID, premisesId: UUID, kind: MovementKind, at: Date, recordedAt: Date, recordedBy: String,
        destination: String = "", expectedBack: Date? = nil, note: String = "", lateReason: String? = nil,
        voids: UUID? = nil, voidReason: String? = nil, voidedBy: UUID? = nil, seq: Int, chain: ChainCheck? = nil
    ) {
        self.id = id
        self.premisesId = premisesId
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
        self.voidedBy = voidedBy
        self.seq = seq
        self.chain = chain
    }
}

/// Whether an entry is as it was written: its hash matches its content, and its link matches the hash of the
/// entry before it in the premises' chain (one deleted or rewritten before it breaks the link).
public enum ChainCheck: String, Codable, Sendable, CaseIterable {
    case verified
    /// Its content no longer matches its hash: it was changed after it was written.
    case altered
    /// Its link does not match the entry before it: that one was changed, removed or put in.
    case linkBroken = "link_broken"
}

/// Everything held about a resident over a range of nights, for a recall request: the conditions and each
/// night's curfew, every entry with who recorded it, alerts and what was done about them, incidents, and
/// whether the log's hash chain verifies. Nights are named by the date each starts; as everywhere in the API,
/// `to` is the morning after the last night.
public struct EvidencePack: Codable, Sendable, Equatable {
    public var resident: Resident
    public var from: LocalDate
    public var to: LocalDate
    public var generatedAt: Date
    /// The time zone every local time in the pack is in.
    public var timeZone: String
    /// The premises the resident was placed at in these nights.
    public var premises: [Premises]
    public var placements: [Placement]
    public var conditions: [LicenceCondition]
    /// Withdrawn ones too, marked.
    public var absences: [AuthorisedAbsence]
    public var nights: [EvidenceNight]
    /// Oldest first, voids included; the entry in force when the range began comes first.
    public var entries: [EvidenceEntry]
    public var reports: [EvidenceReport]
    public var alerts: [Alert]
    public var incidents: [Incident]
    /// Every entry in the pack verifies (`entries[].chain`).
    public var chainVerified: Bool

    public init(
        resident: Resident, from: LocalDate, to: LocalDate, generatedAt: Date, timeZone: String, premises: [Premises],
        placements: [Placement], conditions: [LicenceCondition], absences: [AuthorisedAbsence],
        nights: [EvidenceNight], entries: [EvidenceEntry], reports: [EvidenceReport], alerts: [Alert],
        incidents: [Incident], chainVerified: Bool
    ) {
        self.resident = resident
        self.from = from
        self.to = to
        self.generatedAt = generatedAt
        self.timeZone = timeZone
        self.premises = premises
        self.placements = placements
        self.conditions = conditions
        self.absences = absences
        self.nights = nights
        self.entries = entries
        self.reports = reports
        self.alerts = alerts
        self.incidents = incidents
        self.chainVerified = chainVerified
    }
}

/// One night as the curfew check saw it: where the resident was placed, and the curfew in force.
public struct EvidenceNight: Codable, Sendable, Equatable {
    public var night: LocalDate
    /// The premises' code, or nil on a night the resident was not placed.
    public var premisesCode: String?
    /// The curfew's windows that night, absences cut out, as instants and as the wall clock read them.
    public var windows: [EvidenceWindow]
    /// Said when the clocks change that night ("the clocks go forward: GMT to BST").
    public var clocksChange: String?

    public init(night: LocalDate, premisesCode: String?, windows: [EvidenceWindow], clocksChange: String?) {
        self.night = night
        self.premisesCode = premisesCode
        self.windows = windows
        self.clocksChange = clocksChange
    }
}

public struct EvidenceWindow: Codable, Sendable, Equatable {
    public var start: Date
    public var end: Date
    /// "23:00 to 06:00", with zones on a clock-change night ("23:00 GMT to 06:00 BST").
    public var local: String

    public init(start: Date, end: Date, local: String) {
        self.start = start
        self.end = end
        self.local = local
    }
}

/// A resident reporting to staff, as a reporting condition requires.
public struct EvidenceReport: Codable, Sendable, Equatable {
    public var at: Date
    public var recordedAt: Date
    public var recordedBy: String
    public var note: String

    public init(at: Date, recordedAt: Date, recordedBy: String, note: String) {
        self.at = at
        self.recordedAt = recordedAt
        self.recordedBy = recordedBy
        self.note = note
    }
}
