import APDomain
import APWire
import Civil
import Foundation
import PGDriver

/// Occupancy per premises and night, in one set-based statement.
public enum OccupancyStore {
    /// A placement's stay: for upcoming ones the expected dates; from arrival on, the actual arrival date
    /// (local to the premises); an arrived resident still here past the expected departure stays
    /// counted up to `today`; a departed one up to the departure date. Cancelled and non-arrival
    /// placements stay nowhere. Each count is a running sum of +1/-1 events over the nights, so the
    /// statement costs in proportion to placements and nights, not their product. A stay that ended before
    /// the first night adds nothing; the bound on `departed_at` (a day early, for any zone) lets the index
    /// `placements_departed` leave those out, so the cost does not grow with the years of history.
    public static let sql = """
        WITH bounds AS (SELECT $2::date AS lo, $3::date AS hi, $4::date AS today),
        nights AS (
            SELECT p.id AS premises_id, d::date AS night
            FROM premises p, bounds, generate_series(bounds.lo, bounds.hi - 1, interval '1 day') AS d
            WHERE p.id = ANY($1)
        ),
        stays AS (
            SELECT pl.premises_id,
                   CASE WHEN pl.status = 'upcoming' THEN pl.expected_arrival ELSE (pl.arrived_at AT TIME ZONE
                       p.time_zone)::date END AS arrive,
                   CASE pl.status WHEN 'departed' THEN (pl.departed_at AT TIME ZONE p.time_zone)::date
                                  WHEN 'arrived' THEN greatest(pl.expected_departure, bounds.today + 1)
                                  ELSE pl.expected_departure END AS depart
            FROM placements pl JOIN premises p ON p.id = pl.premises_id, bounds
            WHERE pl.premises_id = ANY($1)
              AND (pl.status IN ('upcoming', 'arrived')
                   OR pl.status = 'departed' AND pl.departed_at >= ($2::date - 1)::timestamp AT TIME ZONE 'UTC')
        ),
        open_beds AS (
            SELECT b.id, b.premises_id, b.opened_on, coalesce(b.closed_on, 'infinity'::date) AS closed_on
            FROM beds b WHERE b.premises_id = ANY($1)
        ),
        outages AS (
            SELECT b.premises_id, greatest(lower(o.nights), b.opened_on) AS s, least(upper(o.nights), b.closed_on) AS e
            FROM out_of_service_periods o JOIN open_beds b ON b.id = o.bed_id WHERE o.withdrawn_at IS NULL
        ),
        events (premises_id, night, occ, beds, oos, arr, dep) AS (
            SELECT premises_id, greatest(arrive, lo), 1, 0, 0, 0, 0 FROM stays, bounds WHERE arrive < hi AND depart >
                lo AND arrive < depart
            UNION ALL SELECT premises_id, depart, -1, 0, 0, 0, 0 FROM stays, bounds WHERE arrive < hi AND depart > lo
                AND depart < hi AND arrive < depart
            UNION ALL SELECT premises_id, arrive, 0, 0, 0, 1, 0 FROM stays, bounds WHERE arrive >= lo AND arrive < hi
            UNION ALL SELECT premises_id, depart, 0, 0, 0, 0, 1 FROM stays, bounds WHERE depart >= lo AND depart < hi
            UNION ALL SELECT premises_id, greatest(opened_on, lo), 0, 1, 0, 0, 0 FROM open_beds, bounds WHERE opened_on
                < hi AND closed_on > lo
            UNION ALL SELECT premises_id, closed_on, 0, -1, 0, 0, 0 FROM open_beds, bounds WHERE opened_on < hi AND
                closed_on > lo AND closed_on < hi
            UNION ALL SELECT premises_id, greatest(s, lo), 0, 0, 1, 0, 0 FROM outages, bounds WHERE s < e AND s < hi
                AND e > lo
            UNION ALL SELECT premises_id, e, 0, 0, -1, 0, 0 FROM outages, bounds WHERE s < e AND s < hi AND e > lo AND
                e < hi
        ),
        daily AS (
            SELECT premises_id, night, sum(occ) AS occ, sum(beds) AS beds, sum(oos) AS oos, sum(arr) AS arr, sum(dep)
                AS dep
            FROM events GROUP BY premises_id, night
        )
        SELECT n.premises_id, n.night,
               (sum(coalesce(d.beds, 0)) OVER w)::int8 AS beds,
               (sum(coalesce(d.oos, 0)) OVER w)::int8 AS out_of_service,
               (sum(coalesce(d.occ, 0)) OVER w)::int8 AS occupied,
               coalesce(d.arr, 0)::int8 AS arrivals,
               coalesce(d.dep, 0)::int8 AS departures
        FROM nights n LEFT JOIN daily d ON d.premises_id = n.premises_id AND d.night = n.night
        WINDOW w AS (PARTITION BY n.premises_id ORDER BY n.night)
        ORDER BY n.premises_id, n.night
        """

    /// Per premises, one entry per night of `nights`, in order. `today` is the premises' local date now
    /// (passed in, so the answer does not depend on the server's clock).
    public static func occupancy(_ c: PGConnection, premisesIds: [UUID], nights: Nights, today: LocalDate) throws
        -> [UUID: [OccupancyNight]]
    {
        var out: [UUID: [OccupancyNight]] = [:]
        for row in try c.query(sql, [premisesIds, nights.from, nights.to, today]) {
            out[try row.decode(0, as: UUID.self), default: []].append(
                OccupancyNight(
                    night: try row.decode(1), beds: try row.decode(2), outOfService: try row.decode(3),
                    occupied: try row.decode(4),
                    arrivals: try row.decode(5), departures: try row.decode(6)))
        }
        return out
    }
}
