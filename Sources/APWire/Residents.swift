import APDomain
import Civil
import Foundation

public struct Mappa: Codable, Sendable, Equatable {
    public var category: Int
    public var level: Int
    public init(category: Int, level: Int) {
        self.category = category
        self.level = level
    }
}

public struct Practitioner: Codable, Sendable, Equatable {
    public var name: String
    public var phone: String
    public var email: String
    public init(name: String, phone: String = "", email: String = "") {
        self.name = name
        self.phone = phone
        self.email = email
    }
}

public struct Resident: Codable, Sendable, Equatable {
    public var id: UUID
    /// The premises that added the resident (the referral's). Nil only for a resident added before
    /// residents belonged to a premises and never placed: only admins see them.
    public var premisesId: UUID?
    public var crn: CRN
    public var givenName: String
    public var familyName: String
    public var dateOfBirth: LocalDate
    public var gender: Gender
    public var rosh: RoSH
    public var mappa: Mappa?
    public var practitioner: Practitioner
    public var contingencyPlan: String
    /// When the record was anonymised under the retention policy (its CRN then reads `anonymised`); nil until then.
    public var anonymisedAt: Date?

    public init(
        id: UUID, premisesId: UUID? = nil, crn: CRN, givenName: String, familyName: String, dateOfBirth: LocalDate,
        gender: Gender, rosh: RoSH, mappa: Mappa? = nil, practitioner: Practitioner, contingencyPlan: String,
        anonymisedAt: Date? = nil
    ) {
        self.id = id
        self.premisesId = premisesId
        self.crn = crn
        self.givenName = givenName
        self.familyName = familyName
        self.dateOfBirth = dateOfBirth
        self.gender = gender
        self.rosh = rosh
        self.mappa = mappa
        self.practitioner = practitioner
        self.contingencyPlan = contingencyPlan
        self.anonymisedAt = anonymisedAt
    }
}

public struct NewResident: Codable, Sendable, Equatable {
    /// The premises adding the resident. The service fills it in for an account that works at one
    /// premises; an account that works at several must say which.
    public var premisesId: UUID?
    public var crn: String
    public var givenName: String
    public var familyName: String
    public var dateOfBirth: LocalDate
    public var gender: Gender
    public var rosh: RoSH
    public var mappa: Mappa?
    public var practitioner: Practitioner
    public var contingencyPlan: String = ""
    public init(
        premisesId: UUID? = nil, crn: String, givenName: String, familyName: String, dateOfBirth: LocalDate,
        gender: Gender,
        rosh: RoSH, mappa: Mappa? = nil, practitioner: Practitioner, contingencyPlan: String = ""
    ) {
        self.premisesId = premisesId
        self.crn = crn
        self.givenName = givenName
        self.familyName = familyName
        self.dateOfBirth = dateOfBirth
        self.gender = gender
        self.rosh = rosh
        self.mappa = mappa
        self.practitioner = practitioner
        self.contingencyPlan = contingencyPlan
    }
}

extension NewResident {
    /// What a new resident shares with a correction of one: everything but the CRN and the premises.
    public var details: ResidentDetails {
        ResidentDetails(
            givenName: givenName, familyName: familyName, dateOfBirth: dateOfBirth, gender: gender, rosh: rosh,
            mappa: mappa, practitioner: practitioner, contingencyPlan: contingencyPlan)
    }
}

/// A resident's details as they are corrected or brought up to date: everything but the CRN, which names them,
/// and the premises that added them. Every change is kept in the audit trail with what it replaced.
public struct ResidentDetails: Codable, Sendable, Equatable {
    public var givenName: String
    public var familyName: String
    public var dateOfBirth: LocalDate
    public var gender: Gender
    public var rosh: RoSH
    public var mappa: Mappa?
    public var practitioner: Practitioner
    public var contingencyPlan: String = ""
    public init(
        givenName: String, familyName: String, dateOfBirth: LocalDate, gender: Gender, rosh: RoSH, mappa: Mappa? = nil,
        practitioner: Practitioner, contingencyPlan: String = ""
    ) {
        self.givenName = givenName
        self.familyName = familyName
        self.dateOfBirth = dateOfBirth
        self.gender = gender
        self.rosh = rosh
        self.mappa = mappa
        self.practitioner = practitioner
        self.contingencyPlan = contingencyPlan
    }
}

