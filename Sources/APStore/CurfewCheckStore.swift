import APDomain
import APWire
import Civil
import Foundation
import PGDriver

/// Checks one premises' curfew night: a few set-based statements whatever the number of residents.
public enum CurfewCheckStore {
    public struct Outcome: Sendable, Equatable {
        /// Residents placed at some point of the night.
        public var residents: Int
        /// Alerts raised by this run (none for breaches already alerted).
        public var raised: [Alert]
        /// Alerts resolved by this run because the corrected record no longer shows them.
        public var resolved: Int
    }

    /// The channel a new alert is announced on (payload: the alert's id).
    public static let channel = "ap_alerts"

    /// One premises' night to check.
    public struct Night: Sendable, Hashable {
        public var premisesId: UUID
        public var night: LocalDate
        public init(premisesId: UUID, night: LocalDate) {
            self.premisesId = premisesId
            self.night = night
        }
    }

    /// Runs under the worker's name; two runs for the same premises and night take turns (an advisory
    /// lock), and the alerts' unique index keeps each breach to one open alert however often it runs. Each
    /// new alert is queued for the webhook, whichever process raised it (see `OutboxStore`).
    public static func check(
        _ c: PGConnection, actor: Actor = .worker(), premisesId: UUID, night: LocalDate, now: Date,
        grace: TimeInterval = 15 * 60
    ) throws -> Outcome {
        try check(c, actor: actor, [Night(premisesId: premisesId, night: night)], now: now, grace: grace)[0]
    }

    /// Checks many premises' nights together, in one transaction and the same few statements as one:
    /// a worker's pass over every premises costs one round of statements, not one a premises. The
    /// outcomes are in the order of `nights` (each given once).
    public static func check(
        _ c: PGConnection, actor: Actor = .worker(), _ nights: [Night], now: Date, grace: TimeInterval = 15 * 60
    ) throws -> [Outcome] {
        precondition(Set(nights).count == nights.count, "each premises' night is checked once in a batch")
        if nights.isEmpty { return [] }
        return try c.acting(as: actor) { c in
            let loaded = try load(c, nights)
            return try save(c, nights, judge(loaded, grace: grace, now: now), loaded: loaded, now: now)
        }
    }

    /// What a check of `nights` as of `now` would leave standing, raising and resolving nothing: each
    /// breach the record shows, with the entries it rests on.
    public static func findings(_ c: PGConnection, _ nights: [Night], now: Date, grace: TimeInterval = 15 * 60)
        throws -> Set<Finding>
    {
        try c.acting(as: .worker()) { c in
            let found = try judge(load(c, nights), grace: grace, now: now)
            return Set(found.map { Finding($0, night: nights[$0.item].night) })
        }
    }

    /// Judged in this process, from the evidence alone (NightCheck, in the domain).
    static func judge(_ loaded: Loaded, grace: TimeInterval, now: Date) -> [Found] {
        loaded.stays.flatMap { stay in
            NightCheck.judge(stay.evidence, grace: grace, now: now).map {
                Found(item: stay.item, placement: stay.placement, resident: stay.resident, breach: $0)
            }
        }
    }

    /// A placement's night to judge, and where it belongs in the batch.
    struct Stay {
        var item: Int
        var placement: UUID
        var resident: UUID
        var evidence: NightCheck.Evidence
    }

    /// A breach found, to be raised as an alert.
    struct Found {
        var item: Int
        var placement: UUID
        var resident: UUID
        var breach: CurfewCheck.Breach
    }

    /// What `load` read: each placement's night, and per night of the batch how many residents were placed
    /// and the premises' zone.
    struct Loaded {
        var stays: [Stay]
        var residents: [Int]
        var zones: [TimeZone]
    }

