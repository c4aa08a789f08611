import APDomain
import APStore
import APWire
import Civil
import Foundation
import PGDriver
import TestDatabase
import Testing

/// Issue 20, its import of residents: a dry run changes nothing and lists every planted problem by row and column;
/// an applied file and then the same file again change nothing the second time; a problem in one row means
/// nothing is written at all.
@Suite struct ImportTests {
    static let header =
        "crn,given_name,family_name,date_of_birth,gender,rosh,mappa_category,mappa_level,practitioner_name,"
        + "practitioner_phone,practitioner_email,contingency_plan"
    static let good = [
        "X320741,Sam,Example,27/03/1990,male,medium,,,Pat Probation,0300 123 4567,,\"Call the manager, then 101\"",
        "Y100200,Jo,Sample,1985-11-02,Female,Very high,2,1,Kim Officer,,,",
    ]

    static func count(_ c: PGConnection) throws -> Int {
        try c.query("SELECT count(*) FROM residents")[0].decode(0, as: Int.self)
    }

    static func run(_ c: PGConnection, _ lines: [String], at premises: UUID, apply: Bool) throws -> ImportStore.Report {
        try ImportStore.residents(
            c, actor: .operating("Test Importer", tool: "test"), premisesId: premises,
            rows: Spreadsheet.rows(lines.joined(separator: "\r\n") + "\r\n"), apply: apply)
    }

