import Civil
import Foundation
import PGDriver
import TestDatabase
import Testing

/// Every supported type goes to the server and back unchanged, as a parameter and as a column.
@Suite struct RoundTripTests {
    /// Sends `value` as $1, reads it back as the same Swift type, and also through a table column.
    func roundTrip<T: PGEncodable & PGDecodable & Equatable>(_ c: PGConnection, _ value: T, column: String) throws {
        let echoed: T = try c.query("SELECT $1 AS v", [value])[0].decode("v")
        #expect(echoed == value)
        try c.execute("DROP TABLE IF EXISTS rt; CREATE TEMP TABLE rt (v \(column))")
        try c.query("INSERT INTO rt (v) VALUES ($1)", [value])
        let stored: T = try c.query("SELECT v FROM rt")[0].decode(0)
        #expect(stored == value)
    }

    @Test func integersBooleansAndDoubles() async throws {
        try await TestDatabase.withFresh(migrated: false) { config in
            try await TestDatabase.withConnection(config) { c in
                for v in [0, 1, -1, Int.max, Int.min] { try roundTrip(c, v, column: "bigint") }
                for v in [Int32.max, Int32.min, 0] { try roundTrip(c, v, column: "integer") }
                for v in [Int16.max, Int16.min] { try roundTrip(c, v, column: "smallint") }
                for v in [true, false] { try roundTrip(c, v, column: "boolean") }
                for v in [0.0, -0.0, 3.141592653589793, 1e308, -1e-308, .infinity, -.infinity] {
                    try roundTrip(c, v, column: "float8")
                }
                // An integer column read as a wider Swift type, and numeric (sum, avg) read as Double.
                #expect(try c.query("SELECT 7::int4 AS n")[0].decode("n", as: Int.self) == 7)
                #expect(try c.query("SELECT 12345.678::numeric AS n")[0].decode("n", as: Double.self) == 12345.678)
                #expect(try c.query("SELECT -0.0001::numeric AS n")[0].decode("n", as: Double.self) == -0.0001)
                let nan: Double = try c.query("SELECT 'NaN'::float8 AS n")[0].decode("n")
                #expect(nan.isNaN)
            }
        }
    }

    @Test func stringsKeepEveryCharacter() async throws {
        try await TestDatabase.withFresh(migrated: false) { config in
            try await TestDatabase.withConnection(config) { c in
                let values = [
                    "", " ", "plain", "Zoë Ó'Brien-Łukasiewicz", "'; DROP TABLE residents; --",
                    "\"quoted\" \\back\\slash",
                    "日本語テキスト", "emoji 🛏️🔑", "line\nbreak\ttab", "SELECT * FROM pg_user WHERE 1=1 OR ''=''",
                    String(repeating: "x", count: 100_000),
                ]
                for v in values { try roundTrip(c, v, column: "text") }
                try roundTrip(c, "varchar too", column: "varchar(50)")
            }
        }
    }