    /// Reads the evidence of every placement's night in the batch, under each night's advisory lock.
    static func load(_ c: PGConnection, _ nights: [Night]) throws -> Loaded {
        // Three round trips here (locks and premises; the placements; every other read) and one to save. The
        // locks are taken in one order, so that two batches never wait for each other in a circle.
        let keys = Set(nights.map { $0.premisesId.uuidString + $0.night.description }).sorted()
        let head = try c.pipeline([
            PGStatement(
                "SELECT count(pg_advisory_xact_lock(hashtextextended(k, 0))) FROM (SELECT k FROM unnest($1::text[]) "
                    + "AS k ORDER BY k) AS s",
                [keys]),
            // The same statement shapes run for every pass: a custom plan for each execution costs
            // more in planning (about a millisecond) than in running.
            PGStatement("SET LOCAL plan_cache_mode = force_generic_plan"),
            PGStatement(
                "SELECT \(PremisesStore.premisesColumns) FROM premises WHERE id = ANY($1)",
                [Array(Set(nights.map(\.premisesId)))]),
        ])
        var premises: [UUID: (zone: TimeZone, baseline: CurfewWindow)] = [:]
        for row in head[2] {
            let p = try PremisesStore.premises(row)
            if let zone = TimeZone(identifier: p.timeZone),
                let baseline = CurfewWindow(start: p.curfewStart, end: p.curfewEnd)
            {
                premises[p.id] = (zone, baseline)
            }
        }
        let settings = try nights.map { n in
            guard let p = premises[n.premisesId] else { throw StoreError.notFound("premises", field: "premisesId") }
            return p
        }
        let spans = zip(nights, settings).map { n, p in CurfewNight.span(of: n.night, in: p.zone) }
        let items: [any PGEncodable] = [
            Array(nights.indices), nights.map(\.premisesId), spans.map(\.start), spans.map(\.end),
        ]
        // Lateral, so that each premises' placements are an index scan: as a join, the generic plan hashed every
        // placement in the country, for one premises as for a hundred. In two halves, each on its own partial index:
        // those staying (placements_open) and those who left after the span began (placements_departed). As one
        // scan of the premises' placements it read every stay the premises ever had, twice a premises a pass (34 ms
        // a batch of 50 after five years of history, 5 ms so: the country bench's worker grew with the years).
        let placedSQL = """
            SELECT s.i, p.id, p.resident_id, p.arrived_at, p.departed_at
            FROM unnest($1::int8[], $2::uuid[], $3::timestamptz[], $4::timestamptz[]) AS s(i, premises_id, start, stop)
            CROSS JOIN LATERAL (
                SELECT p.id, p.resident_id, p.arrived_at, p.departed_at FROM placements p
                WHERE p.premises_id = s.premises_id AND p.status = 'arrived' AND p.arrived_at < s.stop
                UNION ALL
                SELECT p.id, p.resident_id, p.arrived_at, p.departed_at FROM placements p
                WHERE p.premises_id = s.premises_id AND p.status = 'departed' AND p.departed_at > s.start
                  AND p.arrived_at < s.stop) AS p
            """
        // Who was placed first, then every read keyed by those placements (one round trip more, the
        // placements found once instead of once a read).
        struct Placed {
            var item: Int
            var placement: UUID
            var resident: UUID
            var placed: DateInterval
        }
        let placed = try c.query(placedSQL, items).map { row in
            Placed(
                item: try row.decode("i"), placement: try row.decode("id"), resident: try row.decode("resident_id"),
                placed: DateInterval(
                    start: try row.decode("arrived_at"),
                    end: try row.decode("departed_at", as: Date?.self) ?? .distantFuture))
        }
        let stayParams: [any PGEncodable] = [
            placed.map(\.item), placed.map(\.placement), placed.map { spans[$0.item].start },
            placed.map { spans[$0.item].end },
        ]
        let residentIds = Array(Set(placed.map(\.resident)))
        let staysSQL =
            "SELECT * FROM unnest($1::int8[], $2::uuid[], $3::timestamptz[], $4::timestamptz[]) AS x(i, id, start, "
            + "stop)"
        let reads = try c.pipeline([
            PGStatement(
                "SELECT \(ConditionStore.columns) FROM licence_conditions WHERE kind IN ('curfew', 'reporting') AND "
                    + "resident_id = ANY($1)",
                [residentIds]),
            // Every absence of these residents touching any of the spans; each night keeps its own below.
            PGStatement(
                """
                SELECT \(ConditionStore.absenceColumns) FROM authorised_absences
                WHERE withdrawn_at IS NULL AND resident_id = ANY($1) AND starts_at < $3 AND ends_at > $2
                """, [residentIds, spans.map(\.start).min()!, spans.map(\.end).max()!]),
            // The log that counts: each placement's last entry before its span (one backward probe of the
            // (placement_id, at, seq) index each, however long the history)...
            PGStatement(
                """
                SELECT placed.i, last.* FROM (\(staysSQL)) AS placed CROSS JOIN LATERAL (
                    SELECT m.id, m.placement_id, m.kind, m.at, m.seq FROM counted_movements m
                    WHERE m.placement_id = placed.id AND m.at < placed.start
                    ORDER BY m.at DESC, m.seq DESC LIMIT 1) AS last
                """, stayParams),
            // ...and every entry in the span: one range of the (premises_id, at) index a premises' night, not
            // a probe a placement (most placements have none in a night). Entries of placements not being
            // checked are ignored below.
            PGStatement(
                """
                SELECT s.i, m.* FROM unnest($1::int8[], $2::uuid[], $3::timestamptz[], $4::timestamptz[]) AS s(i,
                    premises_id, start, stop)
                CROSS JOIN LATERAL (
                    SELECT m.id, m.placement_id, m.kind, m.at, m.seq FROM counted_movements m
                    WHERE m.premises_id = s.premises_id AND m.at >= s.start AND m.at < s.stop OFFSET 0) AS m
                ORDER BY s.i, m.placement_id, m.at, m.seq
                """, items),
            PGStatement(
                """
                SELECT x.i, r.placement_id, r.at FROM (\(staysSQL)) AS x
                JOIN reports r ON r.placement_id = x.id AND r.at >= x.start - interval '1 hour' AND r.at < x.stop +
                    interval '1 hour'
                """, stayParams),
        ])

        var conditions: [UUID: [CurfewCondition]] = [:]
        var reporting: [UUID: [ReportingCondition]] = [:]
        for row in reads[0] {
            let lc = try ConditionStore.condition(row)
            if let r = lc.reportingCondition() {
                reporting[lc.residentId, default: []].append(r)
            } else if let curfew = try lc.curfewCondition() {
                conditions[lc.residentId, default: []].append(curfew)
            }
        }
        struct Key: Hashable {
            var item: Int
            var placement: UUID
        }
        var reports: [Key: [Date]] = [:]
        for row in reads[4] {
            reports[Key(item: try row.decode("i"), placement: try row.decode("placement_id")), default: []].append(
                try row.decode("at"))
        }
        var absences: [UUID: [DateInterval]] = [:]
        for row in reads[1] {
            let a = try ConditionStore.absence(row)
            absences[a.residentId, default: []].append(a.interval)
        }
        var entries: [Key: [CurfewCheck.Movement]] = [:]
        for row in [reads[2], reads[3]].joined() {  // the entry before the span, then the span's in order
            entries[Key(item: try row.decode("i"), placement: try row.decode("placement_id")), default: []].append(
                CurfewCheck.Movement(
                    id: try row.decode("id"), isOut: try row.value("kind", as: MovementKind.self) == .out,
                    at: try row.decode("at")))
        }
        var residents = Array(repeating: 0, count: nights.count)
        let judged = placed.map { stay in
            let (zone, baseline) = settings[stay.item]
            let key = Key(item: stay.item, placement: stay.placement)
            residents[stay.item] += 1
            return Stay(
                item: stay.item, placement: stay.placement, resident: stay.resident,
                evidence: NightCheck.Evidence(
                    night: nights[stay.item].night, zone: zone, baseline: baseline, placed: stay.placed,
                    curfews: conditions[stay.resident] ?? [],
                    reporting: reporting[stay.resident] ?? [], absences: absences[stay.resident] ?? [],
                    entries: entries[key] ?? [],
                    reports: reports[key] ?? []))
        }
        return Loaded(stays: judged, residents: residents, zones: settings.map(\.zone))
    }