/// A licence condition as recorded. Curfew and reporting conditions carry what the system acts on.
public struct LicenceCondition: Codable, Sendable, Equatable {
    public var id: UUID
    public var residentId: UUID
    public var kind: ConditionKind
    public var source: ConditionSource
    public var startsOn: LocalDate
    /// The first night it no longer applies.
    public var endsOn: LocalDate?
    public var wording: String
    public var curfew: CurfewDetails?
    public var reporting: ReportingDetails?
    public var replaces: UUID?

    public init(
        id: UUID, residentId: UUID, kind: ConditionKind, source: ConditionSource, startsOn: LocalDate,
        endsOn: LocalDate? = nil, wording: String, curfew: CurfewDetails? = nil, reporting: ReportingDetails? = nil,
        replaces: UUID? = nil
    ) {
        self.id = id
        self.residentId = residentId
        self.kind = kind
        self.source = source
        self.startsOn = startsOn
        self.endsOn = endsOn
        self.wording = wording
        self.curfew = curfew
        self.reporting = reporting
        self.replaces = replaces
    }
}

public struct CurfewDetails: Codable, Sendable, Equatable {
    public var windows: [CurfewWindow]
    public var days: [Int]?
    public init(windows: [CurfewWindow], days: [Int]? = nil) {
        self.windows = windows
        self.days = days
    }
}

/// Report to AP staff at these wall-clock times, on these ISO weekdays (every day when nil).
public struct ReportingDetails: Codable, Sendable, Equatable {
    public var times: [LocalTime]
    public var days: [Int]?
    public init(times: [LocalTime], days: [Int]? = nil) {
        self.times = times
        self.days = days
    }
}

public struct NewCondition: Codable, Sendable, Equatable {
    public var kind: ConditionKind
    public var source: ConditionSource
    public var startsOn: LocalDate
    public var endsOn: LocalDate?
    public var wording: String
    public var curfew: CurfewDetails?
    public var reporting: ReportingDetails?
    public init(
        kind: ConditionKind, source: ConditionSource, startsOn: LocalDate, endsOn: LocalDate? = nil,
        wording: String = "",
        curfew: CurfewDetails? = nil, reporting: ReportingDetails? = nil
    ) {
        self.kind = kind
        self.source = source
        self.startsOn = startsOn
        self.endsOn = endsOn
        self.wording = wording
        self.curfew = curfew
        self.reporting = reporting
    }
}

public struct AuthorisedAbsence: Codable, Sendable, Equatable {
    public var id: UUID
    public var residentId: UUID
    public var startsAt: Date
    public var endsAt: Date
    public var reason: String
    public var approvedByName: String
    public var approvedByRole: String
    public var withdrawnAt: Date?
    public var interval: DateInterval { DateInterval(start: startsAt, end: endsAt) }

    public init(
        id: UUID, residentId: UUID, startsAt: Date, endsAt: Date, reason: String, approvedByName: String,
        approvedByRole: String, withdrawnAt: Date? = nil
    ) {
        self.id = id
        self.residentId = residentId
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.reason = reason
        self.approvedByName = approvedByName
        self.approvedByRole = approvedByRole
        self.withdrawnAt = withdrawnAt
    }
}

/// Everything staff see about a resident in one place. Reading it is audited.
public struct ResidentRecord: Codable, Sendable, Equatable {
    public var resident: Resident
    public var placements: [Placement]
    public var conditions: [LicenceCondition]
    public var recentMovements: [Movement]

    public init(
        resident: Resident, placements: [Placement], conditions: [LicenceCondition], recentMovements: [Movement]
    ) {
        self.resident = resident
        self.placements = placements
        self.conditions = conditions
        self.recentMovements = recentMovements
    }
}
