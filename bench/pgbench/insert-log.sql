-- The database's own cost of a movement's row: inserted straight into the log (its foreign keys, five
-- indexes, hash chain and audit triggers), without record_movement's lock and checks and without HTTP.
-- Each client writes its own resident (bench_residents, made by scripts/bench), out and in in turn.
\set n :client_id + 33
INSERT INTO movements (premises_id, placement_id, resident_id, kind, at, destination)
SELECT premises_id, placement_id, resident_id, 'out', now(), 'bench' FROM bench_residents WHERE n = :n;
INSERT INTO movements (premises_id, placement_id, resident_id, kind, at, destination)
SELECT premises_id, placement_id, resident_id, 'in', now(), 'bench' FROM bench_residents WHERE n = :n;
