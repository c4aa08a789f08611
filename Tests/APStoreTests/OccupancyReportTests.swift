import APDomain
import APStore
import APWire
import Civil
import Foundation
import PGDriver
import TestDatabase
import Testing

/// Every figure of the report against answers worked out by hand for a small fixed dataset: three
/// beds, one out of service for two nights, a bed move, an overbooked night, a departure on the
/// first day of the range.
@Suite struct OccupancyReportTests {
    static let zone = TimeZone(identifier: "Europe/London")!
    static func at(_ day: Int, _ hour: Int, month: Int = 3) -> Date {
        Zone.instant(Fixture.d(day, month: month), LocalTime(hour: hour, minute: 0)!, in: zone)
    }

    /// Nights 1 to 7 March 2026 (to the morning of the 8th). Hand-worked:
    ///   night     1  2  3  4  5  6  7
    ///   beds      3  3  3  3  3  3  3
    ///   oos       0  1  1  0  0  0  0    (bed 2A, planned refurbishment, nights 2 and 3)
    ///   available 3  2  2  3  3  3  3    = 19
    ///   occupied  1  2  2  2  3  4  3    = 17   (P1 1-5; P2 2-; P3 5-; P4 6-; P5 6 only)
    ///   free      2  0  0  1  0  0  0    = 3 voids;  night 6 overbooked by 1
    ///   arrivals  1  1  0  0  1  2  0    = 5
    ///   departures 1 0  0  0  0  1  1    = 3   (P0 on the 1st, P1 on the 6th, P5 on the 7th)
    /// Length of stay of those departures: 4, 5 and 1 nights: 10/3. Alerts in range 2 (one outside, one
    /// missed reporting not counted): 2 x 100 / 17. Incidents 1 (one outside): 1000 / 17.
    static func world(_ c: PGConnection) throws -> UUID {
        let f = Fixture(c: c)
        let now = at(20, 12)
        let (p, beds) = try f.premises()
        let stay = { (from: LocalDate, to: LocalDate) in try f.placement(p, Nights(from: from, to: to)!) }
        let d = { (day: Int) in Fixture.d(day) }
        let p0 = try stay(Fixture.d(25, month: 2), d(1))
        _ = try BedStore.allocate(c, placementId: p0.id, bedId: beds["1A"]!.id, nights: p0.nightsExpected)
        _ = try PlacementStore.arrive(c, id: p0.id, at: at(25, 14, month: 2), now: now)
        _ = try PlacementStore.depart(c, id: p0.id, at: at(1, 10), reason: .plannedMoveOn, now: now)

        let p1 = try stay(d(1), d(6))
        _ = try BedStore.allocate(c, placementId: p1.id, bedId: beds["1A"]!.id, nights: p1.nightsExpected)
        _ = try PlacementStore.arrive(c, id: p1.id, at: at(1, 15), now: now)
        _ = try BedStore.move(c, placementId: p1.id, toBed: beds["1B"]!.id, from: d(3))
        _ = try PlacementStore.depart(c, id: p1.id, at: at(6, 10), reason: .breachRecallCurfew, now: now)

        _ = try BedStore.putOutOfService(
            c, bedId: beds["2A"]!.id, nights: Fixture.nights(2, 4), reason: .plannedRefurbishment)

        let p2 = try stay(d(2), d(9))  // no bed: the overbooked one
        _ = try PlacementStore.arrive(c, id: p2.id, at: at(2, 16), now: now)
        let p3 = try stay(d(5), d(12))
        _ = try BedStore.allocate(c, placementId: p3.id, bedId: beds["1A"]!.id, nights: p3.nightsExpected)
        _ = try PlacementStore.arrive(c, id: p3.id, at: at(5, 14), now: now)
        _ = try PlacementStore.depart(c, id: p3.id, at: at(10, 10), reason: .plannedMoveOn, now: now)
        let p4 = try stay(d(6), d(15))
        _ = try BedStore.allocate(c, placementId: p4.id, bedId: beds["2A"]!.id, nights: p4.nightsExpected)
        _ = try PlacementStore.arrive(c, id: p4.id, at: at(6, 14), now: now)
        let p5 = try stay(d(6), d(9))
        _ = try PlacementStore.arrive(c, id: p5.id, at: at(6, 18), now: now)
        _ = try PlacementStore.depart(c, id: p5.id, at: at(7, 9), reason: .absconded, now: now)

        for (night, kind) in [
            (2, AlertKind.lateReturn), (5, .absentOvernight), (8, .lateReturn), (3, .missedReporting),
        ] {
            _ = try AlertStore.raise(
                c, actor: .worker(), placementId: p2.id, night: d(night), kind: kind, evidence: [], escalate: false)
        }
        for occurred in [at(3, 12), at(9, 12)] {
            _ = try IncidentStore.report(
                c, actor: .system, premisesId: p.id,
                IncidentDraft(
                    occurredAt: occurred, category: .threats, severity: .low,
                    description: "d"), now: now)
        }
        return p.id
    }

