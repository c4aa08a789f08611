-- The tables the driver benchmark reads and writes (scripts/bench loads this into its own cluster).
DROP TABLE IF EXISTS bench_rows, bench_insert;
CREATE TABLE bench_rows (id uuid, name text, at timestamptz, day date, n int, flag bool, note text);
CREATE TABLE bench_insert (LIKE bench_rows);
INSERT INTO bench_rows
SELECT gen_random_uuid(), 'Resident ' || g || ' Ó''Brien', now() - g * interval '1 hour', current_date - g, g, g % 2 = 0,
       CASE WHEN g % 3 = 0 THEN NULL ELSE 'note ' || g END
FROM generate_series(1, 100) AS g;
