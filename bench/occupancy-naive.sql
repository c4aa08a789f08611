-- Occupancy per premises and night written the obvious way, as a baseline for the store's statement:
-- one correlated count per figure, premises and night. Parameters as psql variables lo, hi, today.
SELECT p.id AS premises_id, d::date AS night,
  (SELECT count(*) FROM beds b WHERE b.premises_id = p.id AND b.opened_on <= d::date AND (b.closed_on IS NULL OR b.closed_on > d::date)) AS beds,
  (SELECT count(*) FROM out_of_service_periods o JOIN beds b ON b.id = o.bed_id
    WHERE b.premises_id = p.id AND o.withdrawn_at IS NULL AND o.nights @> d::date
      AND b.opened_on <= d::date AND (b.closed_on IS NULL OR b.closed_on > d::date)) AS out_of_service,
  (SELECT count(*) FROM placements pl
    WHERE pl.premises_id = p.id AND pl.status IN ('upcoming', 'arrived', 'departed')
      AND (CASE WHEN pl.status = 'upcoming' THEN pl.expected_arrival ELSE (pl.arrived_at AT TIME ZONE p.time_zone)::date END) <= d::date
      AND d::date < (CASE pl.status WHEN 'departed' THEN (pl.departed_at AT TIME ZONE p.time_zone)::date
                                    WHEN 'arrived' THEN greatest(pl.expected_departure, :'today'::date + 1)
                                    ELSE pl.expected_departure END)) AS occupied,
  (SELECT count(*) FROM placements pl
    WHERE pl.premises_id = p.id AND pl.status IN ('upcoming', 'arrived', 'departed')
      AND (CASE WHEN pl.status = 'upcoming' THEN pl.expected_arrival ELSE (pl.arrived_at AT TIME ZONE p.time_zone)::date END) = d::date) AS arrivals,
  (SELECT count(*) FROM placements pl
    WHERE pl.premises_id = p.id AND pl.status IN ('upcoming', 'arrived', 'departed')
      AND (CASE pl.status WHEN 'departed' THEN (pl.departed_at AT TIME ZONE p.time_zone)::date
                          WHEN 'arrived' THEN greatest(pl.expected_departure, :'today'::date + 1)
                          ELSE pl.expected_departure END) = d::date) AS departures
FROM premises p, generate_series(:'lo'::date, :'hi'::date - 1, interval '1 day') AS d
ORDER BY p.id, night
