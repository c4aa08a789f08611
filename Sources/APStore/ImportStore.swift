import APDomain
import APWire
import Civil
import Foundation
import PGDriver

/// Importing a hostel's records from the spreadsheets it kept before (issue 20). A file is read whole, every row
/// judged, and then either nothing is written (a dry run, or any error anywhere) or everything is, in one
/// transaction: all or nothing. Residents are matched by CRN, so the same file applied again changes nothing.
/// Errors name the row and column and how to put it right, never the value (the report is shown and may be kept).
public enum ImportStore {
    public struct Problem: Sendable, Equatable, CustomStringConvertible {
        public let row: Int
        public let column: String
        public let what: String
        public var description: String { "row \(row), \(column): \(what)" }
    }

    public struct Report: Sendable, Equatable {
        /// What was (or with --apply would be) done, a line a row: "row 2: added", "row 3: unchanged".
        public var rows: [String] = []
        public var created = 0
        public var changed = 0
        public var unchanged = 0
        public var problems: [Problem] = []
        public var applied = false
    }

    /// The residents file's columns, in the order the sample has them; the first six are required.
    public static let residentColumns = [
        "crn", "given_name", "family_name", "date_of_birth", "gender", "rosh", "mappa_category", "mappa_level",
        "practitioner_name", "practitioner_phone", "practitioner_email", "contingency_plan",
    ]
    static let requiredResidentColumns: Set<String> = [
        "crn", "given_name", "family_name", "date_of_birth", "gender", "rosh", "practitioner_name",
    ]

    /// The residents of a CSV file as new records, with every problem found; row numbers as a spreadsheet shows
    /// them (the header is row 1).
    public static func readResidents(_ rows: [[String]], premisesId: UUID) -> ([(row: Int, NewResident)], [Problem]) {
        guard let header = rows.first?.map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }) else {
            return ([], [Problem(row: 1, column: "header", what: "the file is empty: start with the header row")])
        }
        var problems: [Problem] = []
        for missing in requiredResidentColumns.subtracting(header).sorted() {
            problems.append(Problem(row: 1, column: missing, what: "no such column: add it to the header row"))
        }
        for unknown in Set(header).subtracting(residentColumns).sorted() {
            problems.append(
                Problem(row: 1, column: unknown, what: "not a column of this file: see the README's list, or remove it")
            )
        }
        if !problems.isEmpty { return ([], problems) }
        var seen: [String: Int] = [:]
        var found: [(row: Int, NewResident)] = []
        for (i, fields) in rows.dropFirst().enumerated() {
            let row = i + 2
            func value(_ column: String) -> String {
                header.firstIndex(of: column).flatMap { $0 < fields.count ? fields[$0] : nil }?
                    .trimmingCharacters(in: .whitespaces) ?? ""
            }
            var rowProblems: [Problem] = []
            func problem(_ column: String, _ what: String) {
                rowProblems.append(Problem(row: row, column: column, what: what))
            }
            if fields.count != header.count {
                problem("row", "has \(fields.count) fields where the header has \(header.count): check its commas")
            }
            let crn = CRN(value("crn"))
            if crn == nil { problem("crn", "not a CRN: one letter and six digits, like X320741") }
            if let crn, let earlier = seen[crn.value] {
                problem("crn", "the same CRN as row \(earlier): a person is one row")
            } else if let crn {
                seen[crn.value] = row
            }
            for column in ["given_name", "family_name", "practitioner_name"] where value(column).isEmpty {
                problem(column, "empty: fill it in")
            }
            let born = Spreadsheet.date(value("date_of_birth"))
            if born == nil { problem("date_of_birth", "not a date: write DD/MM/YYYY or YYYY-MM-DD") }
            let gender = Gender(rawValue: value("gender").lowercased())
            if gender == nil { problem("gender", "write male or female") }
            let rosh = RoSH(rawValue: value("rosh").lowercased().replacingOccurrences(of: " ", with: "_"))
            if rosh == nil { problem("rosh", "write low, medium, high or very high") }
            var mappa: Mappa?
            switch (value("mappa_category"), value("mappa_level")) {
            case ("", ""): mappa = nil
            case (let c, let l):
                if let c = Int(c), let l = Int(l), (1...4).contains(c), (1...3).contains(l) {
                    mappa = Mappa(category: c, level: l)
                } else {
                    problem("mappa_category", "give both a category (1 to 4) and a level (1 to 3), or neither")
                }
            }
            for column in residentColumns {
                let text = value(column)
                if let fault = TextRules.fault(
                    in: text, TextRules.rule(for: column == "contingency_plan" ? "notes" : "name"))
                {
                    switch fault {
                    case .tooLong(let max): problem(column, "longer than \(max) characters: shorten it")
                    case .hiddenCharacter: problem(column, "holds a control or text-direction character: remove it")
                    }
                }
            }
            guard rowProblems.isEmpty, let crn, let born, let gender, let rosh else {
                problems += rowProblems
                continue
            }
            found.append(
                (
                    row,
                    NewResident(
                        premisesId: premisesId, crn: crn.value, givenName: value("given_name"),
                        familyName: value("family_name"), dateOfBirth: born, gender: gender, rosh: rosh, mappa: mappa,
                        practitioner: Practitioner(
                            name: value("practitioner_name"), phone: value("practitioner_phone"),
                            email: value("practitioner_email")),
                        contingencyPlan: value("contingency_plan"))
                ))
        }
        return (found, problems)
    }

    struct DryRun: Error { let report: Report }

    /// Imports the residents (a dry run unless `apply`), as `actor`, at `premisesId`: each CRN not held is added,
    /// one held by this premises is brought up to date if its details differ, one held by another premises is a
    /// problem. Nothing is written unless every row is right and `apply` is given.
    public static func residents(
        _ c: PGConnection, actor: Actor, premisesId: UUID, rows: [[String]], apply: Bool
    ) throws -> Report {
        let (found, problems) = readResidents(rows, premisesId: premisesId)
        var report = Report(problems: problems)
        if !problems.isEmpty { return report }
        do {
            return try c.acting(as: actor) { c in
                for (row, new) in found {
                    guard let existing = try ResidentStore.get(c, crn: CRN(new.crn)!) else {
                        do { _ = try ResidentStore.create(c, new) } catch let error as StoreError {
                            report.problems.append(Problem(row: row, column: error.field ?? "row", what: error.message))
                            continue
                        }
                        report.created += 1
                        report.rows.append("row \(row): added")
                        continue
                    }
                    guard existing.premisesId == premisesId else {
                        report.problems.append(
                            Problem(
                                row: row, column: "crn",
                                what: "held by another premises: ask an admin to move the record, or leave the row out")
                        )
                        continue
                    }
                    let current = ResidentDetails(
                        givenName: existing.givenName, familyName: existing.familyName,
                        dateOfBirth: existing.dateOfBirth, gender: existing.gender, rosh: existing.rosh,
                        mappa: existing.mappa, practitioner: existing.practitioner,
                        contingencyPlan: existing.contingencyPlan)
                    if current == new.details {
                        report.unchanged += 1
                        report.rows.append("row \(row): unchanged")
                    } else {
                        _ = try ResidentStore.update(c, id: existing.id, new.details)
                        report.changed += 1
                        report.rows.append("row \(row): brought up to date")
                    }
                }
                // All or nothing: a problem anywhere, or a dry run, and the transaction is rolled back.
                if !report.problems.isEmpty || !apply { throw DryRun(report: report) }
                report.applied = true
                return report
            }
        } catch let dry as DryRun {
            return dry.report
        }
    }
}
