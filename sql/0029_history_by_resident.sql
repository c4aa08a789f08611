-- A resident's own history, found without reading everyone's: the record's recent entries (ResidentStore), the
-- evidence pack and a subject access request look a person's log, reports and incidents up by resident, and there
-- was no index for it. `scripts/bench history` found it: with a year of the log at 100 premises (2 million
-- entries) a resident's record took 670 ms, a sequential scan of the whole log, and it would grow with every year.
CREATE INDEX movements_resident_at ON movements (resident_id, at, seq);
CREATE INDEX reports_resident_at ON reports (resident_id, at);
-- Incidents naming a resident (`resident_ids @> ARRAY[id]`, which this index serves and `id = ANY (...)` would not).
CREATE INDEX incident_versions_resident_ids ON incident_versions USING gin (resident_ids);
