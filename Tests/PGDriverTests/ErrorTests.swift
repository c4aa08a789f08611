import Foundation
import PGDriver
import TestDatabase
import Testing

/// Each SQLSTATE callers act on maps to its named kind, with the fields set and no values described.
@Suite struct ErrorTests {
    static let schema = """
        CREATE TABLE parent (id int PRIMARY KEY);
        CREATE TABLE child (
            id int PRIMARY KEY,
            parent int REFERENCES parent (id),
            crn text NOT NULL CONSTRAINT child_crn_key UNIQUE,
            age int CONSTRAINT child_age_check CHECK (age >= 0)
        );
        CREATE TABLE booking (bed int, nights daterange,
            CONSTRAINT booking_no_double EXCLUDE USING gist (bed WITH =, nights WITH &&));
        INSERT INTO parent VALUES (1);
        INSERT INTO child VALUES (1, 1, 'X320741', 30);
        INSERT INTO booking VALUES (7, '[2026-01-01,2026-01-05)');
        """

    func withSchema(_ body: @escaping @Sendable (PGConnection) throws -> Void) async throws {
        try await TestDatabase.withFresh { config in
            try await TestDatabase.withConnection(config) { c in
                try c.execute(Self.schema)
                try body(c)
            }
        }
    }

    @Test func constraintViolationsHaveNamedKinds() async throws {
        try await withSchema { c in
            let unique = pgError { try c.query("INSERT INTO child VALUES ($1, NULL, $2, 1)", [2, "X320741"]) }
            #expect(unique?.kind == .uniqueViolation)
            #expect(unique?.sqlState == "23505")
            #expect(unique?.constraint == "child_crn_key")
            #expect(unique?.table == "child")
            // The server's detail quotes the value; the description (what gets logged) never does.
            #expect(unique?.detail?.contains("X320741") == true)
            #expect(unique?.description.contains("X320741") == false)
            #expect(unique?.description.contains("child_crn_key") == true)

            let fk = pgError { try c.query("INSERT INTO child VALUES (3, $1, 'A000001', 1)", [99]) }
            #expect(fk?.kind == .foreignKeyViolation)
            #expect(fk?.sqlState == "23503")

            let check = pgError { try c.query("INSERT INTO child VALUES (4, NULL, 'A000002', $1)", [-1]) }
            #expect(check?.kind == .checkViolation)
            #expect(check?.constraint == "child_age_check")

            let notNull = pgError { try c.query("INSERT INTO child VALUES (5, NULL, $1, 1)", [String?.none]) }
            #expect(notNull?.kind == .notNullViolation)
            #expect(notNull?.column == "crn")

            let exclusion = pgError {
                try c.query(
                    "INSERT INTO booking VALUES (7, daterange($1::date, $2::date))", ["2026-01-04", "2026-01-06"])
            }
            #expect(exclusion?.kind == .exclusionViolation)
            #expect(exclusion?.sqlState == "23P01")
            #expect(exclusion?.constraint == "booking_no_double")
            // The same bed on the night the first booking ends is free: half-open ranges.
            #expect(
                pgError {
                    try c.query(
                        "INSERT INTO booking VALUES (7, daterange($1::date, $2::date))", ["2026-01-05", "2026-01-06"])
                } == nil)
        }
    }

    @Test func dataExceptionsNeverDescribeTheInput() async throws {
        try await withSchema { c in
            let bad = pgError { try c.query("SELECT $1::int", ["Jane Doe X320741"]) }
            #expect(bad?.sqlState == "22P02")
            #expect(bad?.message.contains("Jane Doe") == true)
            #expect(bad?.description.contains("Jane") == false)
            #expect(bad?.description.contains("X320741") == false)
            // A NUL character cannot be stored in text; the error is clear and the connection still works.
            let nul = pgError { try c.query("SELECT $1::text", ["before\u{0}after"]) }
            #expect(nul?.sqlState?.hasPrefix("22") == true)
            let one: Int = try c.query("SELECT 1 AS one")[0].decode("one")
            #expect(one == 1)
        }
    }

    @Test func cancellationTimeoutAndLostConnection() async throws {
        try await withSchema { c in
            try c.execute("SET statement_timeout = '50ms'")
            let timeout = pgError { try c.query("SELECT pg_sleep(2)") }
            #expect(timeout?.kind == .queryCanceled)
            #expect(timeout?.sqlState == "57014")
            try c.execute("SET statement_timeout = 0")

            let lost = pgError { try c.query("SELECT pg_terminate_backend(pg_backend_pid())") }
            #expect(lost?.kind == .connectionLost)
            #expect(lost?.isUnavailable == true)
            #expect(!c.isHealthy)
        }
    }

    @Test func connectingToNothingFailsClearly() async throws {
        let error = await #expect(throws: PGError.self) {
            try await TestDatabase.onThread {
                _ = try PGConnection(PGConfig(url: "postgresql://ap@127.0.0.1:1/ap", connectTimeoutSeconds: 1))
            }
        }
        #expect(error?.kind == .connectionFailed)
        #expect(error?.description.contains("could not connect") == true)
    }

    @Test func decodingMismatchNamesColumnExpectedAndActual() async throws {
        try await withSchema { c in
            let row = try c.query("SELECT 42::int AS age, NULL::text AS note")[0]
            let mismatch = pgError { _ = try row.decode("age", as: String.self) }
            #expect(mismatch?.kind == .decoding)
            #expect(mismatch?.column == "age")
            #expect(mismatch?.description.contains("String") == true)
            #expect(mismatch?.description.contains("integer") == true)
            let null = pgError { _ = try row.decode("note", as: String.self) }
            #expect(null?.description.contains("NULL") == true)
            let missing = pgError { _ = try row.decode("nope", as: Int.self) }
            #expect(missing?.description.contains("nope") == true)
            #expect(try row.decode("note", as: String?.self) == nil)
        }
    }

    @Test func serializationFailureAndDeadlockAreNamed() async throws {
        try await TestDatabase.withFresh { config in
            try await TestDatabase.withConnection(config) { c in
                try c.execute("CREATE TABLE t (id int PRIMARY KEY, v int); INSERT INTO t VALUES (1, 0), (2, 0)")
                let other = try PGConnection(config)
                try c.execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
                try c.query("SELECT v FROM t WHERE id = 1")
                try other.query("UPDATE t SET v = v + 1 WHERE id = 1")
                let conflict = pgError { try c.query("UPDATE t SET v = v + 1 WHERE id = 1") }
                #expect(conflict?.kind == .serializationFailure)
                #expect(conflict?.isTransient == true)
                try c.execute("ROLLBACK")
            }
            // Two sessions lock two rows in opposite orders: the server picks one to fail with a deadlock.
            // Each waits until both hold their first row (a busy suite may start the second late).
            let bothLocked = DispatchGroup()
            bothLocked.enter()
            bothLocked.enter()
            let errors = try await withThrowingTaskGroup(of: PGError?.self) { group in
                for order in [[1, 2], [2, 1]] {
                    group.addTask {
                        try await TestDatabase.withConnection(config) { c in
                            try c.execute("BEGIN")
                            try c.query("UPDATE t SET v = v + 1 WHERE id = $1", [order[0]])
                            bothLocked.leave()
                            _ = bothLocked.wait(timeout: .now() + 30)
                            let e = pgError { try c.query("UPDATE t SET v = v + 1 WHERE id = $1", [order[1]]) }
                            try c.execute(e == nil ? "COMMIT" : "ROLLBACK")
                            return e
                        }
                    }
                }
                return try await group.reduce(into: [PGError?]()) { $0.append($1) }
            }
            #expect(errors.compactMap { $0 }.map(\.kind) == [.deadlock])
        }
    }
}
