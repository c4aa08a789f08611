import APDomain
import APStore
import APWire
import Civil
import Foundation
import PGDriver
import TestDatabase
import Testing

/// The scenarios, each a small story of movements with the exact alerts expected.
/// Premises baseline 23:00 to 06:00 Europe/London; grace 15 minutes.
@Suite struct CurfewCheckStoreTests {
    func at(_ s: String) -> Date { try! Date(s, strategy: .iso8601) }

    /// Arrives a resident days before, records the moves (each at its own time), checks the night the
    /// next morning, and returns the kinds raised.
    func story(
        night: String, arrived: String = "2026-01-01T12:00:00Z", moves: [(MovementKind, String)],
        extra: NewCondition? = nil,
        absence: DateInterval? = nil, depart: String? = nil, checkAt: String? = nil,
        setup: (@Sendable (PGConnection, Premises, Resident, Placement, Actor) throws -> Void)? = nil
    ) async throws -> [AlertKind] {
        try await TestDatabase.withFresh { config in
            try await TestDatabase.withConnection(config) { c in
                let (p, r, stay, staff) = try Fixture(c: c).arrivedResident(arrivedAt: at(arrived))
                if let extra { _ = try ConditionStore.add(c, actor: staff, residentId: r.id, extra) }
                if let absence {
                    _ = try ConditionStore.addAbsence(
                        c, actor: staff, residentId: r.id, during: absence, reason: "approved stay", approvedBy: "PP",
                        role: "Probation practitioner")
                }
                for (kind, time) in moves {
                    _ = try MovementStore.record(
                        c, actor: staff, premisesId: p.id, .init(residentId: r.id, kind: kind), now: at(time))
                }
                if let depart {
                    _ = try PlacementStore.depart(
                        c, id: stay.id, at: at(depart), reason: .plannedMoveOn, now: at(depart))
                }
                try setup?(c, p, r, stay, staff)
                let d = LocalDate(night)!
                let outcome = try CurfewCheckStore.check(
                    c, premisesId: p.id, night: d, now: at(checkAt ?? "\(d.adding(days: 1))T12:00:00Z"))
                return outcome.raised.map(\.kind)
            }
        }
    }

