import APDomain
import APWire
import Civil
import Foundation
import PGDriver

/// Licence conditions and authorised absences.
extension LicenceCondition {
    /// The condition as the domain's curfew function takes it; nil for a condition that is not a curfew.
    public func curfewCondition() throws -> CurfewCondition? {
        guard let curfew else { return nil }
        return try CurfewCondition(
            windows: curfew.windows, days: curfew.days.map(Set.init), from: startsOn, until: endsOn)
    }

    public func reportingCondition() -> ReportingCondition? {
        guard kind == .reporting else { return nil }
        return ReportingCondition(
            times: reporting?.times ?? [], days: reporting?.days.map(Set.init), from: startsOn, until: endsOn)
    }
}

public enum ConditionStore {
    static let columns = "id, resident_id, kind, source, starts_on, ends_on, wording, details, replaces"

    struct Details: Codable {
        var windows: [CurfewWindow]?
        var days: [Int]?
        var times: [LocalTime]?
    }

    static func condition(_ row: PGRow) throws -> LicenceCondition {
        let kind: ConditionKind = try row.value("kind")
        let details = try row.decode("details", as: JSONB.self).decode(as: Details.self)
        return LicenceCondition(
            id: try row.decode("id"), residentId: try row.decode("resident_id"), kind: kind,
            source: try row.value("source"),
            startsOn: try row.decode("starts_on"), endsOn: try row.decode("ends_on"),
            wording: try row.decode("wording"),
            curfew: kind == .curfew ? CurfewDetails(windows: details.windows ?? [], days: details.days) : nil,
            reporting: kind == .reporting ? ReportingDetails(times: details.times ?? [], days: details.days) : nil,
            replaces: try row.decode("replaces"))
    }

    /// Checks a new condition the way the domain reads it, so that the error names the field.
    static func details(of new: NewCondition) throws -> JSONB {
        if new.kind == .curfew {
            guard let curfew = new.curfew else {
                throw StoreError.invalid("curfew-windows", "a curfew condition needs its windows", field: "curfew")
            }
            do {
                _ = try CurfewCondition(
                    windows: curfew.windows, days: curfew.days.map(Set.init), from: new.startsOn, until: new.endsOn)
            } catch {
                throw StoreError.invalid("curfew-invalid", error.description, field: "curfew")
            }
            return try JSONB(encoding: Details(windows: curfew.windows, days: curfew.days))
        }
        if new.kind == .reporting {
            guard let reporting = new.reporting, !reporting.times.isEmpty else {
                throw StoreError.invalid(
                    "reporting-times", "a reporting condition needs at least one time", field: "reporting")
            }
            if let days = reporting.days, days.isEmpty || !days.allSatisfy((1...7).contains) {
                throw StoreError.invalid(
                    "reporting-days", "days of the week are 1 (Monday) to 7 (Sunday)", field: "reporting")
            }
            return try JSONB(encoding: Details(days: reporting.days, times: reporting.times))
        }
        if new.curfew != nil || new.reporting != nil {
            throw StoreError.invalid(
                "details-for-kind", "only curfew and reporting conditions carry windows or times", field: "kind")
        }
        return JSONB(text: "{}")
    }

    public static func add(
        _ c: PGConnection, actor: Actor, residentId: UUID, _ new: NewCondition, replacing: UUID? = nil
    ) throws -> LicenceCondition {
        if let endsOn = new.endsOn, endsOn <= new.startsOn {
            throw StoreError.invalid("ends-before-start", "a condition ends after the night it starts", field: "endsOn")
        }
        let details = try details(of: new)
        return try c.acting(as: actor) { c in
            try translating {
                try condition(
                    c.query(
                        """
                        INSERT INTO licence_conditions (resident_id, kind, source, starts_on, ends_on, wording,
                            details, replaces)
                        VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING \(columns)
                        """,
                        [
                            residentId, new.kind.rawValue, new.source.rawValue, new.startsOn, new.endsOn, new.wording,
                            details, replacing,
                        ])[0])
            }
        }
    }

    /// Varies a condition from `night` on: the old one ends that night and `replacement` starts then.
    public static func vary(
        _ c: PGConnection, actor: Actor, conditionId: UUID, from night: LocalDate, replacement: NewCondition
    ) throws -> LicenceCondition {
        try c.acting(as: actor) { c in
            guard
                let old = try c.query(
                    "SELECT \(columns) FROM licence_conditions WHERE id = $1 FOR UPDATE", [conditionId]
                ).first.map(condition)
            else {
                throw StoreError.notFound("licence condition", field: "conditionId")
            }
            guard night > old.startsOn, old.endsOn.map({ night <= $0 }) ?? true else {
                throw StoreError.invalid(
                    "vary-outside", "a condition is varied on a night after it starts and before it ends", field: "from"
                )
            }
            try end(c, actor: actor, conditionId: conditionId, on: night)
            var next = replacement
            next.startsOn = night
            return try add(c, actor: actor, residentId: old.residentId, next, replacing: conditionId)
        }
    }

