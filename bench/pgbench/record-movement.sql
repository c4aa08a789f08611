-- The statement the service runs for a sign-out or sign-in (MovementStore.record), without HTTP:
-- each client signs its own resident (bench_residents, made by scripts/bench) out and back in.
\set n :client_id + 17
SELECT id FROM record_movement('system', 'pgbench', '*', (SELECT premises_id FROM bench_residents WHERE n = :n),
    (SELECT resident_id FROM bench_residents WHERE n = :n), 'out', now(), NULL, 'bench', NULL, '', NULL, now());
SELECT id FROM record_movement('system', 'pgbench', '*', (SELECT premises_id FROM bench_residents WHERE n = :n),
    (SELECT resident_id FROM bench_residents WHERE n = :n), 'in', now(), NULL, 'bench', NULL, '', NULL, now());
