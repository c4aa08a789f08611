\set n random(1, 1000000)
INSERT INTO bench_movements (premises_id, resident_id, kind, at, destination, note) VALUES ('00000000-0000-0000-0000-000000000001', gen_random_uuid(), 'out', now(), 'shop', 'bench ' || :n);
