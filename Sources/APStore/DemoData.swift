import APDomain
import APWire
import Civil
import Foundation
import PGDriver

/// The demo `scripts/run` loads into an empty database: `SyntheticData`'s premises, beds, residents and
/// placements, plus what a week at an Approved Premises leaves behind: licence conditions (some with
/// an extra curfew), a week of signing in and out with a few late returns, the curfew checks of those
/// nights and the alerts they raised (some acknowledged), some incidents, and the demo's staff and
/// accounts. Everything is dated relative to `now` and goes through the same tables and triggers as
/// real work, attributed to the demo's staff.
public struct DemoData: Sendable {
    public var now: Date
    public var seed: UInt64 = 7
    public init(now: Date) { self.now = now }

    public struct Accounts: Sendable {
        public var staff: (account: Account, token: String)
        public var manager: (account: Account, token: String)
        public var admin: (account: Account, token: String)
        public var worker: (account: Account, token: String)
        public var premises: Premises
    }

    static let zone = TimeZone(identifier: "Europe/London")!

    /// Loads the demo; false (and nothing written) when the database already has premises.
    public func loadIfEmpty(into c: PGConnection) throws -> Bool {
        try c.transaction { c in
            try c.query("SELECT pg_advisory_xact_lock(7112025007)")
            if try c.query("SELECT 1 FROM premises LIMIT 1").first != nil { return false }
            try load(into: c)
            return true
        }
    }

    func load(into c: PGConnection) throws {
        var rng = SplitMix64(seed: seed)
        let today = Zone.local(now, in: Self.zone).date
        var data = SyntheticData(today: today)
        data.premises = 3
        data.bedsPerPremises = 20
        data.historyDays = 21
        data.aheadDays = 28
        data.seed = seed
        try data.load(into: c)
        let premises = try PremisesStore.list(c)
        var staffByPremises: [UUID: StaffMember] = [:]
        let names = ["Jo Walker", "Ravi Mehta", "Ann Kowalski"]
        for (i, p) in premises.enumerated() {
            staffByPremises[p.id] = try PremisesStore.addStaff(
                c, name: names[i % names.count], role: .staff, premisesIds: [p.id])
        }

        // Arrived residents: their conditions, and a week of their comings and goings.
        let arrived = try c.query(
            """
            SELECT p.id, p.premises_id, p.resident_id, p.arrived_at FROM placements p WHERE p.status = 'arrived' ORDER
                BY p.premises_id, p.id
            """
        ).map {
            (
                id: try $0.decode("id", as: UUID.self), premises: try $0.decode("premises_id", as: UUID.self),
                resident: try $0.decode("resident_id", as: UUID.self),
                arrivedAt: try $0.decode("arrived_at", as: Date.self)
            )
        }
        let curfew = CurfewDetails(windows: [
            CurfewWindow(start: LocalTime(hour: 19, minute: 0)!, end: LocalTime(hour: 7, minute: 0)!)!
        ])
        for (i, stay) in arrived.enumerated() {
            let actor = Actor.staff(staffByPremises[stay.premises]!.id, origin: "demo")
            let from = Zone.local(stay.arrivedAt, in: Self.zone).date
            try c.acting(as: actor) { c in
                _ = try ConditionStore.add(
                    c, actor: actor, residentId: stay.resident,
                    NewCondition(
                        kind: .resideAtApprovedAddress, source: .licence, startsOn: from,
                        wording: "Reside at the Approved Premises"))
                if i % 4 == 0 {
                    _ = try ConditionStore.add(
                        c, actor: actor, residentId: stay.resident,
                        NewCondition(
                            kind: .curfew, source: .licence, startsOn: from,
                            wording: "Curfew 19:00 to 07:00 every night", curfew: curfew))
                }
                // Out in the day, back in the evening; about one return in twelve is after curfew.
                for day in stride(from: 7, through: 1, by: -1) {
                    let date = today.adding(days: -day)
                    let out = Zone.instant(
                        date, LocalTime(hour: 9 + Int(rng.next(4)), minute: Int(rng.next(60)))!, in: Self.zone)
                    let late = rng.next(12) == 0
                    let back =
                        late
                        ? Zone.instant(date, LocalTime(hour: 23, minute: 20 + Int(rng.next(35)))!, in: Self.zone)
                        : Zone.instant(
                            date, LocalTime(hour: 16 + Int(rng.next(2)), minute: Int(rng.next(60)))!, in: Self.zone)
                    guard out > stay.arrivedAt else { continue }
                    for (kind, at, destination) in [
                        (
                            "out", out,
                            ["work", "probation appointment", "college", "family visit", "job centre"][Int(rng.next(5))]
                        ),
                        ("in", back, ""),
                    ] {
                        try c.query(
                            """
                            INSERT INTO movements (premises_id, placement_id, resident_id, kind, at, recorded_at,
                                recorded_by, destination)
                            VALUES ($1, $2, $3, $4, $5, $5, $6, $7)
                            """, [stay.premises, stay.id, stay.resident, kind, at, actor.staffId, destination])
                    }
                }
            }
        }

        // The curfew checks of the past week, as the worker would have run them.
        for p in premises {
            for day in stride(from: 7, through: 1, by: -1) {
                _ = try CurfewCheckStore.check(c, premisesId: p.id, night: today.adding(days: -day), now: now)
            }
        }
        // Staff acknowledged most alerts older than two days.
        for row in try c.query(
            """
            SELECT a.id, a.premises_id FROM alerts a WHERE a.night < $1 ORDER BY a.night, a.id
            """, [today.adding(days: -2)])
        {
            let premisesId: UUID = try row.decode("premises_id")
            guard rng.next(4) != 0 else { continue }
            _ = try AlertStore.acknowledge(
                c, actor: .staff(staffByPremises[premisesId]!.id, origin: "demo"), alertId: try row.decode("id"),
                outcome: .returnedLate, note: "Returned; spoke to resident about curfew")
        }
        // A few incidents at each premises.
        let incidents: [(IncidentCategory, Severity, String, String)] = [
            (.damageToProperty, .low, "Broken window in the lounge", "Area made safe; repair requested"),
            (.threats, .medium, "Argument between two residents in the kitchen", "Residents separated; both spoken to"),
            (
                .substanceMisuse, .high, "Suspected cannabis smell on the first floor",
                "Rooms checked; key worker informed"
            ),
        ]
        for p in premises {
            let staff = staffByPremises[p.id]!
            let residents = arrived.filter { $0.premises == p.id }.map(\.resident)
            for (i, item) in incidents.enumerated() {
                let draft = IncidentDraft(
                    occurredAt: now.addingTimeInterval(-Double(i + 1) * 86_400 - 3_600), location: "Ground floor",
                    category: item.0, severity: item.1, description: item.2, immediateAction: item.3,
                    residentIds: Array(residents.prefix(i % 2 + 1)), staffIds: [staff.id])
                _ = try IncidentStore.report(
                    c, actor: .staff(staff.id, origin: "demo"), premisesId: p.id, draft, now: now)
            }
        }
    }

