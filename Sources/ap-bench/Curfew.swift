import APDomain
import APStore
import APWire
import Civil
import Foundation
import PGDriver

/// The curfew check for one night at 100 premises: set-based (CurfewCheckStore) against a naive loop
/// over residents, then again after the movement history grows tenfold. Expects a database seeded by
/// scripts/bench (100 premises x 30 beds, a year of placements to 2026-11-24).
func curfewBenchmark(url: String) throws {
    let c = try PGConnection(PGConfig(url: url, applicationName: "ap-bench"))
    let night = LocalDate("2026-11-22")!
    let now = try Date("2026-11-24T12:00:00Z", strategy: .iso8601)
    let premises = try PremisesStore.list(c)

    // A year of evenings out: out between 18:00 and 20:00, back between 22:30 and 00:00 (some late),
    // on one day in ten at first, then on every day before the night checked (ten times the history).
    // Written straight into the table with the chain and audit triggers off: bench data, not evidence.
    // Vacuumed after, as autovacuum would have: otherwise it starts on the new rows mid-measurement.
    func addHistory(days: String) throws -> Int {
        try c.execute("CREATE SEQUENCE IF NOT EXISTS bench_seq; ALTER TABLE movements DISABLE TRIGGER USER")
        defer { _ = try? c.execute("ALTER TABLE movements ENABLE TRIGGER USER") }
        return try c.query(
            """
            INSERT INTO movements (premises_id, placement_id, resident_id, kind, at, destination, seq, prev_hash, hash)
            SELECT p.premises_id, p.id, p.resident_id, k.kind, ((d::date + k.t) AT TIME ZONE 'Europe/London') +
                k.next_day, 'bench',
                   -nextval('bench_seq'), '', ''
            FROM placements p
            CROSS JOIN LATERAL generate_series((p.arrived_at AT TIME ZONE 'Europe/London')::date + 1,
                                               coalesce((p.departed_at AT TIME ZONE 'Europe/London')::date - 1,
                                                   '2026-11-23'::date), interval '1 day') AS d
            CROSS JOIN LATERAL (VALUES
                ('out', time '18:00' + (abs(hashtext(p.id::text || d::text)) % 120) * interval '1 minute', interval
                    '0'),
                ('in', time '22:30' + (abs(hashtext(p.id::text || d::text || 'in')) % 90) * interval '1 minute',
                    interval '0')) AS k(kind, t, next_day)
            WHERE p.status IN ('arrived', 'departed') AND \(days)
            """
        ).affectedRows
    }
    func movementCount() throws -> Int { try c.query("SELECT count(*) AS n FROM movements")[0].decode("n") }
    func timed(_ body: () throws -> Void) rethrows -> Double {
        let s = Date()
        try body()
        return Date().timeIntervalSince(s) * 1000
    }

    if try movementCount() == 0 {
        _ = try addHistory(days: "abs(hashtext(p.id::text || d::text || 'day')) % 10 = 0")
        try c.execute("VACUUM ANALYZE movements")
    }
    let placed: Int = try c.query(
        """
        SELECT count(*) AS n FROM placements WHERE status IN ('arrived', 'departed') AND arrived_at <
            '2026-11-24T12:00Z'
          AND (departed_at IS NULL OR departed_at > '2026-11-22T12:00Z')
        """)[0].decode("n")
    print(
        "data: \(premises.count) premises, \(placed) residents placed on the night of \(night), "
            + "\(try movementCount()) movements in the log"
    )

    // As the worker's pass runs it: every premises' night in one batch.
    let nights = premises.map { CurfewCheckStore.Night(premisesId: $0.id, night: night) }
    func setBasedRun() throws -> Double { try timed { _ = try CurfewCheckStore.check(c, nights, now: now) } }
    func perPremisesRun() throws -> Double {
        try timed { for p in premises { _ = try CurfewCheckStore.check(c, premisesId: p.id, night: night, now: now) } }
    }
    var raised = 0
    let first = try timed {
        raised = try CurfewCheckStore.check(c, nights, now: now).reduce(0) { $0 + $1.raised.count }
    }
    // Again: the same reads and judgements, the alerts already there (as the naive loop will find them).
    // Medians of three, the two ways interleaved.
    var batch: [Double] = []
    var single: [Double] = []
    for _ in 0..<3 {
        batch.append(try setBasedRun())
        single.append(try perPremisesRun())
    }
    let setBased = batch.sorted()[1]
    let perPremises = single.sorted()[1]
    let naive = try timed { for p in premises { try naiveCheck(c, premises: p, night: night, now: now) } }
    print(String(format: "set-based, first run (raising %d alerts):  %8.1f ms", raised, first))
    print(
        String(
            format: "set-based, again (median of 3):            %8.1f ms  (%.2f ms a premises)", setBased,
            setBased / Double(premises.count)))
    print(String(format: "  the same, one premises at a time:        %8.1f ms", perPremises))
    print(
        String(
            format: "naive per-resident loop:                  %8.1f ms  ratio naive/set-based %.1fx", naive,
            naive / setBased))

    if try movementCount() < 1_000_000 {
        // Only before the night checked: the night itself stays the same, so any change is the history's.
        _ = try addHistory(days: "abs(hashtext(p.id::text || d::text || 'day')) % 10 <> 0 AND d < '2026-11-22'")
        try c.execute("VACUUM ANALYZE movements")
    }
    let grown = try (0..<3).map { _ in try setBasedRun() }.sorted()[1]
    let naiveGrown = try timed { for p in premises { try naiveCheck(c, premises: p, night: night, now: now) } }
    print("history grown tenfold: \(try movementCount()) movements")
    print(
        String(format: "set-based, 10x history (median of 3):     %8.1f ms  ratio to 1x %.2fx", grown, grown / setBased)
    )
    print(
        String(
            format: "naive per-resident loop, 10x history:     %8.1f ms  ratio naive/set-based %.1fx", naiveGrown,
            naiveGrown / grown))
}

