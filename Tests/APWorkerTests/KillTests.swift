import APDomain
import APStore
import APWire
import Civil
import Foundation
import PGDriver
import TestDatabase
import Testing

/// The curfew check killed with kill -9 at random points and run again ends the night with exactly the
/// alerts of an uninterrupted run: each premises-night is one transaction, and alerts are unique.
@Suite struct KillTests {
    static func at(_ s: String) -> Date { try! Date(s, strategy: .iso8601) }

    /// 12 premises from one seed, and the same evening's movements: a third of residents out late,
    /// some all night, by their CRN so that two databases get identical stories.
    static func world(_ c: PGConnection) throws {
        var data = SyntheticData(today: LocalDate("2026-11-20")!)
        data.premises = 12
        data.bedsPerPremises = 10
        data.historyDays = 30
        data.aheadDays = 5
        try data.load(into: c)
        let actor = try Fixture(c: c).actor("Night")
        let rows = try c.query(
            """
            SELECT p.premises_id, r.id, r.crn FROM placements p JOIN residents r ON r.id = p.resident_id
            WHERE p.status = 'arrived' AND p.arrived_at < '2026-11-18T12:00:00Z' ORDER BY r.crn
            """)
        for row in rows {
            let crn: String = try row.decode("crn")
            let n = Int(crn.dropFirst())! % 6
            guard n < 3 else { continue }
            let premisesId: UUID = try row.decode("premises_id")
            let residentId: UUID = try row.decode("id")
            _ = try MovementStore.record(
                c, actor: actor, premisesId: premisesId, .init(residentId: residentId, kind: .out),
                now: at("2026-11-18T19:00:00Z"))
            if n == 1 {
                _ = try MovementStore.record(
                    c, actor: actor, premisesId: premisesId, .init(residentId: residentId, kind: .in),
                    now: at("2026-11-18T23:40:00Z"))
            }
        }
    }

    static func alerts(_ config: PGConfig) async throws -> [String] {
        try await TestDatabase.withConnection(config) { c in
            try c.query(
                """
                SELECT r.crn || ' ' || a.night || ' ' || a.kind || ' ' || a.escalate AS line
                FROM alerts a JOIN residents r ON r.id = a.resident_id ORDER BY line
                """
            ).map { try $0.decode("line") }
        }
    }

    @Test func killedAndRestartedEndsWithTheSameAlerts() async throws {
        try await TestDatabase.withFresh { reference in
            try await TestDatabase.withFresh { killed in
                for config in [reference, killed] {
                    try await TestDatabase.withConnection(config) { try Self.world($0) }
                }
                // A pause between premises makes a run last three seconds, so the kills land mid-run even
                // when the whole suite slows the start of each process (at 100 ms, one run in five once
                // finished before its kill under the full suite).
                func check(_ config: PGConfig) throws -> Process {
                    try TestDatabase.launch(
                        "ap-server", ["curfew-check", "--night", "2026-11-18", "--pause-ms", "250"],
                        database: config.database!)
                }
                let whole = try check(reference)
                await whole.exited()
                #expect(whole.terminationStatus == 0)
                let expected = try await Self.alerts(reference)
                #expect(expected.count > 20)

                var kills = 0
                for delay in [40, 90, 150, 220, 320] {
                    let p = try check(killed)
                    try await Task.sleep(for: .milliseconds(delay + Int.random(in: 0...40)))
                    if p.isRunning {
                        kill(p.processIdentifier, SIGKILL)
                        kills += 1
                    }
                    await p.exited()
                }
                #expect(kills == 5)  // every one of those runs was cut short
                let last = try check(killed)
                await last.exited()
                #expect(last.terminationStatus == 0)
                #expect(try await Self.alerts(killed) == expected)
            }
        }
    }

    /// Three worker processes started at once on the same night (as three instances would be) end with
    /// exactly the alerts of one run, none twice: the advisory lock per premises-night and the unique
    /// constraint on alerts elect one runner for each.
    @Test func threeWorkersAtOnceRaiseEachAlertOnce() async throws {
        try await TestDatabase.withFresh { reference in
            try await TestDatabase.withFresh { crowded in
                for config in [reference, crowded] {
                    try await TestDatabase.withConnection(config) { try Self.world($0) }
                }
                let one = try TestDatabase.launch(
                    "ap-server", ["curfew-check", "--night", "2026-11-18"], database: reference.database!)
                await one.exited()
                let expected = try await Self.alerts(reference)
                #expect(one.terminationStatus == 0 && expected.count > 20)
                let three = try (0..<3).map { _ in
                    try TestDatabase.launch(
                        "ap-server", ["curfew-check", "--night", "2026-11-18", "--pause-ms", "20"],
                        database: crowded.database!)
                }
                for p in three { await p.exited() }
                #expect(three.allSatisfy { $0.terminationStatus == 0 })
                #expect(try await Self.alerts(crowded) == expected)  // the same lines, none twice
            }
        }
    }
}
