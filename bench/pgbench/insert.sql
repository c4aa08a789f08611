\set n random(1, 1000000)
INSERT INTO bench_insert (id, name, at, day, n, flag, note) VALUES (gen_random_uuid(), 'Zoë O''Neill', now(), current_date, :n, true, NULL);
