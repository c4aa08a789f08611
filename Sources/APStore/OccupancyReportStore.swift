import APDomain
import APWire
import Civil
import Foundation
import PGDriver

public enum OccupancyReportStore {
    public static func reports(_ c: PGConnection, premisesIds: [UUID], nights: Nights, today: LocalDate) throws
        -> [OccupancyReport]
    {
        let occupancy = try OccupancyStore.occupancy(c, premisesIds: premisesIds, nights: nights, today: today)
        let r = try c.pipeline(statements(premisesIds: premisesIds, nights: nights))
        var oos: [UUID: [LocalDate: [String: Int]]] = [:]
        for row in r[1] {
            oos[try row.decode("premises_id"), default: [:]][try row.decode("night"), default: [:]][
                try row.decode("reason")] = try row.decode("beds")
        }
        var stays: [UUID: [Int]] = [:]
        var reasons: [UUID: [String: Int]] = [:]
        for row in r[2] {
            let id: UUID = try row.decode("premises_id")
            stays[id, default: []].append(try row.decode("stayed"))
            reasons[id, default: [:]][try row.decode("departure_reason", as: String?.self) ?? "unknown", default: 0] +=
                1
        }
        let alerts = Dictionary(
            uniqueKeysWithValues: try r[3].map {
                (try $0.decode("premises_id", as: UUID.self), try $0.decode("n", as: Int.self))
            })
        let incidents = Dictionary(
            uniqueKeysWithValues: try r[4].map {
                (try $0.decode("premises_id", as: UUID.self), try $0.decode("n", as: Int.self))
            })
        return try r[0].map { row in
            let id: UUID = try row.decode("id")
            let days = occupancy[id] ?? []
            let totals = OccupancyTotals(days)
            let los = stays[id].map { Double($0.reduce(0, +)) / Double($0.count) }
            return OccupancyReport(
                premisesId: id, code: try row.decode("code"), name: try row.decode("name"), nights: nights,
                daily: days.map {
                    OccupancyReportNight(occupancy: $0, outOfServiceByReason: oos[id]?[$0.night] ?? [:])
                }, totals: totals,
                averageLengthOfStay: los, departuresByReason: reasons[id] ?? [:],
                curfewAlerts: alerts[id] ?? 0,
                curfewAlertsPer100ResidentNights: OccupancyTotals.rate(
                    alerts[id] ?? 0, per: 100, of: totals.bedNightsOccupied),
                incidents: incidents[id] ?? 0,
                incidentsPer1000BedNights: OccupancyTotals.rate(
                    incidents[id] ?? 0, per: 1000, of: totals.bedNightsOccupied))
        }.sorted { $0.code < $1.code }
    }

    /// The report's statements after the occupancy query, sent as one pipeline: one round trip
    /// whatever the number of premises. (Public for the benchmark, which runs them through pgbench.)
    public static func statements(premisesIds: [UUID], nights: Nights) -> [PGStatement] {
        let params: [any PGEncodable] = [premisesIds, nights.from, nights.to]
        return [
            PGStatement("SELECT id, code, name FROM premises WHERE id = ANY($1)", [premisesIds]),
            PGStatement(
                """
                SELECT b.premises_id, n.night::date AS night, o.reason, count(*)::int8 AS beds
                FROM generate_series($2::date, $3::date - 1, interval '1 day') AS n(night)
                JOIN out_of_service_periods o ON o.withdrawn_at IS NULL AND o.nights @> n.night::date
                JOIN beds b ON b.id = o.bed_id AND b.premises_id = ANY($1)
                  AND b.opened_on <= n.night::date AND (b.closed_on IS NULL OR b.closed_on > n.night::date)
                GROUP BY 1, 2, 3
                """, params),
            // Departures in the period, by the premises' local date, with the nights each stayed. The instants
            // are bounded a day wider than the dates (any zone's offset is less), so that the index
            // placements_departed (and incident_versions_occurred below) reads only the period's rows.
            PGStatement(
                """
                SELECT pl.premises_id, pl.departure_reason,
                       ((pl.departed_at AT TIME ZONE p.time_zone)::date - (pl.arrived_at AT TIME ZONE
                           p.time_zone)::date)::int8 AS stayed
                FROM placements pl JOIN premises p ON p.id = pl.premises_id
                WHERE pl.premises_id = ANY($1) AND pl.status = 'departed'
                  AND pl.departed_at >= ($2::date - 1)::timestamp AT TIME ZONE 'UTC'
                  AND pl.departed_at < ($3::date + 1)::timestamp AT TIME ZONE 'UTC'
                  AND (pl.departed_at AT TIME ZONE p.time_zone)::date >= $2 AND (pl.departed_at AT TIME ZONE
                      p.time_zone)::date < $3
                """, params),
            PGStatement(
                """
                SELECT premises_id, count(*)::int8 AS n FROM alerts
                WHERE premises_id = ANY($1) AND night >= $2 AND night < $3 AND kind <> 'missed_reporting' GROUP BY 1
                """, params),
            PGStatement(
                """
                SELECT v.premises_id, count(*)::int8 AS n FROM incident_versions v JOIN premises p ON p.id =
                    v.premises_id
                WHERE v.premises_id = ANY($1) AND v.version = 1
                  AND v.occurred_at >= ($2::date - 1)::timestamp AT TIME ZONE 'UTC'
                  AND v.occurred_at < ($3::date + 1)::timestamp AT TIME ZONE 'UTC'
                  AND (v.occurred_at AT TIME ZONE p.time_zone)::date >= $2 AND (v.occurred_at AT TIME ZONE
                      p.time_zone)::date < $3
                GROUP BY 1
                """, params),
        ]
    }

    public static func summary(_ c: PGConnection, premisesIds: [UUID], nights: Nights, today: LocalDate) throws
        -> OccupancySummary
    {
        let reports = try reports(c, premisesIds: premisesIds, nights: nights, today: today)
        let totals = OccupancyTotals(summing: reports.map(\.totals))
        return OccupancySummary(
            nights: nights, premises: reports, totals: totals,
            curfewAlertsPer100ResidentNights: OccupancyTotals.rate(
                reports.reduce(0) { $0 + $1.curfewAlerts }, per: 100, of: totals.bedNightsOccupied),
            incidentsPer1000BedNights: OccupancyTotals.rate(
                reports.reduce(0) { $0 + $1.incidents }, per: 1000, of: totals.bedNightsOccupied))
    }

    public static func forecast(_ c: PGConnection, premisesIds: [UUID], today: LocalDate, days: Int = 28) throws
        -> [OccupancyForecast]
    {
        let nights = Nights(from: today, to: today.adding(days: days))!
        return try OccupancyStore.occupancy(c, premisesIds: premisesIds, nights: nights, today: today)
            .map {
                OccupancyForecast(
                    premisesId: $0.key, nights: $0.value, firstFullNight: OccupancyTotals.firstFull($0.value))
            }
            .sorted { $0.premisesId.uuidString < $1.premisesId.uuidString }
    }
}
