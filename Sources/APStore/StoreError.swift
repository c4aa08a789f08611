import APWire
import PGDriver

/// What a caller did wrong, in words that say how to put it right, with a stable code that the API
/// turns into a problem type. Never carries personal data.
public struct StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable { case notFound, conflict, invalid }
    public let kind: Kind
    /// Stable and machine-readable, e.g. `bed-already-allocated`.
    public let code: String
    public let message: String
    /// The input field at fault, when there is one.
    public let field: String?

    public init(_ kind: Kind, _ code: String, _ message: String, field: String? = nil) {
        self.kind = kind
        self.code = code
        self.message = message
        self.field = field
    }
    public var description: String { message }

    static func notFound(_ what: String, field: String? = nil) -> StoreError {
        StoreError(
            .notFound, "\(what.replacingOccurrences(of: " ", with: "-"))-not-found",
            "no \(what) with that id: check the id", field: field)
    }
    static func invalid(_ code: String, _ message: String, field: String) -> StoreError {
        StoreError(.invalid, code, message, field: field)
    }
    static func conflict(_ code: String, _ message: String, field: String? = nil) -> StoreError {
        StoreError(.conflict, code, message, field: field)
    }

    /// The database's refusals, by constraint name. A violation not listed here is a bug in the store
    /// (it should have been caught earlier with a better message) and stays a PGError.
    static let byConstraint: [String: StoreError] = [
        "premises_code_key": .conflict(
            "premises-code-taken", "a premises with that code exists: choose another code", field: "code"),
        "premises_code_format": .invalid(
            "premises-code-format", "a premises code is 2 to 16 capital letters, digits or hyphens", field: "code"),
        "premises_time_zone_known": .invalid(
            "unknown-time-zone", "unknown time zone: use a name such as Europe/London", field: "timeZone"),
        "rooms_code_key": .conflict(
            "room-code-taken", "that premises already has a room with this code: choose another", field: "code"),
        "rooms_characteristics_values": .invalid(
            "room-characteristic", "unknown room characteristic", field: "characteristics"),
        "beds_code_key": .conflict(
            "bed-code-taken", "that premises already has a bed with this code: choose another", field: "code"),
        "beds_closed_after_opened": .invalid(
            "bed-close-before-open", "a bed closes after the night it opened", field: "closedOn"),
        "beds_close_allocated": .conflict(
            "bed-allocated-after-close", "the bed is allocated on or after that night: move those placements first",
            field: "closedOn"),
        "residents_crn_key": .conflict(
            "crn-taken", "a resident with that CRN exists: find them instead of adding them again", field: "crn"),
        "residents_crn_format": .invalid("crn-format", CRNRule.text, field: "crn"),
        "residents_mappa_both_or_neither": .invalid(
            "mappa-incomplete", "give both the MAPPA category and level, or neither", field: "mappa"),
        "residents_date_of_birth_range": .invalid(
            "date-of-birth-range", "the date of birth is not plausible: check it", field: "dateOfBirth"),
        "placements_departure_after_arrival": .invalid(
            "departure-before-arrival", "the expected departure must be after the expected arrival",
            field: "expectedDeparture"),
        "placements_no_overlap": .conflict(
            "placement-overlaps", "the resident already has a placement over those dates: end or cancel it first",
            field: "expectedArrival"),
        "residents_anonymised_fixed": .conflict(
            "resident-anonymised",
            "the resident's record was anonymised under the retention policy and is kept as it is",
            field: "residentId"),
        "placements_resident_anonymised": .conflict(
            "resident-anonymised", "the resident's record was anonymised under the retention policy: add them again",
            field: "residentId"),
        "residents_premises_required": .invalid(
            "premises-required", "say which premises is adding the resident (premisesId)", field: "premisesId"),
        "residents_premises_fixed": .conflict(
            "resident-premises-fixed",
            "the premises that added a resident does not change: book a placement elsewhere instead",
            field: "premisesId"),
        "placements_resident_visible": .invalid(
            "resident-not-found",
            "no resident with that id at a premises you work at: add them first, or ask an admin to book a move from "
                + "another premises",
            field: "residentId"),
        "placements_key_worker_works_here": .invalid(
            "key-worker-not-here", "the key worker must be a staff member of the placement's premises",
            field: "keyWorkerId"),
        "incident_versions_residents_here": .invalid(
            "resident-not-here", "every resident named must be of the incident's premises: check residentIds",
            field: "residentIds"),
        "incident_versions_staff_here": .invalid(
            "staff-not-here",
            "every staff member named must work at the incident's premises: check staffIds and the follow-up owners",
            field: "staffIds"),
        "placements_gender_matches_premises": .conflict(
            "gender-mismatch", "the premises does not house residents of this gender: choose another premises",
            field: "premisesId"),
        "placements_transition": .conflict(
            "placement-transition", "that change is not allowed for the placement's current status"),
        "bed_allocations_no_double_booking": .conflict(
            "bed-already-allocated",
            "the bed is already allocated on some of those nights: choose a free bed (see free beds)", field: "bedId"),
        "bed_allocations_one_bed_a_night": .conflict(
            "placement-already-has-bed", "the placement already has a bed on some of those nights: move it instead",
            field: "placementId"),
        "bed_allocations_not_out_of_service": .conflict(
            "bed-out-of-service", "the bed is out of service on some of those nights: choose another bed",
            field: "bedId"),
        "bed_allocations_bed_open": .conflict(
            "bed-closed", "the bed is not open on some of those nights: choose another bed", field: "bedId"),
        "bed_allocations_same_premises": .invalid(
            "bed-other-premises", "the bed is not at the placement's premises: choose one of its beds (see free beds)",
            field: "bedId"),
        "bed_allocations_active_placement": .conflict(
            "placement-not-active", "only an upcoming or arrived placement can hold a bed", field: "placementId"),
        "bed_allocations_within_placement": .invalid(
            "nights-outside-placement", "the nights must fall within the placement's expected stay", field: "nights"),
        "out_of_service_no_overlap": .conflict(
            "out-of-service-overlaps",
            "the bed is already out of service on some of those nights: revise that period instead", field: "nights"),
        "incident_versions_pkey": .conflict(
            "edited-meanwhile", "the incident was edited at the same moment: read it again and redo your change",
            field: "version"),
        "accounts_staff_id_key": .conflict(
            "staff-has-account", "that staff member has an account already: issue it a new token instead",
            field: "staffId"),
        "staff_premises_pkey": .invalid("premises-repeated", "each premises is listed once", field: "premisesIds"),
        "movements_resident_staying": .conflict(
            "not-staying-here",
            "the resident is not staying at this premises (not arrived, departed, or elsewhere): check who you mean"),
        "movements_after_arrival": .invalid("before-arrival", "that time is before the resident arrived", field: "at"),
        "movements_not_already_in": .conflict("already-in", "the resident is already signed in", field: "kind"),
        "movements_not_already_out": .conflict("already-out", "the resident is already signed out", field: "kind"),
        "movements_in_order": .invalid(
            "out-of-order", "the resident's last entry is later than that time: void that entry first if it is wrong",
            field: "at"),
        "out_of_service_bed_allocated": .conflict(
            "bed-allocated", "the bed is allocated on some of those nights: move the resident first", field: "nights"),
    ]
}

enum CRNRule { static let text = "a CRN is one letter and six digits, like X320741" }

/// Runs `body`, turning the database's refusals of bad input into `StoreError`s.
func translating<T>(_ body: () throws -> T) throws -> T {
    do { return try body() } catch let error as PGError {
        if let constraint = error.constraint, let mapped = StoreError.byConstraint[constraint] { throw mapped }
        if error.kind == .foreignKeyViolation {
            throw StoreError(
                .invalid, "reference-not-found", "something referred to does not exist: check the ids",
                field: error.column)
        }
        throw error
    }
}

extension PGConnection {
    /// Runs `body` in a transaction, or inside the caller's when one is open: a store operation of
    /// several statements is all or nothing either way.
    func atomically<T>(_ body: (PGConnection) throws -> T) throws -> T {
        transactionState == .idle ? try transaction(body) : try body(self)
    }
}