    @Test func aDryRunListsEveryPlantedProblemAndChangesNothing() async throws {
        try await TestDatabase.withFresh { config in
            try await TestDatabase.withConnection(config) { c in
                let (p, _) = try Fixture(c: c).premises()
                let before = try Self.count(c)
                let planted = [
                    "X32074,Sam,Example,27/03/1990,male,medium,,,Pat,,,",  // row 2: a CRN short of a digit
                    "A100001,,Example,31/02/1990,man,medium,,,Pat,,,",  // row 3: no given name, no such date, gender
                    "A100002,Al,Example,1/1/90,male,severe,3,,Pat,,,",  // row 4: a 2-digit year, rosh, half a MAPPA
                    "A100003,Bo,Example,01/01/1990,male,low,,,,,,",  // row 5: no practitioner
                    "A100003,Cy,Example,01/01/1990,male,low,,,Pat,,,",  // row 6: the CRN of row 5
                    "A100004,Di,Example,01/01/1990,male,low",  // row 7: too few fields
                ]
                let report = try Self.run(c, [Self.header] + planted, at: p.id, apply: true)
                #expect(
                    report.problems.map { "\($0.row) \($0.column)" } == [
                        "2 crn", "3 given_name", "3 date_of_birth", "3 gender", "4 date_of_birth", "4 rosh",
                        "4 mappa_category", "5 practitioner_name", "6 crn", "7 row", "7 practitioner_name",
                    ], "\(report.problems)")
                let after = try Self.count(c)
                #expect(!report.applied && report.created == 0 && after == before)
                // No value is quoted back: the report may be kept, and the file is about people.
                #expect(!report.problems.contains { $0.what.contains("31/02") || $0.what.contains("Example") })

                let badHeader = try Self.run(
                    c, ["crn,given_name,surname", "X320741,Sam,Example"], at: p.id, apply: false)
                #expect(
                    badHeader.problems.map(\.column) == [
                        "date_of_birth", "family_name", "gender", "practitioner_name", "rosh", "surname",
                    ])
            }
        }
    }

    @Test func appliedOnceThenTheSameFileChangesNothing() async throws {
        try await TestDatabase.withFresh { config in
            try await TestDatabase.withConnection(config) { c in
                let (p, _) = try Fixture(c: c).premises()
                let before = try Self.count(c)
                let dry = try Self.run(c, [Self.header] + Self.good, at: p.id, apply: false)
                #expect(dry.created == 2 && dry.problems.isEmpty && !dry.applied)
                #expect(try Self.count(c) == before)

                let applied = try Self.run(c, [Self.header] + Self.good, at: p.id, apply: true)
                #expect(applied.created == 2 && applied.applied && applied.rows == ["row 2: added", "row 3: added"])
                let jo = try #require(try ResidentStore.get(c, crn: CRN("Y100200")!))
                #expect(jo.rosh == .veryHigh && jo.gender == .female && jo.mappa == Mappa(category: 2, level: 1))
                #expect(jo.dateOfBirth == LocalDate(year: 1985, month: 11, day: 2) && jo.premisesId == p.id)
                let sam = try #require(try ResidentStore.get(c, crn: CRN("X320741")!))
                #expect(sam.contingencyPlan == "Call the manager, then 101")

                let again = try Self.run(c, [Self.header] + Self.good, at: p.id, apply: true)
                #expect(again.created == 0 && again.changed == 0 && again.unchanged == 2)
                #expect(try Self.count(c) == before + 2)

                // A corrected phone number brings the record up to date, and the audit trail names the importer.
                let corrected = Self.good[0].replacingOccurrences(of: "0300 123 4567", with: "0300 765 4321")
                let update = try Self.run(c, [Self.header, corrected], at: p.id, apply: true)
                #expect(update.changed == 1 && update.rows == ["row 2: brought up to date"])
                let who: [String] = try c.query(
                    "SELECT actor FROM audit_log WHERE table_name = 'residents' AND row_id = $1 ORDER BY id",
                    [sam.id.uuidString.lowercased()]
                ).map { try $0.decode("actor") }
                #expect(who == ["operator:Test Importer", "operator:Test Importer"])
            }
        }
    }

    /// The sample in the repository is a file the import takes.
    @Test func theSampleFileImports() async throws {
        let sample = try String(
            contentsOf: TestDatabase.repositoryRoot.appendingPathComponent("ops/import/residents.csv"), encoding: .utf8)
        try await TestDatabase.withFresh { config in
            try await TestDatabase.withConnection(config) { c in
                let (p, _) = try Fixture(c: c).premises()
                let report = try ImportStore.residents(
                    c, actor: .operating("Test Importer", tool: "test"), premisesId: p.id,
                    rows: Spreadsheet.rows(sample), apply: false)
                #expect(report.problems.isEmpty && report.created == 2, "\(report.problems)")
                // And the three samples one after the other, at a premises of their own: residents, beds, stays.
                let (q, _) = try Fixture(c: c).premises(gender: .male, beds: [:])
                let actor = Actor.operating("Test Importer", tool: "test")
                func file(_ name: String) throws -> [[String]] {
                    Spreadsheet.rows(
                        try String(
                            contentsOf: TestDatabase.repositoryRoot.appendingPathComponent("ops/import/\(name).csv"),
                            encoding: .utf8))
                }
                _ = try ImportStore.residents(
                    c, actor: actor, premisesId: q.id, rows: try file("residents"), apply: true)
                let beds = try ImportStore.beds(c, actor: actor, premisesId: q.id, rows: try file("beds"), apply: true)
                let stays = try ImportStore.placements(
                    c, actor: actor, premisesId: q.id, rows: try file("placements"), apply: true, now: Date())
                #expect(beds.created == 3 && stays.rows == ["row 2: added, arrived"], "\(stays.problems)")
            }
        }
    }

    @Test func oneBadRowAndNothingIsWritten() async throws {
        try await TestDatabase.withFresh { config in
            try await TestDatabase.withConnection(config) { c in
                let f = Fixture(c: c)
                let (p, _) = try f.premises()
                let (q, _) = try f.premises()
                let theirs = try f.resident(at: q.id)
                let before = try Self.count(c)
                let bad = try Self.run(
                    c, [Self.header, Self.good[0], "\(theirs.crn.value),A,B,01/01/1990,male,low,,,P,,,"], at: p.id,
                    apply: true)
                #expect(bad.problems.map { "\($0.row) \($0.column)" } == ["3 crn"], "\(bad.problems)")
                #expect(bad.problems.first?.what.hasPrefix("held by another premises") == true)
                let after = try Self.count(c)
                #expect(!bad.applied && after == before)
                #expect(try ResidentStore.get(c, crn: CRN("X320741")!) == nil)
            }
        }
    }
}

/// Issue 20, rooms and beds: added once, left alone the second time, and a bed already elsewhere refused whole.
@Suite struct BedImportTests {
    static func run(_ c: PGConnection, _ text: String, at premises: UUID, apply: Bool) throws -> ImportStore.Report {
        try ImportStore.beds(
            c, actor: .operating("Test Importer", tool: "test"), premisesId: premises, rows: Spreadsheet.rows(text),
            apply: apply)
    }