    /// What makes an alert the same finding: the breach and the entries it rests on. An alert whose entries
    /// were corrected (one voided, another recorded in its place) is resolved and raised again with the new.
    public struct Finding: Hashable, Sendable {
        public var resident: UUID
        public var night: LocalDate
        public var kind: AlertKind
        /// In a fixed order, so that two findings on the same entries are equal.
        public var evidence: [UUID]

        public init(resident: UUID, night: LocalDate, kind: AlertKind, evidence: [UUID]) {
            self.resident = resident
            self.night = night
            self.kind = kind
            self.evidence = evidence.sorted { $0.uuidString < $1.uuidString }
        }

        init(_ found: Found, night: LocalDate) {
            self.init(resident: found.resident, night: night, kind: found.breach.kind, evidence: found.breach.evidence)
        }
    }

    /// Makes the open alerts of the batch's nights equal what was found: resolves those the corrected record
    /// no longer supports, with the corrections that took them away as the reason, raises the rest (each
    /// breach once), escalates as the domain says, and queues new alerts for the webhook.
    static func save(_ c: PGConnection, _ nights: [Night], _ found: [Found], loaded: Loaded, now: Date) throws
        -> [Outcome]
    {
        let index = Dictionary(uniqueKeysWithValues: nights.enumerated().map { ($1, $0) })
        // An alert raised by a later judgement than this one (a check run for an earlier time) is left alone.
        let open = try c.query(
            """
            SELECT a.id, a.premises_id, a.resident_id, a.night, a.kind, a.evidence, a.raised_at
            FROM unnest($1::uuid[], $2::date[]) AS s(premises_id, night)
            JOIN alerts a ON a.premises_id = s.premises_id AND a.night = s.night AND a.resolved_at IS NULL
            WHERE a.raised_at <= $3
            """, [nights.map(\.premisesId), nights.map(\.night), now]
        ).map { row in
            (
                id: try row.decode("id", as: UUID.self),
                item: index[Night(premisesId: try row.decode("premises_id"), night: try row.decode("night"))] ?? 0,
                raisedAt: try row.decode("raised_at", as: Date.self),
                finding: Finding(
                    resident: try row.decode("resident_id"), night: try row.decode("night"),
                    kind: try row.value("kind"),
                    evidence: try row.decode("evidence"))
            )
        }
        let finding = { (f: Found) in Finding(f, night: nights[f.item].night) }
        let shown = Set(found.map(finding))
        let standing = Set(open.map(\.finding))
        let unsupported = open.filter { !shown.contains($0.finding) }
        let new = found.filter { !standing.contains(finding($0)) }

        let corrections = try RecheckStore.corrections(
            c, residentIds: Array(Set(unsupported.map(\.finding.resident))),
            nights: unsupported.map(\.finding.night))
        let reasons = unsupported.map { alert in
            Correction.reason(
                for: alert.finding.night, raisedAt: alert.raisedAt, now: now,
                among: corrections[alert.finding.resident] ?? [],
                in: loaded.zones[alert.item])
        }
        let escalate = try escalations(c, new)
        let writes = try c.pipeline([
            // Resolved, never deleted: first, so that a breach shown again on other entries can be raised anew.
            PGStatement(
                """
                UPDATE alerts a SET resolved_at = $3, resolved_reason = x.reason
                FROM unnest($1::uuid[], $2::text[]) AS x(id, reason)
                WHERE a.id = x.id AND a.resolved_at IS NULL
                RETURNING a.premises_id, a.night
                """, [unsupported.map(\.id), reasons, now]),
            PGStatement(
                """
                WITH new AS (
                    INSERT INTO alerts (premises_id, resident_id, placement_id, night, kind, evidence, escalate,
                        raised_at)
                    SELECT p.premises_id, p.resident_id, p.id, x.night, x.kind, string_to_array(x.evidence,
                        ',')::uuid[], x.escalate, $7
                    FROM unnest($1::uuid[], $2::date[], $3::text[], $4::text[], $5::bool[]) AS x(placement_id, night,
                        kind, evidence, escalate)
                    JOIN placements p ON p.id = x.placement_id
                    ON CONFLICT (resident_id, night, kind) WHERE resolved_at IS NULL DO NOTHING
                    RETURNING id, premises_id, night)
                SELECT id, premises_id, night, pg_notify($6, id::text) FROM new
                """,
                [
                    new.map(\.placement), new.map { nights[$0.item].night }, new.map(\.breach.kind.rawValue),
                    new.map { $0.breach.evidence.map { $0.uuidString.lowercased() }.joined(separator: ",") }, escalate,
                    channel, now,
                ]),
        ])
        var resolved = Array(repeating: 0, count: nights.count)
        for row in writes[0] {
            if let i = index[Night(premisesId: try row.decode("premises_id"), night: try row.decode("night"))] {
                resolved[i] += 1
            }
        }
        var raisedIds = Array(repeating: [UUID](), count: nights.count)
        for row in writes[1] {
            if let i = index[Night(premisesId: try row.decode("premises_id"), night: try row.decode("night"))] {
                raisedIds[i].append(try row.decode("id"))
            }
        }
        let allRaised = raisedIds.flatMap { $0 }
        try OutboxStore.enqueue(c, alertIds: allRaised, now: now)
        let alerts =
            allRaised.isEmpty
            ? []
            : try AlertStore.alerts(
                c, c.query("SELECT \(AlertStore.columns) FROM alerts WHERE id = ANY($1)", [allRaised]))
        let byId = Dictionary(grouping: alerts, by: \.id)
        return nights.indices.map { i in
            Outcome(
                residents: loaded.residents[i],
                raised: raisedIds[i].flatMap { byId[$0] ?? [] }.sorted { $0.kind.rawValue < $1.kind.rawValue },
                resolved: resolved[i])
        }
    }