    /// Ends a condition: `night` is the first night it no longer applies.
    public static func end(_ c: PGConnection, actor: Actor, conditionId: UUID, on night: LocalDate) throws {
        try c.acting(as: actor) { c in
            let n = try translating {
                try c.query(
                    "UPDATE licence_conditions SET ends_on = $2 WHERE id = $1 AND starts_on < $2 AND (ends_on IS "
                        + "NULL OR ends_on >= $2)",
                    [conditionId, night]
                ).affectedRows
            }
            if n == 0 {
                throw StoreError.invalid(
                    "end-outside", "a condition ends on a night after it starts and not after its current end",
                    field: "on")
            }
        }
    }

    public static func list(_ c: PGConnection, residentId: UUID) throws -> [LicenceCondition] {
        try c.query(
            "SELECT \(columns) FROM licence_conditions WHERE resident_id = $1 ORDER BY starts_on, recorded_at",
            [residentId]
        ).map(condition)
    }

    /// The curfew conditions of many residents at once, as the domain's curfew function takes them.
    public static func curfews(_ c: PGConnection, residentIds: [UUID]) throws -> [UUID: [CurfewCondition]] {
        var out: [UUID: [CurfewCondition]] = [:]
        for row in try c.query(
            "SELECT \(columns) FROM licence_conditions WHERE kind = 'curfew' AND resident_id = ANY($1)", [residentIds])
        {
            let lc = try condition(row)
            if let curfew = try lc.curfewCondition() { out[lc.residentId, default: []].append(curfew) }
        }
        return out
    }

    // MARK: Authorised absences

    static let absenceColumns =
        "id, resident_id, starts_at, ends_at, reason, approved_by_name, approved_by_role, withdrawn_at"

    static func absence(_ row: PGRow) throws -> AuthorisedAbsence {
        AuthorisedAbsence(
            id: try row.decode("id"), residentId: try row.decode("resident_id"), startsAt: try row.decode("starts_at"),
            endsAt: try row.decode("ends_at"), reason: try row.decode("reason"),
            approvedByName: try row.decode("approved_by_name"),
            approvedByRole: try row.decode("approved_by_role"), withdrawnAt: try row.decode("withdrawn_at"))
    }

    public static func addAbsence(
        _ c: PGConnection, actor: Actor, residentId: UUID, during: DateInterval, reason: String,
        approvedBy name: String, role: String
    ) throws -> AuthorisedAbsence {
        try requireText(reason, field: "reason")
        try requireText(name, field: "approvedByName")
        try requireText(role, field: "approvedByRole")
        guard during.duration > 0 else {
            throw StoreError.invalid("absence-empty", "an absence ends after it starts", field: "endsAt")
        }
        return try c.acting(as: actor) { c in
            try translating {
                try absence(
                    c.query(
                        """
                        INSERT INTO authorised_absences (resident_id, starts_at, ends_at, reason, approved_by_name,
                            approved_by_role, recorded_by)
                        VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING \(absenceColumns)
                        """, [residentId, during.start, during.end, reason, name, role, actor.staffId])[0])
            }
        }
    }

    public static func withdrawAbsence(_ c: PGConnection, actor: Actor, absenceId: UUID, reason: String) throws {
        try requireText(reason, field: "reason")
        try c.acting(as: actor) { c in
            let n = try c.query(
                "UPDATE authorised_absences SET withdrawn_at = now(), withdrawn_reason = $2 WHERE id = $1 AND "
                    + "withdrawn_at IS NULL",
                [absenceId, reason]
            ).affectedRows
            if n == 0 { throw StoreError.notFound("authorised absence", field: "absenceId") }
        }
    }

    /// Absences in force (not withdrawn) that overlap `during`, for the given residents.
    public static func absences(_ c: PGConnection, residentIds: [UUID], overlapping during: DateInterval) throws
        -> [UUID: [AuthorisedAbsence]]
    {
        var out: [UUID: [AuthorisedAbsence]] = [:]
        for row in try c.query(
            """
            SELECT \(absenceColumns) FROM authorised_absences
            WHERE resident_id = ANY($1) AND withdrawn_at IS NULL AND starts_at < $3 AND ends_at > $2 ORDER BY starts_at
            """, [residentIds, during.start, during.end])
        {
            let a = try absence(row)
            out[a.residentId, default: []].append(a)
        }
        return out
    }
}