    @Test func outBeforeCurfewAndBackInTime() async throws {
        #expect(
            try await story(
                night: "2026-01-15", moves: [(.out, "2026-01-15T19:00:00Z"), (.in, "2026-01-15T22:50:00Z")]) == [])
    }

    @Test func backOneMinuteAfterGrace() async throws {
        #expect(
            try await story(
                night: "2026-01-15", moves: [(.out, "2026-01-15T19:00:00Z"), (.in, "2026-01-15T23:16:00Z")]) == [
                    .lateReturn
                ])
        #expect(
            try await story(
                night: "2026-01-15", moves: [(.out, "2026-01-15T19:00:00Z"), (.in, "2026-01-15T23:15:00Z")]) == [])
    }

    @Test func outAllNight() async throws {
        #expect(
            try await story(night: "2026-01-15", moves: [(.out, "2026-01-15T19:00:00Z")]) == [
                .absentOvernight, .lateReturn,
            ])
    }

    @Test func outDuringAWindowThatCrossesMidnight() async throws {
        #expect(
            try await story(
                night: "2026-01-15", moves: [(.out, "2026-01-16T01:10:00Z"), (.in, "2026-01-16T02:00:00Z")]) == [
                    .leftDuringCurfew
                ])
    }

    @Test func anExtraLicenceCurfewEarlierThanTheBaseline() async throws {
        let extra = NewCondition(
            kind: .curfew, source: .licence, startsOn: LocalDate("2026-01-01")!,
            curfew: CurfewDetails(windows: [CurfewWindow(start: LocalTime("21:00")!, end: LocalTime("07:00")!)!]))
        let moves: [(MovementKind, String)] = [(.out, "2026-01-15T20:00:00Z"), (.in, "2026-01-15T22:00:00Z")]
        #expect(try await story(night: "2026-01-15", moves: moves, extra: extra) == [.lateReturn])
        #expect(try await story(night: "2026-01-15", moves: moves) == [])  // the same evening without the condition
    }

    @Test func anAuthorisedOvernightAbsence() async throws {
        let away = DateInterval(start: at("2026-01-15T17:00:00Z"), end: at("2026-01-16T12:00:00Z"))
        #expect(
            try await story(
                night: "2026-01-15", moves: [(.out, "2026-01-15T18:00:00Z"), (.in, "2026-01-16T11:00:00Z")],
                absence: away) == [])
    }

    @Test func arrivalAfterCurfewStartOnArrivalDay() async throws {
        #expect(try await story(night: "2026-01-15", arrived: "2026-01-15T23:40:00Z", moves: []) == [])
    }

    @Test func departureInTheAfternoon() async throws {
        #expect(
            try await story(
                night: "2026-01-15", moves: [(.out, "2026-01-15T13:00:00Z")], depart: "2026-01-15T15:00:00Z") == [])
    }

    @Test func aVoidedMistakenSignOutRaisesNothingOrIsResolved() async throws {
        // Voided before the check: nothing.
        let none = try await story(night: "2026-01-15", moves: [(.out, "2026-01-15T22:00:00Z")]) {
            c, p, r, stay, staff in
            let mistaken = try MovementStore.history(c, placementId: stay.id).last!
            _ = try MovementStore.void(
                c, actor: staff, movementId: mistaken.id, reason: "wrong resident", now: self.at("2026-01-15T22:30:00Z")
            )
        }
        #expect(none == [])
        // Voided after the alerts were raised: the next run resolves them, with the reason, and deletes nothing.
        try await TestDatabase.withFresh { config in
            try await TestDatabase.withConnection(config) { c in
                let (p, r, stay, staff) = try Fixture(c: c).arrivedResident(arrivedAt: at("2026-01-01T12:00:00Z"))
                let out = try MovementStore.record(
                    c, actor: staff, premisesId: p.id, .init(residentId: r.id, kind: .out),
                    now: at("2026-01-15T22:00:00Z"))
                let night = LocalDate("2026-01-15")!
                #expect(
                    try CurfewCheckStore.check(c, premisesId: p.id, night: night, now: at("2026-01-16T12:00:00Z"))
                        .raised.count == 2)
                _ = try MovementStore.void(
                    c, actor: staff, movementId: out.id, reason: "signed out the wrong resident",
                    now: at("2026-01-16T12:05:00Z"))
                let rerun = try CurfewCheckStore.check(
                    c, premisesId: p.id, night: night, now: at("2026-01-16T12:10:00Z"))
                #expect(rerun.raised.isEmpty && rerun.resolved == 2)
                let alerts = try AlertStore.list(c, premisesId: p.id, since: night)
                // The staff member's name is the fixture's; the times are the premises' (London, GMT in January).
                let name = try c.query("SELECT name FROM staff WHERE id = $1", [staff.staffId!])[0].decode(
                    "name", as: String.self)
                let reason =
                    "the corrected record no longer shows this breach: sign-out of 15 Jan 22:00 voided at 16 Jan "
                    + "12:05 by \(name): signed out the wrong resident"
                #expect(alerts.count == 2)
                #expect(alerts.map(\.resolvedReason) == [reason, reason])
                _ = stay
            }
        }
    }

    /// On the spring-forward night the curfew ends at 05:00 UTC (06:00 BST): back at 05:30 UTC is too late.
    /// Counting seven hours from 23:00 would say otherwise.
    @Test func springForwardNight() async throws {
        #expect(
            try await story(
                night: "2026-03-28", moves: [(.out, "2026-03-28T22:00:00Z"), (.in, "2026-03-29T05:30:00Z")]) == [
                    .absentOvernight, .lateReturn,
                ])
    }

    /// On the fall-back night the curfew runs from 22:00 UTC (23:00 BST) to 06:00 UTC: back at 05:30 UTC is in time.
    @Test func fallBackNight() async throws {
        #expect(
            try await story(
                night: "2026-10-24", moves: [(.out, "2026-10-24T20:00:00Z"), (.in, "2026-10-25T05:30:00Z")]) == [
                    .lateReturn
                ])
        #expect(
            try await story(
                night: "2026-10-24", moves: [(.out, "2026-10-24T20:00:00Z"), (.in, "2026-10-24T22:10:00Z")]) == [])
    }

    @Test func onlyWhatHasHappenedByTheTimeOfTheCheck() async throws {
        #expect(
            try await story(
                night: "2026-01-15", moves: [(.out, "2026-01-15T19:00:00Z")], checkAt: "2026-01-15T23:30:00Z") == [
                    .lateReturn
                ])
    }

    /// Twice, or by several workers at once: each alert exactly once, escalated where the risk is high,
    /// and announced on the alerts channel.
    @Test func idempotentConcurrentEscalatedAndNotified() async throws {
        try await TestDatabase.withFresh { config in
            let (p, staff, residents) = try await TestDatabase.withConnection(config) { c in
                let f = Fixture(c: c)
                let premises = try f.premises(beds: Dictionary(uniqueKeysWithValues: (1...6).map { ("B\($0)", []) }))
                var residents: [UUID] = []
                var actor = Actor.system
                for i in 1...6 {
                    let (_, r, _, a) = try f.arrivedResident(
                        arrivedAt: at("2026-01-01T12:00:00Z"), premises: premises, bed: "B\(i)")
                    residents.append(r.id)
                    actor = a
                    _ = try MovementStore.record(
                        c, actor: a, premisesId: premises.0.id, .init(residentId: r.id, kind: .out),
                        now: at("2026-01-15T20:00:00Z"))
                }
                return (premises.0, actor, residents)
            }
            let listener = try PGListener(config, channels: [CurfewCheckStore.channel])
            var events = listener.events.makeAsyncIterator()
            #expect(await events.next() == .listening)

            let pool = PGPool(config, options: .init(maxConnections: 3))
            let night = LocalDate("2026-01-15")!
            let counts = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<3 {
                    group.addTask {
                        try await pool.withConnection {
                            try CurfewCheckStore.check(
                                $0, premisesId: p.id, night: night, now: self.at("2026-01-16T12:00:00Z")
                            ).raised.count
                        }
                    }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }.sorted()
            }
            #expect(counts == [0, 0, 12])  // six residents out all night: late return and absent overnight each
            let again = try await pool.withConnection {
                try CurfewCheckStore.check($0, premisesId: p.id, night: night, now: self.at("2026-01-16T13:00:00Z"))
            }
            #expect(again.raised.isEmpty && again.residents == 6)
            let alerts = try await pool.withConnection { try AlertStore.list($0, premisesId: p.id, since: night) }
            #expect(alerts.count == 12)
            #expect(alerts.filter(\.escalate).map(\.kind) == Array(repeating: .absentOvernight, count: 6))  // RoSH high
            #expect(Set(alerts.map(\.residentId)) == Set(residents))
            var notified = Set<String>()
            while notified.count < 12, case .notification(let n)? = await events.next() { notified.insert(n.payload) }
            #expect(notified == Set(alerts.map { $0.id.uuidString.lowercased() }))
            await listener.stop()
            await pool.shutdown()
            _ = staff
        }
    }
}

