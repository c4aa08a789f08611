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
        let (header, headerProblems) = Self.header(
            rows, required: Array(requiredResidentColumns), known: residentColumns)
        if !headerProblems.isEmpty { return ([], headerProblems) }
        var problems: [Problem] = []
        var seen: [String: Int] = [:]
        var found: [(row: Int, NewResident)] = []
        for line in lines(rows, header: header) {
            let row = line.row
            func value(_ column: String) -> String { line[column] }
            var rowProblems: [Problem] = []
            func problem(_ column: String, _ what: String) {
                rowProblems.append(Problem(row: row, column: column, what: what))
            }
            if line.fields.count != header.count {
                problem("row", "has \(line.fields.count) fields where the header has \(header.count): check its commas")
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

    /// A file's header row, lower-cased, and its problems: a required column missing, a column not of this file.
    static func header(_ rows: [[String]], required: [String], known: [String]) -> ([String], [Problem]) {
        guard let header = rows.first?.map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }) else {
            return ([], [Problem(row: 1, column: "header", what: "the file is empty: start with the header row")])
        }
        var problems: [Problem] = []
        for missing in required.sorted() where !header.contains(missing) {
            problems.append(Problem(row: 1, column: missing, what: "no such column: add it to the header row"))
        }
        for unknown in Set(header).subtracting(known).sorted() {
            problems.append(
                Problem(row: 1, column: unknown, what: "not a column of this file: see the README's list, or remove it")
            )
        }
        return (header, problems)
    }

    /// A row of a file after its header: its number as a spreadsheet shows it (the header is row 1), and its value
    /// in a column by the header's name, trimmed (empty when the row is short of that field).
    struct Line {
        let row: Int
        let header: [String]
        let fields: [String]

        subscript(column: String) -> String {
            header.firstIndex(of: column).flatMap { $0 < fields.count ? fields[$0] : nil }?
                .trimmingCharacters(in: .whitespaces) ?? ""
        }
    }

    static func lines(_ rows: [[String]], header: [String]) -> [Line] {
        rows.dropFirst().enumerated().map { Line(row: $0.offset + 2, header: header, fields: $0.element) }
    }

    struct DryRun: Error { let report: Report }

    /// Runs `body` in one transaction as `actor`, and keeps what it wrote only when `apply` and no problem was found:
    /// otherwise the transaction is rolled back, so that a dry run reports exactly what applying would do.
    static func allOrNothing(
        _ c: PGConnection, actor: Actor, apply: Bool, _ report: Report,
        _ body: (PGConnection, inout Report) throws -> Void
    ) throws -> Report {
        var report = report
        do {
            return try c.acting(as: actor) { c in
                try body(c, &report)
                if !report.problems.isEmpty || !apply { throw DryRun(report: report) }
                report.applied = true
                return report
            }
        } catch let dry as DryRun {
            return dry.report
        }
    }

    /// Imports the residents (a dry run unless `apply`), as `actor`, at `premisesId`: each CRN not held is added,
    /// one held by this premises is brought up to date if its details differ, one held by another premises is a
    /// problem. Nothing is written unless every row is right and `apply` is given.
    public static func residents(
        _ c: PGConnection, actor: Actor, premisesId: UUID, rows: [[String]], apply: Bool
    ) throws -> Report {
        let (found, problems) = readResidents(rows, premisesId: premisesId)
        if !problems.isEmpty { return Report(problems: problems) }
        return try allOrNothing(c, actor: actor, apply: apply, Report()) { c, report in
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
                            what: "held by another premises: ask an admin to move the record, or leave the row out"))
                    continue
                }
                let current = ResidentDetails(
                    givenName: existing.givenName, familyName: existing.familyName, dateOfBirth: existing.dateOfBirth,
                    gender: existing.gender, rosh: existing.rosh, mappa: existing.mappa,
                    practitioner: existing.practitioner, contingencyPlan: existing.contingencyPlan)
                if current == new.details {
                    report.unchanged += 1
                    report.rows.append("row \(row): unchanged")
                } else {
                    _ = try ResidentStore.update(c, id: existing.id, new.details)
                    report.changed += 1
                    report.rows.append("row \(row): brought up to date")
                }
            }
        }
    }

    // MARK: Rooms and beds

    /// The beds file's columns: a row a bed; a room's characteristics on any of its rows (the same on each; a file
    /// without the column leaves a room's as they are).
    public static let bedColumns = ["room", "bed", "opened_on", "characteristics"]

    struct BedRow {
        let row: Int
        let room: String
        let bed: String
        let openedOn: LocalDate
        let characteristics: [RoomCharacteristic]
    }

    /// Imports rooms and beds (a dry run unless `apply`): a room or bed not there is added; one there already is
    /// left as it is if it matches, and is a problem if it does not (a bed in another room, a room with other
    /// characteristics): those are changed in the pages, where what depends on them is seen.
    public static func beds(_ c: PGConnection, actor: Actor, premisesId: UUID, rows: [[String]], apply: Bool) throws
        -> Report
    {
        let (header, headerProblems) = Self.header(rows, required: ["bed", "opened_on", "room"], known: bedColumns)
        if !headerProblems.isEmpty { return Report(problems: headerProblems) }
        var problems: [Problem] = []
        var found: [BedRow] = []
        var seen: [String: Int] = [:]
        for line in lines(rows, header: header) {
            let row = line.row
            func value(_ column: String) -> String { line[column] }
            var rowProblems: [Problem] = []
            for column in ["room", "bed"] {
                if value(column).isEmpty || value(column).count > 20 {
                    rowProblems.append(Problem(row: row, column: column, what: "give a code of 1 to 20 characters"))
                }
            }
            if let earlier = seen[value("bed")] {
                rowProblems.append(
                    Problem(row: row, column: "bed", what: "the same bed as row \(earlier): a bed is one row"))
            } else {
                seen[value("bed")] = row
            }
            let opened = Spreadsheet.date(value("opened_on"))
            if opened == nil {
                rowProblems.append(
                    Problem(row: row, column: "opened_on", what: "not a date: write DD/MM/YYYY or YYYY-MM-DD"))
            }
            let words = value("characteristics").lowercased().split(whereSeparator: { " ;".contains($0) })
            let characteristics = words.compactMap { RoomCharacteristic(rawValue: String($0)) }
            if characteristics.count != words.count {
                rowProblems.append(
                    Problem(
                        row: row, column: "characteristics",
                        what: "write any of " + RoomCharacteristic.allCases.map(\.rawValue).joined(separator: ", ")
                            + ", separated by spaces"))
            }
            if let opened, rowProblems.isEmpty {
                found.append(
                    BedRow(
                        row: row, room: value("room"), bed: value("bed"), openedOn: opened,
                        characteristics: characteristics))
            }
            problems += rowProblems
        }
        if !problems.isEmpty { return Report(problems: problems) }
        return try allOrNothing(c, actor: actor, apply: apply, Report()) { c, report in
            var rooms = Dictionary(
                uniqueKeysWithValues: try PremisesStore.rooms(c, premisesId: premisesId).map { ($0.code, $0) })
            let beds = Dictionary(
                uniqueKeysWithValues: try PremisesStore.beds(c, premisesId: premisesId).map { ($0.code, $0) })
            for r in found {
                var room = rooms[r.room]
                if room == nil {
                    room = try PremisesStore.addRoom(
                        c, premisesId: premisesId, code: r.room, characteristics: r.characteristics)
                    rooms[r.room] = room
                } else if header.contains("characteristics"), Set(room!.characteristics) != Set(r.characteristics) {
                    report.problems.append(
                        Problem(
                            row: r.row, column: "characteristics",
                            what: "room \(r.room) has other characteristics already: make them the same on every row"))
                    continue
                }
                if let bed = beds[r.bed] {
                    if bed.roomCode == r.room && bed.openedOn == r.openedOn {
                        report.unchanged += 1
                        report.rows.append("row \(r.row): unchanged")
                    } else {
                        report.problems.append(
                            Problem(
                                row: r.row, column: "bed",
                                what: "already here in another room or from another night: change it in the pages"))
                    }
                    continue
                }
                _ = try PremisesStore.addBed(c, roomId: room!.id, code: r.bed, openedOn: r.openedOn)
                report.created += 1
                report.rows.append("row \(r.row): added")
            }
        }
    }

    // MARK: Placements

    /// The placements file's columns: a row a stay. `arrived_at` (a local date and time) records the arrival of
    /// someone already staying; `bed` allocates that bed for the stay's nights.
    public static let placementColumns = ["crn", "expected_arrival", "expected_departure", "arrived_at", "bed"]

    /// Imports placements (a dry run unless `apply`) for residents already here (import them first): a stay is
    /// matched by its resident and expected arrival, so the same file again changes nothing. Each row is tried in
    /// a savepoint, so that one the records refuse (an overlapping stay, a bed taken) is reported and the others
    /// are still judged; then all or nothing, as for residents.
    public static func placements(
        _ c: PGConnection, actor: Actor, premisesId: UUID, rows: [[String]], apply: Bool, now: Date
    ) throws -> Report {
        let (header, headerProblems) = Self.header(
            rows, required: ["crn", "expected_arrival", "expected_departure"], known: placementColumns)
        if !headerProblems.isEmpty { return Report(problems: headerProblems) }
        return try allOrNothing(c, actor: actor, apply: apply, Report()) { c, report in
            let zone: String = try c.query("SELECT time_zone FROM premises WHERE id = $1", [premisesId])[0].decode(
                "time_zone")
            let tz = TimeZone(identifier: zone) ?? TimeZone(identifier: "Europe/London")!
            let beds = Dictionary(
                uniqueKeysWithValues: try PremisesStore.beds(c, premisesId: premisesId).map { ($0.code, $0) })
            for line in lines(rows, header: header) {
                let row = line.row
                func value(_ column: String) -> String { line[column] }
                func problem(_ column: String, _ what: String) {
                    report.problems.append(Problem(row: row, column: column, what: what))
                }
                let from = Spreadsheet.date(value("expected_arrival"))
                let to = Spreadsheet.date(value("expected_departure"))
                if from == nil { problem("expected_arrival", "not a date: write DD/MM/YYYY or YYYY-MM-DD") }
                if to == nil { problem("expected_departure", "not a date: write DD/MM/YYYY or YYYY-MM-DD") }
                var arrived: Date?
                if !value("arrived_at").isEmpty {
                    let parts = value("arrived_at").split(separator: " ")
                    if parts.count == 2, let d = Spreadsheet.date(String(parts[0])), let t = LocalTime(String(parts[1]))
                    {
                        arrived = Zone.instant(d, t, in: tz)
                    } else {
                        problem("arrived_at", "write the date and time, like 27/03/2026 14:05, or leave it empty")
                    }
                }
                let bed = value("bed").isEmpty ? nil : beds[value("bed")]
                if !value("bed").isEmpty && bed == nil { problem("bed", "no such bed here: import the beds first") }
                guard let crn = CRN(value("crn")) else {
                    problem("crn", "not a CRN: one letter and six digits, like X320741")
                    continue
                }
                guard let resident = try ResidentStore.get(c, crn: crn) else {
                    problem("crn", "no resident with this CRN: import the residents first")
                    continue
                }
                guard let from, let to, report.problems.last?.row != row else { continue }
                guard let nights = Nights(from: from, to: to) else {
                    problem("expected_departure", "must be after the expected arrival")
                    continue
                }
                let existing = try c.query(
                    "SELECT id FROM placements WHERE resident_id = $1 AND premises_id = $2 AND expected_arrival = $3",
                    [resident.id, premisesId, from])
                if !existing.isEmpty {
                    report.unchanged += 1
                    report.rows.append("row \(row): unchanged")
                    continue
                }
                try c.query("SAVEPOINT import_row")
                do {
                    let placement = try PlacementStore.create(
                        c, residentId: resident.id, premisesId: premisesId, expected: nights)
                    if let bed {
                        _ = try BedStore.allocate(c, placementId: placement.id, bedId: bed.id, nights: nights)
                    }
                    if let arrived { _ = try PlacementStore.arrive(c, id: placement.id, at: arrived, now: now) }
                    try c.query("RELEASE SAVEPOINT import_row")
                    report.created += 1
                    report.rows.append("row \(row): added" + (arrived == nil ? "" : ", arrived"))
                } catch let error as StoreError {
                    try c.query("ROLLBACK TO SAVEPOINT import_row")
                    // The store names the API's fields; the file has its own columns.
                    let columns = [
                        "expectedArrival": "expected_arrival", "expectedDeparture": "expected_departure",
                        "nights": "expected_arrival", "bedId": "bed", "arrivedAt": "arrived_at", "residentId": "crn",
                        "premisesId": "crn",
                    ]
                    problem(error.field.flatMap { columns[$0] } ?? "row", error.message)
                }
            }
        }
    }

    // MARK: Conditions

    /// The conditions file's columns: a row a condition. `curfew`: its windows, like "21:00-07:00" or
    /// "21:00-07:00 13:00-14:00"; `reporting_times`: like "12:00 18:00"; `days`: when it applies, like "Mon Fri"
    /// (empty: every night or day).
    public static let conditionColumns = [
        "crn", "kind", "source", "starts_on", "ends_on", "wording", "curfew", "reporting_times", "days",
    ]
    static let weekdays = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]

    /// Imports licence conditions (a dry run unless `apply`) for residents already here: a condition is matched by
    /// its resident, kind and first night, so the same file again changes nothing; each row is tried in a savepoint
    /// so that every row the records refuse is named; then all or nothing.
    public static func conditions(_ c: PGConnection, actor: Actor, premisesId: UUID, rows: [[String]], apply: Bool)
        throws -> Report
    {
        let (header, headerProblems) = Self.header(
            rows, required: ["crn", "kind", "source", "starts_on"], known: conditionColumns)
        if !headerProblems.isEmpty { return Report(problems: headerProblems) }
        return try allOrNothing(c, actor: actor, apply: apply, Report()) { c, report in
            for line in lines(rows, header: header) {
                let row = line.row
                func value(_ column: String) -> String { line[column] }
                let before = report.problems.count
                func problem(_ column: String, _ what: String) {
                    report.problems.append(Problem(row: row, column: column, what: what))
                }
                let kind = ConditionKind(rawValue: value("kind").lowercased().replacingOccurrences(of: " ", with: "_"))
                if kind == nil { problem("kind", "not a condition this system knows: see the README's list") }
                let source = ConditionSource(
                    rawValue: value("source").lowercased().replacingOccurrences(of: " ", with: "_"))
                if source == nil { problem("source", "write licence, bail, court or ap manager") }
                let starts = Spreadsheet.date(value("starts_on"))
                if starts == nil { problem("starts_on", "not a date: write DD/MM/YYYY or YYYY-MM-DD") }
                let ends = value("ends_on").isEmpty ? nil : Spreadsheet.date(value("ends_on"))
                if !value("ends_on").isEmpty && ends == nil {
                    problem("ends_on", "not a date: write DD/MM/YYYY or YYYY-MM-DD, or leave it empty")
                }
                let dayWords = value("days").lowercased().split(separator: " ").map { String($0.prefix(3)) }
                let days = dayWords.compactMap { d in weekdays.firstIndex(of: d).map { $0 + 1 } }
                if days.count != dayWords.count { problem("days", "write days like Mon Fri, or leave it empty") }
                var windows: [CurfewWindow] = []
                for text in value("curfew").split(separator: " ") {
                    let bounds = text.split(separator: "-").compactMap { LocalTime(String($0)) }
                    if bounds.count == 2, let window = CurfewWindow(start: bounds[0], end: bounds[1]) {
                        windows.append(window)
                    } else {
                        problem("curfew", "write each window like 21:00-07:00, separated by spaces")
                    }
                }
                let timeWords = value("reporting_times").split(separator: " ")
                let times = timeWords.compactMap { LocalTime(String($0)) }
                if times.count != timeWords.count { problem("reporting_times", "write times like 12:00 18:00") }
                if kind == .curfew && windows.isEmpty && report.problems.count == before {
                    problem("curfew", "a curfew needs its window, like 21:00-07:00")
                }
                if kind == .reporting && times.isEmpty && report.problems.count == before {
                    problem("reporting_times", "reporting needs its times, like 12:00")
                }
                guard let crn = CRN(value("crn")) else {
                    problem("crn", "not a CRN: one letter and six digits, like X320741")
                    continue
                }
                guard let resident = try ResidentStore.get(c, crn: crn), resident.premisesId == premisesId else {
                    problem("crn", "no resident of this premises has this CRN: import the residents first")
                    continue
                }
                guard report.problems.count == before, let kind, let source, let starts else { continue }
                let held = try c.query(
                    "SELECT 1 FROM licence_conditions WHERE resident_id = $1 AND kind = $2 AND starts_on = $3",
                    [resident.id, kind.rawValue, starts])
                if !held.isEmpty {
                    report.unchanged += 1
                    report.rows.append("row \(row): unchanged")
                    continue
                }
                let new = NewCondition(
                    kind: kind, source: source, startsOn: starts, endsOn: ends, wording: value("wording"),
                    curfew: kind == .curfew ? CurfewDetails(windows: windows, days: days.isEmpty ? nil : days) : nil,
                    reporting: kind == .reporting
                        ? ReportingDetails(times: times, days: days.isEmpty ? nil : days) : nil)
                try c.query("SAVEPOINT import_row")
                do {
                    _ = try ConditionStore.add(c, actor: actor, residentId: resident.id, new)
                    try c.query("RELEASE SAVEPOINT import_row")
                    report.created += 1
                    report.rows.append("row \(row): added")
                } catch let error as StoreError {
                    try c.query("ROLLBACK TO SAVEPOINT import_row")
                    let columns = [
                        "startsOn": "starts_on", "endsOn": "ends_on", "curfew": "curfew",
                        "reporting": "reporting_times",
                    ]
                    problem(error.field.flatMap { columns[$0] } ?? "row", error.message)
                }
            }
        }
    }
}
