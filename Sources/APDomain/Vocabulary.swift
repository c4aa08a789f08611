/// The fixed lists of the domain. Raw values are what the database, the API and the CLI use,
/// so one concept has one spelling everywhere (see ../shared/DOMAIN.md).

/// Who a premises houses, and a resident's gender: one vocabulary so that matching is equality.
public enum Gender: String, Codable, Sendable, CaseIterable { case male, female }

/// Risk of serious harm.
public enum RoSH: String, Codable, Sendable, CaseIterable, Comparable {
    case low, medium, high
    case veryHigh = "very_high"
    public static func < (a: RoSH, b: RoSH) -> Bool { allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)! }
}

public enum APType: String, Codable, Sendable, CaseIterable {
    case normal, pipe, esap, recovery
}

public enum RoomCharacteristic: String, Codable, Sendable, CaseIterable {
    case single
    case enSuite = "en_suite"
    case wheelchair
    case stepFree = "step_free"
    case arsonSuitable = "arson_suitable"
    case sexOffenceSuitable = "sex_offence_suitable"
}

public enum OutOfServiceReason: String, Codable, Sendable, CaseIterable {
    case plannedRefurbishment = "planned_refurbishment"
    case damageByResident = "damage_by_resident"
    case staffShortage = "staff_shortage"
    case singleOccupancy = "single_occupancy"
    case bedOnHold = "bed_on_hold"
    case other
}

/// A staff member's role; it is also what their account may do.
public enum StaffRole: String, Codable, Sendable, CaseIterable { case staff, manager, admin }

public enum DepartureReason: String, Codable, Sendable, CaseIterable {
    case plannedMoveOn = "planned_move_on"
    case breachRecallCurfew = "breach_recall_curfew"
    case breachLicenceCondition = "breach_licence_condition"
    case positiveDrugsTest = "positive_drugs_test"
    case absconded, behaviour, other
}

public enum CancellationReason: String, Codable, Sendable, CaseIterable {
    case alternativeProvision = "alternative_provision"
    case riskChanged = "risk_changed"
    case withdrawnByPractitioner = "withdrawn_by_practitioner"
    case error, other
}

public enum NonArrivalReason: String, Codable, Sendable, CaseIterable {
    case recalled
    case remandedInCustody = "remanded_in_custody"
    case failedToArrive = "failed_to_arrive"
    case hospitalised, other
}

public enum ConditionKind: String, Codable, Sendable, CaseIterable {
    // standard conditions
    case beWellBehaved = "be_well_behaved"
    case noOffence = "no_offence"
    case keepInTouch = "keep_in_touch"
    case receiveVisits = "receive_visits"
    case resideAtApprovedAddress = "reside_at_approved_address"
    case permissionToStayElsewhere = "permission_to_stay_elsewhere"
    case tellOfNameOrContactChange = "tell_of_name_or_contact_change"
    case approvalForWork = "approval_for_work"
    case noTravelAbroad = "no_travel_abroad"
    // additional conditions
    case curfew, reporting
    case exclusionZone = "exclusion_zone"
    case noContact = "no_contact"
    case drugTesting = "drug_testing"
    case electronicMonitoring = "electronic_monitoring"
    case other

    public var isStandard: Bool {
        switch self {
        case .curfew, .reporting, .exclusionZone, .noContact, .drugTesting, .electronicMonitoring, .other: false
        default: true
        }
    }
}

public enum ConditionSource: String, Codable, Sendable, CaseIterable {
    case licence, bail, court
    case apManager = "ap_manager"
}

/// An entry of the sign-in/out log: a resident going out or coming in, or a correction voiding an entry.
public enum MovementKind: String, Codable, Sendable, CaseIterable { case out, `in`, void }

public enum IncidentCategory: String, Codable, Sendable, CaseIterable {
    case violenceOrAggression = "violence_or_aggression"
    case threats
    case damageToProperty = "damage_to_property"
    case substanceMisuse = "substance_misuse"
    case drugsOrAlcoholFound = "drugs_or_alcohol_found"
    case selfHarm = "self_harm"
    case medicalEmergency = "medical_emergency"
    case fireOrFireAlarm = "fire_or_fire_alarm"
    case abscondingOrFailureToReturn = "absconding_or_failure_to_return"
    case policeAttendance = "police_attendance"
    case safeguarding, other
}

public enum Severity: String, Codable, Sendable, CaseIterable { case low, medium, high, critical }

public enum IncidentStatus: String, Codable, Sendable, CaseIterable {
    case open
    case underReview = "under_review"
    case closed

    /// Open and under review move either way or close; a closed incident can only be reopened.
    public func canBecome(_ next: IncidentStatus) -> Bool {
        switch (self, next) {
        case (.open, .underReview), (.underReview, .open), (.open, .closed), (.underReview, .closed), (.closed, .open):
            true
        default: false
        }
    }
}

public enum AlertKind: String, Codable, Sendable, CaseIterable {
    case lateReturn = "late_return"
    case leftDuringCurfew = "left_during_curfew"
    case absentOvernight = "absent_overnight"
    case missedReporting = "missed_reporting"
}

public enum AlertOutcome: String, Codable, Sendable, CaseIterable {
    case returnedLate = "returned_late"
    case contactedOutOfHoursManager = "contacted_out_of_hours_manager"
    case recallRequested = "recall_requested"
    case absenceWasAuthorised = "absence_was_authorised"
    case recordingError = "recording_error"
}