    /// Whether each new alert is escalated: absent overnight at high or very high RoSH. The risk of only
    /// those few residents is read, not every resident's with the placements.
    static func escalations(_ c: PGConnection, _ found: [Found]) throws -> [Bool] {
        let overnight = Set(found.filter { $0.breach.kind == .absentOvernight }.map(\.resident))
        let rosh: [UUID: RoSH] =
            overnight.isEmpty
            ? [:]
            : try Dictionary(
                uniqueKeysWithValues: c.query(
                    "SELECT id, rosh FROM residents WHERE id = ANY($1)", [Array(overnight)]
                ).map { (try $0.decode("id"), try $0.value("rosh")) })
        return found.map { f in rosh[f.resident].map { Escalation.applies(to: f.breach.kind, rosh: $0) } ?? false }
    }

    /// The last night reconciled (checked once it was over) at each premises that has one. Asked for each
    /// premises from the newest night back through the primary key, which finds it in a row or two: grouping
    /// the whole table read every night ever checked, at every pass (36,500 rows a year at 100 premises).
    public static func lastReconciled(_ c: PGConnection) throws -> [UUID: LocalDate] {
        try Dictionary(
            uniqueKeysWithValues: c.query(
                """
                SELECT p.id AS premises_id, r.night
                FROM premises p
                CROSS JOIN LATERAL (
                    SELECT max(k.night) AS night FROM curfew_checks k
                    WHERE k.premises_id = p.id AND k.reconciled_at IS NOT NULL
                ) r
                WHERE r.night IS NOT NULL
                """
            ).map { (try $0.decode("premises_id"), try $0.decode("night")) })
    }

