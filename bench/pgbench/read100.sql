SELECT id, name, at, day, n, flag, note FROM bench_rows ORDER BY n LIMIT 100;
