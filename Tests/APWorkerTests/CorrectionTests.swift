import APDomain
import APStore
import APWire
import APWorker
import Civil
import Foundation
import PGDriver
import TestDatabase
import Testing

/// Issue 17's findings 1 to 3: the alerts follow the corrected record, whoever corrects it and however late,
/// and every alert reaches the webhook whichever process raised it.
@Suite struct CorrectionTests {
    static func at(_ s: String) -> Date { try! Date(s, strategy: .iso8601) }

    func worker(_ pool: PGPool, _ clock: MutableClock) -> CurfewWorker {
        CurfewWorker(pool: pool, clock: { clock.now })
    }

    /// Finding 1: a sign-in recorded late, with its true time before the curfew began, clears the alert it
    /// disproves, within the worker's re-check; the alert stays, resolved, with a reason naming the change.
    @Test func aLateSignInBeforeCurfewResolvesTheLateReturn() async throws {
        try await TestDatabase.withFresh { config in
            let (p, r, staff) = try await TestDatabase.withConnection(config) { c in
                let (p, r, _, staff) = try Fixture(c: c).arrivedResident(arrivedAt: Self.at("2026-01-01T14:00:00Z"))
                _ = try MovementStore.record(
                    c, actor: staff, premisesId: p.id, .init(residentId: r.id, kind: .out),
                    now: Self.at("2026-01-15T20:00:00Z"))
                return (p, r, staff)
            }
            let pool = PGPool(config, options: .init(maxConnections: 2))
            let clock = MutableClock(Self.at("2026-01-15T23:30:00Z"))
            #expect(try await worker(pool, clock).runOnce().raised == 1)  // out at 23:00, the curfew's start

            clock.now = Self.at("2026-01-15T23:40:00Z")
            try await pool.withConnection { c in
                _ = try MovementStore.record(
                    c, actor: staff, premisesId: p.id,
                    .init(
                        residentId: r.id, kind: .in, at: Self.at("2026-01-15T22:55:00Z"),
                        lateReason: "came in at 22:55; the book was not signed"),
                    now: clock.now)
            }
            clock.now = Self.at("2026-01-15T23:40:20Z")
            let again = try await worker(pool, clock).recheckOnce()
            #expect(again.resolved == 1 && again.raised == 0)
            let alerts = try await pool.withConnection {
                try AlertStore.list($0, premisesId: p.id, since: LocalDate("2026-01-15")!)
            }
            #expect(alerts.count == 1)
            #expect(alerts.first?.kind == .lateReturn && alerts.first?.resolvedAt != nil)
            #expect(
                alerts.first?.resolvedReason
                    == "the corrected record no longer shows this breach: sign-in recorded late at 23:40 by Night "
                    + "Worker for 22:55: came in at 22:55; the book was not signed")
            // Nothing queued is left, and the next passes raise nothing again.
            #expect(try await worker(pool, clock).recheckOnce().checked.isEmpty)
            clock.now = Self.at("2026-01-16T02:00:00Z")
            #expect(try await worker(pool, clock).runOnce().raised == 0)
            await pool.shutdown()
        }
    }

    /// Finding 2: a breach that only a backdated entry shows, on a night the worker has already reconciled,
    /// is raised by the worker.
    @Test func aBackdatedEntryOnAReconciledNightRaisesTheBreach() async throws {
        try await TestDatabase.withFresh { config in
            let (p, r, staff) = try await TestDatabase.withConnection(config) { c in
                let (p, r, _, staff) = try Fixture(c: c).arrivedResident(arrivedAt: Self.at("2026-01-01T14:00:00Z"))
                return (p, r, staff)
            }
            let pool = PGPool(config, options: .init(maxConnections: 2))
            let clock = MutableClock(Self.at("2026-01-17T13:00:00Z"))
            let first = try await worker(pool, clock).runOnce()
            #expect(first.reconciled.contains("\(p.code) 2026-01-14") && first.raised == 0)

            clock.now = Self.at("2026-01-17T13:05:00Z")
            try await pool.withConnection { c in
                for (kind, time) in [(MovementKind.out, "2026-01-14T22:00:00Z"), (.in, "2026-01-15T01:00:00Z")] {
                    _ = try MovementStore.record(
                        c, actor: staff, premisesId: p.id,
                        .init(residentId: r.id, kind: kind, at: Self.at(time), lateReason: "found in the paper book"),
                        now: clock.now)
                }
            }
            // The regular pass no longer looks at a reconciled night...
            #expect(try await worker(pool, clock).runOnce().raised == 0)
            // ...the re-check of what was corrected does.
            let again = try await worker(pool, clock).recheckOnce()
            #expect(again.checked.contains("\(p.code) 2026-01-14"))
            let alerts = try await pool.withConnection {
                try AlertStore.list($0, premisesId: p.id, since: LocalDate("2026-01-14")!)
            }
            #expect(alerts.map(\.kind) == [.lateReturn] && alerts.map(\.night) == [LocalDate("2026-01-14")!])
            #expect(again.raised == 1)
            await pool.shutdown()
        }
    }

    /// Finding 3: an escalated alert raised by the one-shot `ap-server curfew-check` is queued for the webhook,
    /// and the worker's deliverer posts it.
    @Test func anAlertRaisedByTheOneShotCheckReachesTheWebhook() async throws {
        try await TestDatabase.withFresh { config in
            let plan = try await TestDatabase.withConnection(config) { c in
                let (_, r) = try outAllNightWorld(c)
                try c.query("UPDATE residents SET rosh = 'very_high' WHERE id = $1", [r.id])
                return r.contingencyPlan
            }
            let run = try await TestDatabase.run(
                "ap-server", ["curfew-check", "--night", "2026-01-15"],
                environment: ["DATABASE_URL": TestDatabase.url(database: config.database!)])
            #expect(run.status == 0 && run.out.contains("2 alerts raised"))

            let receiver = try Receiver(statuses: [])
            defer { receiver.stop() }
            let pool = PGPool(config, options: .init(maxConnections: 2))
            let deliverer = WebhookDeliverer(
                pool: pool, settings: .init(url: receiver.url, secret: String(repeating: "s", count: 20)))
            // Every alert the run raised (the night asked for, then the nights since, within the look-back,
            // that the arrival recorded after the fact queued: the resident never came back) is posted.
            let raised: Int = try await pool.withConnection {
                try $0.query("SELECT count(*) AS n FROM alerts")[0].decode("n")
            }
            #expect(raised >= 2)
            let pass = try await deliverer.deliverOnce(limit: 100)
            #expect(pass == .init(delivered: raised, failed: 0), "\(run.out)")
            let notices = try receiver.requests.map {
                try APIJSON.decoder.decode(AlertNotice.self, from: Data($0.body.utf8))
            }
            #expect(
                notices.contains {
                    $0.night == LocalDate("2026-01-15")! && $0.kind == .absentOvernight && $0.escalate
                        && $0.resident.contingencyPlan == plan
                })
            await pool.shutdown()
        }
    }

    /// An alert queued long ago is not posted to a webhook configured since: it would arrive hours late, as if new.
    @Test func anOldAlertIsNotPostedToANewWebhook() async throws {
        try await TestDatabase.withFresh { config in
            _ = try await TestDatabase.withConnection(config) { try outAllNightWorld($0) }
            let pool = PGPool(config, options: .init(maxConnections: 2))
            let clock = MutableClock(Self.at("2026-01-16T08:00:00Z"))
            #expect(try await worker(pool, clock).runOnce().raised == 2)
            let receiver = try Receiver(statuses: [])
            defer { receiver.stop() }
            let later = Self.at("2026-01-16T20:01:00Z")  // twelve hours and a minute on
            let deliverer = WebhookDeliverer(
                pool: pool, settings: .init(url: receiver.url, secret: String(repeating: "s", count: 20)),
                clock: { later })
            #expect(try await deliverer.deliverOnce() == .init(delivered: 0, failed: 0))
            #expect(receiver.requests.isEmpty)
            await pool.shutdown()
        }
    }
}
