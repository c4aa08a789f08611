import Foundation
import PGDriver
import TestDatabase
import Testing

@Suite struct TransactionTests {
    struct Boom: Error {}

    @Test func aTransactionsLabelLastsAsLongAsItDoes() async throws {
        try await TestDatabase.withFresh { config in
            try await TestDatabase.withConnection(config) { c in
                #expect(c.transactionLabel == nil)
                try c.transaction(label: "a") { c throws in
                    #expect(c.transactionLabel == "a")
                    c.transactionLabel = "b"
                    #expect(c.transactionLabel == "b")
                }
                #expect(c.transactionLabel == nil)
                #expect(throws: Boom.self) { try c.transaction(label: "c") { _ in throw Boom() } }
                #expect(c.transactionLabel == nil)
                // A hand-made BEGIN is not tracked: no label, and none can be set.
                try c.execute("BEGIN")
                c.transactionLabel = "d"
                #expect(c.transactionLabel == nil)
                try c.execute("ROLLBACK")
            }
        }
    }

    @Test func commitsOnReturnAndRollsBackOnThrow() async throws {
        try await TestDatabase.withFresh { config in
            try await TestDatabase.withConnection(config) { c in
                try c.execute("CREATE TABLE t (v text)")
                _ = try c.transaction { try $0.query("INSERT INTO t VALUES ($1)", ["kept"]) }
                #expect(throws: Boom.self) {
                    try c.transaction { tx in
                        try tx.query("INSERT INTO t VALUES ($1)", ["lost"])
                        throw Boom()
                    }
                }
                #expect(c.transactionState == .idle)
                let values: [String] = try c.query("SELECT v FROM t").map { try $0.decode("v") }
                #expect(values == ["kept"])
            }
        }
    }

    @Test func aSwallowedStatementErrorDoesNotPretendToCommit() async throws {
        try await TestDatabase.withFresh { config in
            try await TestDatabase.withConnection(config) { c in
                try c.execute("CREATE TABLE t (v int PRIMARY KEY)")
                let error = pgError {
                    try c.transaction { tx in
                        try tx.query("INSERT INTO t VALUES (1)")
                        _ = try? tx.query("INSERT INTO t VALUES (1)")  // fails; the transaction is now aborted
                    }
                }
                #expect(error?.kind == .client)
                #expect(try c.query("SELECT count(*) AS n FROM t")[0].decode("n", as: Int.self) == 0)
            }
        }
    }

    /// A serialization failure provoked on the first attempt is retried, and the retry succeeds.
    @Test func retriesSerializationFailures() async throws {
        try await TestDatabase.withFresh { config in
            try await TestDatabase.withConnection(config) { c in
                try c.execute("CREATE TABLE t (id int PRIMARY KEY, v int); INSERT INTO t VALUES (1, 0)")
                let other = try PGConnection(config)
                var attempts = 0
                try c.transaction(isolation: .repeatableRead) { tx in
                    attempts += 1
                    try tx.query("SELECT v FROM t WHERE id = 1")
                    if attempts == 1 { try other.query("UPDATE t SET v = v + 10 WHERE id = 1") }
                    try tx.query("UPDATE t SET v = v + 1 WHERE id = 1")
                }
                #expect(attempts == 2)
                #expect(try c.query("SELECT v FROM t")[0].decode("v", as: Int.self) == 11)

                // Always conflicting: gives up after maxAttempts with the serialization failure.
                attempts = 0
                let error = pgError {
                    try c.transaction(isolation: .serializable, maxAttempts: 3) { tx in
                        attempts += 1
                        try tx.query("SELECT v FROM t WHERE id = 1")
                        try other.query("UPDATE t SET v = v + 10 WHERE id = 1")
                        try tx.query("UPDATE t SET v = v + 1 WHERE id = 1")
                    }
                }
                #expect(error?.kind == .serializationFailure)
                #expect(attempts == 3)

                // Other errors are not retried.
                attempts = 0
                #expect(throws: Boom.self) {
                    try c.transaction { _ in
                        attempts += 1
                        throw Boom()
                    }
                }
                #expect(attempts == 1)
            }
        }
    }

    @Test func readOnlyTransactionsRefuseWrites() async throws {
        try await TestDatabase.withFresh { config in
            try await TestDatabase.withConnection(config) { c in
                try c.execute("CREATE TABLE t (v int)")
                let error = pgError {
                    _ = try c.transaction(readOnly: true) { try $0.query("INSERT INTO t VALUES (1)") }
                }
                #expect(error?.sqlState == "25006")
            }
        }
    }
}

@Suite struct RowDecoderTests {
    enum RoSH: String, Decodable {
        case low, medium, high
        case veryHigh = "very_high"
    }
    struct Resident: Decodable, Equatable {
        let id: UUID
        let crn: String
        let rosh: RoSH
        let mappaLevel: Int?
        let note: String?
        enum CodingKeys: String, CodingKey {
            case id, crn, rosh
            case mappaLevel = "mappa_level"
            case note
        }
    }

    @Test func decodesByColumnName() async throws {
        try await TestDatabase.withFresh(migrated: false) { config in
            try await TestDatabase.withConnection(config) { c in
                let id = UUID()
                let rows = try c.query(
                    """
                    SELECT 'ignored' AS extra, $1::uuid AS id, 'X320741' AS crn, 'very_high' AS rosh, 2 AS mappa_level,
                        NULL::text AS note
                    UNION ALL SELECT 'x', $1, 'A000001', 'low', NULL, 'n'
                    """, [id]
                ).decode(Resident.self)
                #expect(
                    rows == [
                        Resident(id: id, crn: "X320741", rosh: .veryHigh, mappaLevel: 2, note: nil),
                        Resident(id: id, crn: "A000001", rosh: .low, mappaLevel: nil, note: "n"),
                    ])
                // A value outside the enum, and a missing column, are errors, not silent defaults.
                #expect(throws: (any Error).self) {
                    _ = try c.query(
                        "SELECT $1::uuid AS id, 'X' AS crn, 'extreme' AS rosh, 1 AS mappa_level, 'n' AS note", [id])[0]
                        .decode(Resident.self)
                }
                let missing = pgError { _ = try c.query("SELECT 'X' AS crn")[0].decode(Resident.self) }
                #expect(missing?.column == "id")
            }
        }
    }
}