/// A worker's pass checks many premises' nights in one batch: each gets exactly its own alerts.
@Suite struct CurfewCheckBatchTests {
    func at(_ s: String) -> Date { try! Date(s, strategy: .iso8601) }

    @Test func aBatchRaisesWhatEachNightAloneWould() async throws {
        try await TestDatabase.withFresh { config in
            try await TestDatabase.withConnection(config) { c in
                let f = Fixture(c: c)
                // At A: out on the 15th at 20:00, back at noon on the 16th (late return and absent overnight
                // on the 15th, nothing on the 16th). At B: back at 23:30 on the 16th (late return), nothing on the
                // 15th.
                let (a, ra, _, sa) = try f.arrivedResident(arrivedAt: at("2026-01-01T12:00:00Z"))
                let (b, rb, _, sb) = try f.arrivedResident(arrivedAt: at("2026-01-01T12:00:00Z"))
                _ = try MovementStore.record(
                    c, actor: sa, premisesId: a.id, .init(residentId: ra.id, kind: .out),
                    now: at("2026-01-15T20:00:00Z"))
                _ = try MovementStore.record(
                    c, actor: sa, premisesId: a.id, .init(residentId: ra.id, kind: .in), now: at("2026-01-16T12:00:00Z")
                )
                _ = try MovementStore.record(
                    c, actor: sb, premisesId: b.id, .init(residentId: rb.id, kind: .out),
                    now: at("2026-01-16T22:00:00Z"))
                _ = try MovementStore.record(
                    c, actor: sb, premisesId: b.id, .init(residentId: rb.id, kind: .in), now: at("2026-01-16T23:30:00Z")
                )

                let fifteenth = LocalDate("2026-01-15")!
                let sixteenth = LocalDate("2026-01-16")!
                let nights = [
                    CurfewCheckStore.Night(premisesId: a.id, night: fifteenth),
                    .init(premisesId: b.id, night: sixteenth),
                    .init(premisesId: a.id, night: sixteenth), .init(premisesId: b.id, night: fifteenth),
                ]
                let outcomes = try CurfewCheckStore.check(c, nights, now: at("2026-01-18T12:00:00Z"))
                #expect(
                    outcomes.map { $0.raised.map(\.kind) } == [[.absentOvernight, .lateReturn], [.lateReturn], [], []])
                #expect(outcomes.map(\.residents) == [1, 1, 1, 1])
                #expect(
                    outcomes[0].raised.allSatisfy {
                        $0.premisesId == a.id && $0.night == fifteenth && $0.residentId == ra.id
                    })
                #expect(
                    outcomes[1].raised.allSatisfy {
                        $0.premisesId == b.id && $0.night == sixteenth && $0.residentId == rb.id
                    })
                // Alone, or in the batch again: nothing more.
                #expect(
                    try CurfewCheckStore.check(c, premisesId: b.id, night: sixteenth, now: at("2026-01-18T13:00:00Z"))
                        .raised.isEmpty)
                #expect(
                    try CurfewCheckStore.check(c, nights, now: at("2026-01-18T13:00:00Z")).allSatisfy(\.raised.isEmpty))
                #expect(try AlertStore.list(c, premisesId: a.id, since: fifteenth).count == 2)
                #expect(try AlertStore.list(c, premisesId: b.id, since: fifteenth).count == 1)
            }
        }
    }
}

