/// The fixed lists of the domain. Raw values are what the database, the API and the CLI use,
/// so one concept has one spelling everywhere (see ../shared/DOMAIN.md).

/// Who a premises houses, and a resident's gender: one vocabulary so that matching is equality.
public enum Gender: String, Codable, Sendable, CaseIterable { case male, female }

/// Risk of serious harm.
public enum RoSH: String, Codable, Sendable, CaseIterable, Comparable {
    case low, medium, high, veryHigh = "very_high"
    public static func < (a: RoSH, b: RoSH) -> Bool { allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)! }
}

public enum APType: String, Codable, Sendable, CaseIterable {
    case normal, pipe, esap, recovery
}

public enum RoomCharacteristic: String, Codable, Sendable, CaseIterable {
    case single, enSuite = "en_suite", wheelchair, stepFree = "step_free"
    case arsonSuitable = "arson_suitable", sexOffenceSuitable = "sex_offence_suitable"
}

public enum OutOfServiceReason: String, Codable, Sendable, CaseIterable {
    case plannedRefurbishment = "planned_refurbishment", damageByResident = "damage_by_resident"
    case staffShortage = "staff_shortage", singleOccupancy = "single_occupancy", bedOnHold = "bed_on_hold", other
}

/// A staff member's role; it is also what their account may do.
public enum StaffRole: String, Codable, Sendable, CaseIterable { case staff, manager, admin }

public enum DepartureReason: String, Codable, Sendable, CaseIterable {
    case plannedMoveOn = "planned_move_on", breachRecallCurfew = "breach_recall_curfew"
    case breachLicenceCondition = "breach_licence_condition", positiveDrugsTest = "positive_drugs_test"
    case absconded, behaviour, other
}

public enum CancellationReason: String, Codable, Sendable, CaseIterable {
    case alternativeProvision = "alternative_provision", riskChanged = "risk_changed"
    case withdrawnByPractitioner = "withdrawn_by_practitioner", error, other
}

public enum NonArrivalReason: String, Codable, Sendable, CaseIterable {
    case recalled, remandedInCustody = "remanded_in_custody", failedToArrive = "failed_to_arrive"
    case hospitalised, other
}