    @Test func everyFigureMatchesTheHandWorkedAnswer() async throws {
        try await TestDatabase.withFresh { config in
            let report = try await TestDatabase.withConnection(config) { c in
                let id = try Self.world(c)
                return try OccupancyReportStore.reports(
                    c, premisesIds: [id], nights: Fixture.nights(1, 8), today: Fixture.d(20))[0]
            }
            let n = report.daily.map(\.occupancy)
            #expect(n.map(\.night) == (1...7).map { Fixture.d($0) })
            #expect(n.map(\.beds) == [3, 3, 3, 3, 3, 3, 3])
            #expect(n.map(\.outOfService) == [0, 1, 1, 0, 0, 0, 0])
            #expect(n.map(\.available) == [3, 2, 2, 3, 3, 3, 3])
            #expect(n.map(\.occupied) == [1, 2, 2, 2, 3, 4, 3])
            #expect(n.map(\.free) == [2, 0, 0, 1, 0, 0, 0])
            #expect(n.map(\.overbookedBy) == [0, 0, 0, 0, 0, 1, 0])
            #expect(n.map(\.arrivals) == [1, 1, 0, 0, 1, 2, 0])
            #expect(n.map(\.departures) == [1, 0, 0, 0, 0, 1, 1])
            #expect(
                report.daily.map { $0.outOfServiceByReason["planned_refurbishment"] ?? 0 } == [0, 1, 1, 0, 0, 0, 0])
            let t = report.totals
            #expect(
                t.nights == 7 && t.bedNightsAvailable == 19 && t.bedNightsOccupied == 17 && t.voids == 3
                    && t.overbookedNights == 1)
            #expect(t.arrivals == 5 && t.departures == 3)
            #expect(abs((t.occupancyRate ?? 0) - 17.0 / 19.0) < 1e-9)
            #expect(abs((report.averageLengthOfStay ?? 0) - 10.0 / 3.0) < 1e-9)
            #expect(report.departuresByReason == ["planned_move_on": 1, "breach_recall_curfew": 1, "absconded": 1])
            #expect(
                report.curfewAlerts == 2 && abs((report.curfewAlertsPer100ResidentNights ?? 0) - 200.0 / 17.0) < 1e-9)
            #expect(report.incidents == 1 && abs((report.incidentsPer1000BedNights ?? 0) - 1000.0 / 17.0) < 1e-9)
        }
    }

    @Test func theForecastFindsTheFirstFullNight() async throws {
        try await TestDatabase.withFresh { config in
            let forecast = try await TestDatabase.withConnection(config) { c in
                let id = try Self.world(c)
                // From the 1st, as if it were today: the 6th is the first night every available bed is taken... but
                // the 2nd and 3rd are already full (two beds available, two staying).
                return try OccupancyReportStore.forecast(c, premisesIds: [id], today: Fixture.d(1), days: 10)[0]
            }
            #expect(forecast.nights.count == 10)
            #expect(forecast.firstFullNight == Fixture.d(2))
        }
    }

    /// The month is the premises' local dates, though the statements bound the instants to use their indexes:
    /// in June (UTC+1) a departure and an incident at 00:30 on the 1st happened on 31 May in UTC, and count;
    /// the same on the 8th, the first morning after the nights asked for, do not.
    @Test func theEdgesOfTheNightsAreLocalDates() async throws {
        try await TestDatabase.withFresh { config in
            let report = try await TestDatabase.withConnection(config) { c in
                let f = Fixture(c: c)
                let now = Self.at(20, 12, month: 6)
                let (p, _) = try f.premises()
                let june = { (day: Int) in Fixture.d(day, month: 6) }
                for (arrive, depart) in [(Fixture.d(25, month: 5), 1), (june(2), 8)] {
                    let stay = try f.placement(p, Nights(from: arrive, to: june(depart))!)
                    _ = try PlacementStore.arrive(
                        c, id: stay.id, at: Zone.instant(arrive, LocalTime(hour: 14, minute: 0)!, in: Self.zone),
                        now: now)
                    _ = try PlacementStore.depart(
                        c, id: stay.id, at: Zone.instant(june(depart), LocalTime(hour: 0, minute: 30)!, in: Self.zone),
                        reason: .plannedMoveOn, now: now)
                }
                for day in [1, 8] {
                    _ = try IncidentStore.report(
                        c, actor: .system, premisesId: p.id,
                        IncidentDraft(
                            occurredAt: Zone.instant(june(day), LocalTime(hour: 0, minute: 30)!, in: Self.zone),
                            category: .threats, severity: .low, description: "d"), now: now)
                }
                return try OccupancyReportStore.reports(
                    c, premisesIds: [p.id], nights: Nights(from: june(1), to: june(8))!, today: june(20))[0]
            }
            #expect(report.totals.departures == 1 && report.daily.first?.occupancy.departures == 1)
            #expect(report.departuresByReason == ["planned_move_on": 1])
            #expect(report.incidents == 1)
        }
    }

    @Test func totalsOfSeveralPremisesAreSummedPerPremises() {
        let d = Fixture.d(1)
        let full = OccupancyNight(night: d, beds: 2, outOfService: 0, occupied: 3, arrivals: 0, departures: 0)
        let empty = OccupancyNight(night: d, beds: 2, outOfService: 0, occupied: 0, arrivals: 0, departures: 0)
        let sum = OccupancyTotals(summing: [OccupancyTotals([full]), OccupancyTotals([empty])])
        // Adding the nights first would show 3 of 4 beds taken and no overbooking.
        #expect(
            sum.voids == 2 && sum.overbookedNights == 1 && sum.bedNightsOccupied == 3 && sum.bedNightsAvailable == 4)
        #expect(OccupancyTotals.rate(1, per: 100, of: 0) == nil)
    }
}

extension Placement {
    var nightsExpected: Nights { Nights(from: expectedArrival, to: expectedDeparture)! }
}
