import APDomain
import APWire
import Civil
import Foundation
import PGDriver

public enum ResidentStore {
    static let columns = """
        id, premises_id, crn, given_name, family_name, date_of_birth, gender, rosh, mappa_category, mappa_level,
        practitioner_name, practitioner_phone, practitioner_email, contingency_plan, anonymised_at
        """

    static func resident(_ row: PGRow) throws -> Resident {
        let category: Int16? = try row.decode("mappa_category")
        let level: Int16? = try row.decode("mappa_level")
        guard let crn = CRN(stored: try row.decode("crn", as: String.self)) else {
            throw PGError(.decoding, "column \"crn\": not a CRN", column: "crn")
        }
        return Resident(
            id: try row.decode("id"), premisesId: try row.decode("premises_id"), crn: crn,
            givenName: try row.decode("given_name"), familyName: try row.decode("family_name"),
            dateOfBirth: try row.decode("date_of_birth"), gender: try row.value("gender"), rosh: try row.value("rosh"),
            mappa: category.flatMap { c in level.map { Mappa(category: Int(c), level: Int($0)) } },
            practitioner: Practitioner(
                name: try row.decode("practitioner_name"), phone: try row.decode("practitioner_phone"),
                email: try row.decode("practitioner_email")),
            contingencyPlan: try row.decode("contingency_plan"), anonymisedAt: try row.decode("anonymised_at"))
    }

    /// Adds a resident, who belongs from now on to `new.premisesId` (and later to every premises where
    /// they have a placement) and to nobody else.
    public static func create(_ c: PGConnection, _ new: NewResident) throws -> Resident {
        guard let premisesId = new.premisesId else {
            throw StoreError.invalid(
                "premises-required", "say which premises is adding the resident (premisesId)", field: "premisesId")
        }
        guard let crn = CRN(new.crn) else { throw StoreError.invalid("crn-format", CRNRule.text, field: "crn") }
        try check(new.details)
        return try translating {
            try resident(
                c.query(
                    """
                    INSERT INTO residents (crn, given_name, family_name, date_of_birth, gender, rosh, mappa_category,
                        mappa_level,
                        practitioner_name, practitioner_phone, practitioner_email, contingency_plan, premises_id)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING \(columns)
                    """,
                    [
                        crn.value, new.givenName, new.familyName, new.dateOfBirth, new.gender.rawValue,
                        new.rosh.rawValue,
                        new.mappa.map { Int16($0.category) }, new.mappa.map { Int16($0.level) }, new.practitioner.name,
                        new.practitioner.phone, new.practitioner.email, new.contingencyPlan, premisesId,
                    ])[0])
        }
    }

    /// Corrects or brings up to date a resident's details (never their CRN); the audit trail keeps what it replaced.
    public static func update(_ c: PGConnection, id: UUID, _ d: ResidentDetails) throws -> Resident {
        try check(d)
        return try translating {
            guard
                let row = try c.query(
                    """
                    UPDATE residents SET given_name = $2, family_name = $3, date_of_birth = $4, gender = $5, rosh = $6,
                        mappa_category = $7, mappa_level = $8, practitioner_name = $9, practitioner_phone = $10,
                        practitioner_email = $11, contingency_plan = $12
                    WHERE id = $1 RETURNING \(columns)
                    """,
                    [
                        id, d.givenName, d.familyName, d.dateOfBirth, d.gender.rawValue, d.rosh.rawValue,
                        d.mappa.map { Int16($0.category) }, d.mappa.map { Int16($0.level) }, d.practitioner.name,
                        d.practitioner.phone, d.practitioner.email, d.contingencyPlan,
                    ]
                ).first
            else { throw StoreError.notFound("resident", field: "residentId") }
            return try resident(row)
        }
    }

    /// The rules a resident's details are held to, new or corrected (the database holds them too).
    static func check(_ d: ResidentDetails) throws {
        try requireText(d.givenName, field: "givenName")
        try requireText(d.familyName, field: "familyName")
        try requireText(d.practitioner.name, field: "practitioner.name")
        if let m = d.mappa, !(1...4).contains(m.category) || !(1...3).contains(m.level) {
            throw StoreError.invalid("mappa-range", "MAPPA category is 1 to 4 and level 1 to 3", field: "mappa")
        }
    }

    public static func get(_ c: PGConnection, id: UUID) throws -> Resident? {
        try c.query("SELECT \(columns) FROM residents WHERE id = $1", [id]).first.map(resident)
    }

    public static func get(_ c: PGConnection, crn: CRN) throws -> Resident? {
        try c.query("SELECT \(columns) FROM residents WHERE crn = $1 AND anonymised_at IS NULL", [crn.value]).first.map(
            resident)
    }
}

extension ResidentStore {
    /// The resident's full record, with the read recorded in the audit log under `actor`.
    public static func fullRecord(_ c: PGConnection, actor: Actor, id: UUID, movements limit: Int = 20) throws
        -> ResidentRecord?
    {
        try c.acting(as: actor) { c in
            guard let resident = try get(c, id: id) else { return nil }
            try AuditStore.insertRead(c, table: "residents", rowId: id)
            let placements = try c.query(
                "SELECT \(PlacementStore.columns) FROM placements WHERE resident_id = $1 ORDER BY expected_arrival "
                    + "DESC",
                [id]
            )
            .map(PlacementStore.placement)
            let movements = try c.query(
                "SELECT \(MovementStore.columns) FROM movements WHERE resident_id = $1 ORDER BY at DESC, seq DESC "
                    + "LIMIT $2",
                [id, limit]
            ).map(MovementStore.movement)
            return ResidentRecord(
                resident: resident, placements: placements, conditions: try ConditionStore.list(c, residentId: id),
                recentMovements: movements)
        }
    }
}