    /// Demo accounts with fresh tokens (valid 7 days): a staff member and a manager at the first premises,
    /// an admin, and the worker's service account. Accounts made by an earlier run are reused; only new
    /// tokens are issued, since a token is kept only as its hash.
    public func accounts(_ c: PGConnection) throws -> Accounts {
        try c.transaction { c in
            guard let first = try PremisesStore.list(c).sorted(by: { $0.code < $1.code }).first else {
                throw StoreError(.notFound, "no-premises", "the database has no premises: load the demo first")
            }
            func account(_ name: String, _ role: Account.Role, premises: [UUID]) throws -> (Account, String) {
                let existing = try c.query(
                    "SELECT \(AccountStore.columns) FROM accounts WHERE name = $1 AND role = $2", [name, role.rawValue]
                )
                .first.map(AccountStore.account)
                let account =
                    try existing
                    ?? {
                        let staffId =
                            try role == .worker
                            ? nil
                            : PremisesStore.addStaff(
                                c, name: name, role: StaffRole(rawValue: role.rawValue)!,
                                premisesIds: premises
                            ).id
                        return try AccountStore.create(c, actor: .system, staffId: staffId, name: name, role: role)
                    }()
                return (
                    account,
                    try AccountStore.issueToken(
                        c, actor: .system, accountId: account.id, validFor: 7 * 86_400, now: now
                    ).secret
                )
            }
            return Accounts(
                staff: try account("Demo Staff", .staff, premises: [first.id]),
                manager: try account("Demo Manager", .manager, premises: [first.id]),
                admin: try account("Demo Admin", .admin, premises: []),
                worker: try account("Demo Worker", .worker, premises: []),
                premises: first)
        }
    }
}