    @Test func roomsAndBedsOnceAndAgain() async throws {
        let sample = try String(
            contentsOf: TestDatabase.repositoryRoot.appendingPathComponent("ops/import/beds.csv"), encoding: .utf8)
        try await TestDatabase.withFresh { config in
            try await TestDatabase.withConnection(config) { c in
                let (p, _) = try Fixture(c: c).premises(beds: [:])
                let planted = try Self.run(
                    c,
                    "room,bed,opened_on,characteristics\nR1,,1/4/2026,\nR1,1A,someday,\nR1,1B,1/4/2026,balcony\n"
                        + "R1,1B,1/4/2026,\n", at: p.id, apply: true)
                #expect(
                    planted.problems.map { "\($0.row) \($0.column)" } == [
                        "2 bed", "3 opened_on", "4 characteristics", "5 bed",
                    ], "\(planted.problems)")
                let dry = try Self.run(c, sample, at: p.id, apply: false)
                let none = try PremisesStore.beds(c, premisesId: p.id)
                #expect(dry.created == 3 && !dry.applied && none.isEmpty)
                let applied = try Self.run(c, sample, at: p.id, apply: true)
                #expect(applied.created == 3 && applied.applied)
                let beds = try PremisesStore.beds(c, premisesId: p.id).sorted { $0.code < $1.code }
                #expect(beds.map(\.code) == ["1A", "2A", "2B"] && beds.map(\.roomCode) == ["R1", "R2", "R2"])
                #expect(beds[0].roomCharacteristics == [.single, .stepFree] && beds[1].roomCharacteristics == [])
                let again = try Self.run(c, sample, at: p.id, apply: true)
                #expect(again.created == 0 && again.unchanged == 3)
                // 2B moved to another room in the file: refused, and the new bed beside it is not added either.
                let moved = try Self.run(
                    c, "room,bed,opened_on\nR3,3A,1/4/2026\nR1,2B,1/4/2026\n", at: p.id, apply: true)
                #expect(
                    moved.problems.map { "\($0.row) \($0.column)" } == ["3 bed"] && !moved.applied, "\(moved.problems)")
                #expect(try PremisesStore.beds(c, premisesId: p.id).count == 3)
            }
        }
    }
}

/// Issue 20, placements: a stay already begun arrives with its bed, a booking waits; the same file again changes
/// nothing; a row the records refuse (an overlapping stay, a bed taken, no such resident) is named and nothing
/// is written.
@Suite struct PlacementImportTests {
    static func run(_ c: PGConnection, _ text: String, at premises: UUID, apply: Bool) throws -> ImportStore.Report {
        try ImportStore.placements(
            c, actor: .operating("Test Importer", tool: "test"), premisesId: premises, rows: Spreadsheet.rows(text),
            apply: apply, now: Date())
    }

    @Test func staysAndBookingsOnceAndAgain() async throws {
        try await TestDatabase.withFresh { config in
            try await TestDatabase.withConnection(config) { c in
                let (p, beds) = try Fixture(c: c).premises()
                let people = try ImportStore.residents(
                    c, actor: .operating("Test Importer", tool: "test"), premisesId: p.id,
                    rows: Spreadsheet.rows(([ImportTests.header] + ImportTests.good).joined(separator: "\n")),
                    apply: true)
                #expect(people.created == 2)
                let count = { try c.query("SELECT count(*) FROM placements")[0].decode(0, as: Int.self) }
                let before = try count()
                let file =
                    "crn,expected_arrival,expected_departure,arrived_at,bed\n"
                    + "X320741,01/03/2026,01/06/2026,01/03/2026 14:00,1A\nX320741,01/01/2027,01/03/2027,,1B\n"
                let dry = try Self.run(c, file, at: p.id, apply: false)
                #expect(dry.created == 2 && dry.problems.isEmpty && !dry.applied, "\(dry.problems)")
                let unchanged = try count()
                #expect(unchanged == before)
                let applied = try Self.run(c, file, at: p.id, apply: true)
                #expect(applied.rows == ["row 2: added, arrived", "row 3: added"] && applied.applied)
                let sam = try #require(try ResidentStore.get(c, crn: CRN("X320741")!))
                let stay = try #require(
                    try PlacementStore.list(c, premisesId: p.id, overlapping: Fixture.nights(1, 2)).first {
                        $0.residentId == sam.id
                    })
                #expect(stay.status == .arrived && stay.arrivedAt != nil)
                #expect(try BedStore.allocations(c, placementId: stay.id).map(\.bedId) == [beds["1A"]!.id])
                let again = try Self.run(c, file, at: p.id, apply: true)
                #expect(again.created == 0 && again.unchanged == 2)

                let bad =
                    "crn,expected_arrival,expected_departure,arrived_at,bed\n"
                    + "Z999999,01/01/2027,01/02/2027,,\n"  // row 2: nobody has the CRN
                    + "X320741,2027-02-01,2027-01-01,,\n"  // row 3: leaves before arriving
                    + "X320741,01/04/2027,01/05/2027,,9Z\n"  // row 4: no such bed
                    + "X320741,01/02/2027,01/04/2027,,\n"  // row 5: overlaps the booking imported above
                    + "Y100200,01/05/2027,01/06/2027,,\n"  // row 6: a woman, at a premises for men
                    + "X320741,01/07/2027,01/08/2027,,1A\n"  // row 7: a good row, written only if all are
                let refused = try Self.run(c, bad, at: p.id, apply: true)
                #expect(
                    refused.problems.map { "\($0.row) \($0.column)" } == [
                        "2 crn", "3 expected_departure", "4 bed", "5 expected_arrival", "6 crn",
                    ], "\(refused.problems)")
                let after = try count()
                #expect(!refused.applied && after == before + 2)
            }
        }
    }
}

