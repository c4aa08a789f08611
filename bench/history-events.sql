-- The rest of a history like a running service's, beside the log fill_log writes (scripts/bench): curfews, the
-- worker's record of the nights it checked, alerts and their acknowledgements, and incidents. Written straight into
-- the tables with the chain, audit and event triggers off: bench data, not evidence. The rows are what the routes
-- and the worker read, in the numbers a year of a hundred premises makes.
\set ON_ERROR_STOP on
CREATE SEQUENCE IF NOT EXISTS bench_seq;
-- The day each premises' first stay began: its history starts there.
CREATE TEMP TABLE bench_first_day AS
SELECT premises_id, min(arrived_at AT TIME ZONE 'Europe/London')::date AS first_day
FROM placements GROUP BY premises_id;

-- One resident in four has a curfew (23:00 to 07:00) for the whole of their stay, as the demo gives one in four.
ALTER TABLE licence_conditions DISABLE TRIGGER USER;
INSERT INTO licence_conditions (resident_id, kind, source, starts_on, ends_on, wording, details)
SELECT p.resident_id, 'curfew', 'licence', (p.arrived_at AT TIME ZONE 'Europe/London')::date,
    (p.departed_at AT TIME ZONE 'Europe/London')::date + 1, 'Curfew 23:00 to 07:00 every night',
    '{"windows": [{"start": "23:00", "end": "07:00"}]}'
FROM placements p
WHERE p.status IN ('arrived', 'departed') AND abs(hashtext(p.id::text)) % 4 = 0;
ALTER TABLE licence_conditions ENABLE TRIGGER USER;

-- Every premises' nights, checked and reconciled at noon two days on, up to the night before last (the worker's).
INSERT INTO curfew_checks (premises_id, night, checked_at, reconciled_at)
SELECT f.premises_id, d::date, (d::date + 2 + time '12:00') AT TIME ZONE 'Europe/London',
    (d::date + 2 + time '12:00') AT TIME ZONE 'Europe/London'
FROM bench_first_day f CROSS JOIN LATERAL generate_series(f.first_day, current_date - 2, interval '1 day') AS d;

-- A late return on one curfewed night in thirty, acknowledged by the morning.
CREATE TEMP TABLE bench_alerts AS
SELECT gen_random_uuid() AS id, p.premises_id, p.resident_id, p.id AS placement_id, d::date AS night,
    (d::date + 1 + time '00:10') AT TIME ZONE 'Europe/London' AS raised_at
FROM licence_conditions c
JOIN placements p ON p.resident_id = c.resident_id AND p.status IN ('arrived', 'departed')
CROSS JOIN LATERAL generate_series(c.starts_on, least(c.ends_on, current_date) - 2, interval '1 day') AS d
WHERE c.kind = 'curfew' AND abs(hashtext(p.id::text || d::text)) % 30 = 0;
ALTER TABLE alerts DISABLE TRIGGER USER;
INSERT INTO alerts (id, premises_id, resident_id, placement_id, night, kind, raised_at)
SELECT id, premises_id, resident_id, placement_id, night, 'late_return', raised_at FROM bench_alerts;
ALTER TABLE alerts ENABLE TRIGGER USER;
ALTER TABLE alert_acknowledgements DISABLE TRIGGER USER;
INSERT INTO alert_acknowledgements (alert_id, premises_id, acknowledged_at, outcome, note, seq, prev_hash, hash)
SELECT id, premises_id, raised_at + interval '8 hours', 'returned_late', 'Returned late; spoken to',
    -nextval('bench_seq'), '', ''
FROM bench_alerts;
ALTER TABLE alert_acknowledgements ENABLE TRIGGER USER;

-- About one incident a week at each premises, naming a resident staying then, closed within the week.
CREATE TEMP TABLE bench_incidents AS
SELECT gen_random_uuid() AS id, f.premises_id,
    (d::date + time '15:00') AT TIME ZONE 'Europe/London' AS occurred_at,
    (SELECT p.resident_id FROM placements p
     WHERE p.premises_id = f.premises_id AND p.arrived_at < d AND (p.departed_at IS NULL OR p.departed_at > d)
     ORDER BY p.id LIMIT 1) AS resident_id
FROM bench_first_day f CROSS JOIN LATERAL generate_series(f.first_day + 3, current_date - 8, interval '7 days') AS d;
DELETE FROM bench_incidents WHERE resident_id IS NULL;
ALTER TABLE incidents DISABLE TRIGGER USER;
INSERT INTO incidents (id, premises_id, created_at) SELECT id, premises_id, occurred_at FROM bench_incidents;
ALTER TABLE incidents ENABLE TRIGGER USER;
ALTER TABLE incident_versions DISABLE TRIGGER USER;
INSERT INTO incident_versions (incident_id, version, premises_id, occurred_at, category, severity, status, description,
    resident_ids, edited_at, seq, prev_hash, hash)
SELECT i.id, v.version, i.premises_id, i.occurred_at, 'threats', 'medium', v.status,
    'Argument between two residents in the kitchen', ARRAY[i.resident_id], i.occurred_at + v.after,
    -nextval('bench_seq'), '', ''
FROM bench_incidents i
CROSS JOIN (VALUES (1, 'open', interval '0'), (2, 'closed', interval '3 days')) AS v(version, status, after);
ALTER TABLE incident_versions ENABLE TRIGGER USER;

-- The seed's placements, recorded after the fact, queued their nights for a re-check; a running service's worker did
-- those long ago.
UPDATE rechecks SET rechecked_at = recorded_at WHERE rechecked_at IS NULL;

-- Three shift handovers a day at each premises (07:00, 15:00, 23:00), each with two notes from the outgoing shift.
ALTER TABLE handovers DISABLE TRIGGER USER;
ALTER TABLE handover_notes DISABLE TRIGGER USER;
CREATE TEMP TABLE bench_shifts AS
SELECT f.premises_id, (d::date + s.t) AT TIME ZONE 'Europe/London' AS at
FROM bench_first_day f CROSS JOIN LATERAL generate_series(f.first_day, current_date - 1, interval '1 day') AS d
CROSS JOIN (VALUES (time '07:00'), (time '15:00'), (time '23:00')) AS s(t);
INSERT INTO handovers (premises_id, since, acknowledged_at)
SELECT premises_id, lag(at) OVER (PARTITION BY premises_id ORDER BY at), at FROM bench_shifts;
INSERT INTO handover_notes (premises_id, written_at, text)
SELECT premises_id, at - n.before, 'Quiet shift; nothing to hand over' FROM bench_shifts
CROSS JOIN (VALUES (interval '40 minutes'), (interval '20 minutes')) AS n(before);
ALTER TABLE handovers ENABLE TRIGGER USER;
ALTER TABLE handover_notes ENABLE TRIGGER USER;