    @Test func bytesKeepZeroBytes() async throws {
        try await TestDatabase.withFresh(migrated: false) { config in
            try await TestDatabase.withConnection(config) { c in
                for v in [Bytes([]), Bytes([0]), Bytes([0, 1, 0, 255, 0, 0]), Bytes(Array(0...255))] {
                    try roundTrip(c, v, column: "bytea")
                }
                #expect(
                    try c.query("SELECT length($1::bytea) AS n", [Bytes([0, 0, 0])])[0].decode("n", as: Int.self) == 3)
            }
        }
    }

    @Test func uuids() async throws {
        try await TestDatabase.withFresh(migrated: false) { config in
            try await TestDatabase.withConnection(config) { c in
                let u = UUID(uuidString: "0E3C7A1B-2F4D-4E6F-8A9B-0C1D2E3F4A5B")!
                try roundTrip(c, u, column: "uuid")
                // The server reads the 16 bytes in the same order as the text form says.
                #expect(
                    try c.query("SELECT $1::text AS t", [u])[0].decode("t", as: String.self)
                        == "0e3c7a1b-2f4d-4e6f-8a9b-0c1d2e3f4a5b")
            }
        }
    }

    /// Microseconds survive on both clock-change nights of 2026, whatever the session's TimeZone.
    @Test func instantsAtMicrosecondPrecisionAcrossClockChanges() async throws {
        try await TestDatabase.withFresh(migrated: false) { config in
            try await TestDatabase.withConnection(config) { c in
                // (instant as UTC text, the same instant as London wall-clock text), computed by hand:
                // spring forward 2026-03-29 01:00 UTC (GMT to BST); fall back 2026-10-25 01:00 UTC (BST to GMT).
                let cases: [(Double, String, String)] = [
                    (1_774_745_999.999999, "2026-03-29 00:59:59.999999", "2026-03-29 00:59:59.999999"),
                    (1_774_746_000.000001, "2026-03-29 01:00:00.000001", "2026-03-29 02:00:00.000001"),
                    (1_792_889_999.123456, "2026-10-25 00:59:59.123456", "2026-10-25 01:59:59.123456"),
                    (1_792_890_000.654321, "2026-10-25 01:00:00.654321", "2026-10-25 01:00:00.654321"),
                ]
                for zone in ["UTC", "America/New_York", "Asia/Kolkata"] {
                    try c.execute("SET TimeZone = '\(zone)'")
                    for (seconds, utcText, londonText) in cases {
                        let instant = Date(timeIntervalSince1970: seconds)
                        let row = try c.query(
                            """
                            SELECT $1 AS v, to_char($1 AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') AS utc,
                                   to_char($1 AT TIME ZONE 'Europe/London', 'YYYY-MM-DD HH24:MI:SS.US') AS london
                            """, [instant])[0]
                        #expect(try row.decode("utc", as: String.self) == utcText)
                        #expect(try row.decode("london", as: String.self) == londonText)
                        let back: Date = try row.decode("v")
                        #expect(Int64((back.timeIntervalSince1970 * 1e6).rounded()) == Int64((seconds * 1e6).rounded()))
                    }
                }
                // Read from text the server parsed: the driver does not depend on its own encoding to agree.
                let parsed: Date = try c.query("SELECT '2026-10-25 01:30:00.25+01'::timestamptz AS v")[0].decode("v")
                #expect(parsed.timeIntervalSince1970 == 1_792_888_200.25)
            }
        }
    }

    @Test func datesAndTimesFarAndNear() async throws {
        try await TestDatabase.withFresh(migrated: false) { config in
            try await TestDatabase.withConnection(config) { c in
                let dates = [
                    ("0001-01-01", LocalDate(year: 1, month: 1, day: 1)!),
                    ("1970-01-01", LocalDate(year: 1970, month: 1, day: 1)!),
                    ("1999-12-31", LocalDate(year: 1999, month: 12, day: 31)!),
                    ("2000-01-01", LocalDate(year: 2000, month: 1, day: 1)!),
                    ("2024-02-29", LocalDate(year: 2024, month: 2, day: 29)!),
                    ("9999-12-31", LocalDate(year: 9999, month: 12, day: 31)!),
                ]
                for (text, date) in dates {
                    try roundTrip(c, date, column: "date")
                    #expect(try c.query("SELECT $1::text AS t", [date])[0].decode("t", as: String.self) == text)
                    #expect(try c.query("SELECT $1::date AS d", [text])[0].decode("d", as: LocalDate.self) == date)
                }
                let times = [
                    ("00:00:00", LocalTime(hour: 0, minute: 0)!),
                    ("23:59:59.999999", LocalTime(hour: 23, minute: 59, second: 59, microsecond: 999_999)!),
                    ("06:30:00", LocalTime(hour: 6, minute: 30)!),
                    ("24:00:00", LocalTime(microsecondsSinceMidnight: LocalTime.microsecondsPerDay)!),
                ]
                for (text, time) in times {
                    try roundTrip(c, time, column: "time")
                    #expect(try c.query("SELECT $1::text AS t", [time])[0].decode("t", as: String.self) == text)
                }
                // Far instants keep whole seconds (a Double cannot hold microseconds that far from 1970).
                for (seconds, text) in [
                    (-62_135_596_800.0, "0001-01-01 00:00:00"), (253_402_300_799.0, "9999-12-31 23:59:59"),
                ] {
                    let row = try c.query(
                        "SELECT $1 AS v, to_char($1 AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') AS t",
                        [Date(timeIntervalSince1970: seconds)])[0]
                    #expect(try row.decode("t", as: String.self) == text)
                    #expect(try row.decode("v", as: Date.self).timeIntervalSince1970 == seconds)
                }
            }
        }
    }

    @Test func nullsAsOptionals() async throws {
        try await TestDatabase.withFresh(migrated: false) { config in
            try await TestDatabase.withConnection(config) { c in
                let row = try c.query(
                    """
                    SELECT $1 AS i, $2 AS s, $3 AS u, $4 AS d, $5 AS ld, $6 AS lt, $7 AS b, $8 AS f, $9 AS y, $10 AS a
                    """,
                    [
                        Int?.none, String?.none, UUID?.none, Date?.none, LocalDate?.none, LocalTime?.none, Bool?.none,
                        Double?.none, Bytes?.none, [Int]?.none,
                    ])[0]
                #expect(try row.decode("i", as: Int?.self) == nil)
                #expect(try row.decode("s", as: String?.self) == nil)
                #expect(try row.decode("u", as: UUID?.self) == nil)
                #expect(try row.decode("d", as: Date?.self) == nil)
                #expect(try row.decode("ld", as: LocalDate?.self) == nil)
                #expect(try row.decode("lt", as: LocalTime?.self) == nil)
                #expect(try row.decode("b", as: Bool?.self) == nil)
                #expect(try row.decode("f", as: Double?.self) == nil)
                #expect(try row.decode("y", as: Bytes?.self) == nil)
                #expect(try row.decode("a", as: [Int]?.self) == nil)
                // The NULL kept its type: the server knows $1 was a bigint.
                #expect(
                    try c.query("SELECT pg_typeof($1)::text AS t", [Int?.none])[0].decode("t", as: String.self)
                        == "bigint")
                // A present Optional is sent as its value.
                #expect(try c.query("SELECT $1 AS s", [String?.some("é")])[0].decode("s", as: String?.self) == "é")
            }
        }
    }

    @Test func arrays() async throws {
        try await TestDatabase.withFresh(migrated: false) { config in
            try await TestDatabase.withConnection(config) { c in
                try roundTrip(c, [1, -2, Int.max], column: "bigint[]")
                try roundTrip(c, [Int](), column: "bigint[]")
                try roundTrip(c, ["", "a,b", "Ó'Neil", "{braces}", "\"q\""], column: "text[]")
                try roundTrip(c, [UUID(), UUID()], column: "uuid[]")
                try roundTrip(
                    c, [LocalDate(year: 2026, month: 3, day: 29)!, LocalDate(year: 1, month: 1, day: 1)!],
                    column: "date[]")
                try roundTrip(c, [true, false], column: "boolean[]")
                try roundTrip(c, [Int32(5), Int32(-5)], column: "integer[]")
                try roundTrip(c, [LocalTime(hour: 23, minute: 0)!], column: "time[]")
                // The server sees a real array: unnest and ANY work on it.
                #expect(
                    try c.query("SELECT count(*) AS n FROM unnest($1::text[]) AS t", [["a", "b", "c"]])[0].decode(
                        "n", as: Int.self) == 3)
                #expect(try c.query("SELECT 2 = ANY($1) AS hit", [[1, 2, 3]])[0].decode("hit", as: Bool.self))
                let instants: [Date] = try c.query("SELECT ARRAY['2026-01-01 00:00:00+00'::timestamptz] AS a")[0]
                    .decode("a")
                #expect(instants == [Date(timeIntervalSince1970: 1_767_225_600)])
                let varchars: [String] = try c.query("SELECT ARRAY['x'::varchar, 'y'] AS a")[0].decode("a")
                #expect(varchars == ["x", "y"])
            }
        }
    }

    @Test func jsonReadsAsTextOrCodable() async throws {
        struct Window: Codable, Equatable {
            let start: String
            let end: String
        }
        struct Row: Decodable { let windows: [Window] }
        try await TestDatabase.withFresh(migrated: false) { config in
            try await TestDatabase.withConnection(config) { c in
                let text: String = try c.query(#"SELECT '{"a": "é"}'::jsonb AS j"#)[0].decode("j")
                #expect(text == #"{"a": "é"}"#)
                let plain: String = try c.query(#"SELECT '[1, 2]'::json AS j"#)[0].decode("j")
                #expect(plain == "[1, 2]")
                let row = try c.query(#"SELECT $1::jsonb AS windows"#, [#"[{"start": "23:00", "end": "06:00"}]"#])[0]
                    .decode(Row.self)
                #expect(row.windows == [Window(start: "23:00", end: "06:00")])
            }
        }
    }
}

@Test func jsonbParameters() async throws {
    struct Curfew: Codable, Equatable {
        let start: String
        let days: [Int]
    }
    try await TestDatabase.withFresh(migrated: false) { config in
        try await TestDatabase.withConnection(config) { c in
            let doc = try JSONB(encoding: Curfew(start: "21:00", days: [6, 7]))
            try c.execute("CREATE TEMP TABLE j (b jsonb, p json)")
            try c.query("INSERT INTO j VALUES ($1, $1)", [doc])
            let row = try c.query("SELECT b, p, b->>'start' AS s, jsonb_array_length(b->'days') AS n FROM j")[0]
            #expect(
                try row.decode("b", as: JSONB.self).decode(as: Curfew.self) == Curfew(start: "21:00", days: [6, 7]))
            #expect(
                try row.decode("p", as: JSONB.self).decode(as: Curfew.self) == Curfew(start: "21:00", days: [6, 7]))
            #expect(try row.decode("s", as: String.self) == "21:00")
            #expect(try row.decode("n", as: Int.self) == 2)
        }
    }
}