/// Issue 20, conditions: a curfew, reporting and the other kinds added once and left the second time; a row the
/// records or the file's rules refuse is named and nothing is written.
@Suite struct ConditionImportTests {
    @Test func conditionsOnceAndAgain() async throws {
        let sample = try String(
            contentsOf: TestDatabase.repositoryRoot.appendingPathComponent("ops/import/conditions.csv"), encoding: .utf8
        )
        try await TestDatabase.withFresh { config in
            try await TestDatabase.withConnection(config) { c in
                let (p, _) = try Fixture(c: c).premises()
                let actor = Actor.operating("Test Importer", tool: "test")
                _ = try ImportStore.residents(
                    c, actor: actor, premisesId: p.id,
                    rows: Spreadsheet.rows(([ImportTests.header] + ImportTests.good).joined(separator: "\n")),
                    apply: true)
                let run = { (text: String, apply: Bool) in
                    try ImportStore.conditions(
                        c, actor: actor, premisesId: p.id, rows: Spreadsheet.rows(text), apply: apply)
                }
                let applied = try run(sample, true)
                #expect(applied.created == 3 && applied.applied, "\(applied.problems)")
                let sam = try #require(try ResidentStore.get(c, crn: CRN("X320741")!))
                let held = try ConditionStore.list(c, residentId: sam.id)
                let curfew = try #require(held.first { $0.kind == .curfew })
                #expect(curfew.curfew?.windows.map { "\($0.start)-\($0.end)" } == ["21:00-07:00"])
                let reporting = try #require(held.first { $0.kind == .reporting })
                #expect(reporting.reporting?.days == [1, 3, 5] && reporting.source == .apManager)
                #expect(reporting.endsOn == LocalDate(year: 2027, month: 2, day: 1))
                let again = try run(sample, true)
                #expect(again.created == 0 && again.unchanged == 3)

                let bad =
                    "crn,kind,source,starts_on,ends_on,curfew,days\n"
                    + "X320741,curfew,licence,01/12/2026,,21:00,\n"  // row 2: a window without its end
                    + "X320741,sobriety,licence,01/12/2026,,,\n"  // row 3: no such kind
                    + "X320741,curfew,licence,01/12/2026,01/11/2026,22:00-06:00,Mon\n"  // row 4: ends before it starts
                    + "Q000001,no_offence,court,01/12/2026,,,\n"  // row 5: nobody here has the CRN
                    + "X320741,no_offence,court,01/12/2026,,,Someday\n"  // row 6: no such day
                let refused = try run(bad, true)
                #expect(
                    refused.problems.map { "\($0.row) \($0.column)" } == [
                        "2 curfew", "3 kind", "4 ends_on", "5 crn", "6 days",
                    ], "\(refused.problems)")
                let after = try ConditionStore.list(c, residentId: sam.id)
                #expect(!refused.applied && after.count == held.count)
            }
        }
    }
}