/// The obvious way: for each resident, their conditions, absences and whole log, one query each, and
/// one insert per alert.
func naiveCheck(_ c: PGConnection, premises: Premises, night: LocalDate, now: Date) throws {
    let zone = TimeZone(identifier: premises.timeZone)!
    let baseline = CurfewWindow(start: premises.curfewStart, end: premises.curfewEnd)!
    let span = CurfewNight.span(of: night, in: zone)
    try c.transaction { c in
        for row in try c.query(
            """
            SELECT id, resident_id, arrived_at, departed_at FROM placements WHERE premises_id = $1 AND status IN
                ('arrived', 'departed')
              AND arrived_at < $3 AND (departed_at IS NULL OR departed_at > $2)
            """, [premises.id, span.start, span.end])
        {
            let placement: UUID = try row.decode("id")
            let resident: UUID = try row.decode("resident_id")
            let stay = DateInterval(
                start: try row.decode("arrived_at"),
                end: try row.decode("departed_at", as: Date?.self) ?? .distantFuture)
            let conditions = try ConditionStore.curfews(c, residentIds: [resident])[resident] ?? []
            let absences = (try ConditionStore.absences(c, residentIds: [resident], overlapping: span)[resident] ?? [])
                .map(\.interval)
            let entries = try c.query(
                """
                SELECT m.id, m.kind, m.at FROM counted_movements m WHERE m.placement_id = $1 ORDER BY m.at, m.seq
                """, [placement]
            ).map {
                CurfewCheck.Movement(
                    id: try $0.decode("id"), isOut: try $0.decode("kind", as: String.self) == "out",
                    at: try $0.decode("at"))
            }
            let curfew = CurfewNight.intervals(
                night: night, baseline: baseline, conditions: conditions, absences: absences, zone: zone)
            for breach in CurfewCheck.breaches(
                curfew: curfew, absences: absences, placed: stay, entries: entries, grace: 15 * 60, now: now)
            {
                try c.query(
                    """
                    INSERT INTO alerts (premises_id, resident_id, placement_id, night, kind, evidence) VALUES ($1, $2,
                        $3, $4, $5, $6)
                    ON CONFLICT (resident_id, night, kind) WHERE resolved_at IS NULL DO NOTHING
                    """, [premises.id, resident, placement, night, breach.kind.rawValue, breach.evidence])
            }
        }
    }
}