@Suite struct MissedReportingTests {
    func at(_ s: String) -> Date { try! Date(s, strategy: .iso8601) }

    @Test func aMissedReportingTimeRaisesOneAlert() async throws {
        try await TestDatabase.withFresh { config in
            try await TestDatabase.withConnection(config) { c in
                let (p, r, _, staff) = try Fixture(c: c).arrivedResident(arrivedAt: at("2026-01-01T12:00:00Z"))
                _ = try ConditionStore.add(
                    c, actor: staff, residentId: r.id,
                    NewCondition(
                        kind: .reporting, source: .licence, startsOn: LocalDate("2026-01-01")!,
                        wording: "Report to staff at 18:00 and 10:00",
                        reporting: ReportingDetails(times: [LocalTime("18:00")!, LocalTime("10:00")!])))
                // The 15th: reports at 18:05 only (10:00 next morning missed). The 16th: both kept.
                try ReportStore.record(
                    c, actor: staff, premisesId: p.id, residentId: r.id, now: at("2026-01-15T18:05:00Z"))
                try ReportStore.record(
                    c, actor: staff, premisesId: p.id, residentId: r.id, now: at("2026-01-16T18:00:00Z"))
                try ReportStore.record(
                    c, actor: staff, premisesId: p.id, residentId: r.id, now: at("2026-01-17T09:50:00Z"))
                let fifteenth = try CurfewCheckStore.check(
                    c, premisesId: p.id, night: LocalDate("2026-01-15")!, now: at("2026-01-18T12:00:00Z"))
                #expect(fifteenth.raised.map(\.kind) == [.missedReporting])
                let sixteenth = try CurfewCheckStore.check(
                    c, premisesId: p.id, night: LocalDate("2026-01-16")!, now: at("2026-01-18T12:00:00Z"))
                #expect(sixteenth.raised.isEmpty)
                #expect(pgError { try c.query("DELETE FROM reports") }?.constraint == "reports_append_only")
                let elsewhere = try Fixture(c: c).resident()
                #expect(
                    storeError {
                        try ReportStore.record(
                            c, actor: staff, premisesId: p.id, residentId: elsewhere.id, now: at("2026-01-16T18:00:00Z")
                        )
                    }?.code == "not-staying-here")
            }
        }
    }
}