    /// Which of these premises' nights have been checked at least once.
    public static func checked(_ c: PGConnection, premisesIds: [UUID], nights: ClosedRange<LocalDate>) throws
        -> Set<Night>
    {
        try Set(
            c.acting(as: .worker()) { c in
                try c.query(
                    """
                    SELECT premises_id, night FROM curfew_checks WHERE premises_id = ANY($1) AND night BETWEEN $2 AND $3
                    """, [premisesIds, nights.lowerBound, nights.upperBound])
            }.map { Night(premisesId: try $0.decode("premises_id"), night: try $0.decode("night")) })
    }

    /// Records that premises' nights were checked at `at`, and reconciled where `over`: in the transaction of
    /// the check, so that the check and the record of it commit together or not at all.
    public static func recordChecked(
        _ c: PGConnection, _ nights: [(premisesId: UUID, night: LocalDate, over: Bool)], at: Date
    ) throws {
        try c.query(
            """
            INSERT INTO curfew_checks (premises_id, night, checked_at, reconciled_at)
            SELECT x.premises_id, x.night, $3, CASE WHEN x.over THEN $3::timestamptz END
            FROM unnest($1::uuid[], $2::date[], $4::bool[]) AS x(premises_id, night, over)
            ON CONFLICT (premises_id, night) DO UPDATE
            SET checked_at = $3, reconciled_at = coalesce(curfew_checks.reconciled_at, excluded.reconciled_at)
            """, [nights.map(\.premisesId), nights.map(\.night), at, nights.map(\.over)])
    }
}
