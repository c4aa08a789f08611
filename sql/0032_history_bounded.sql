-- The occupancy report, the forecast and the occupancy of a month ask for the stays that overlap their nights, the
-- departures in them and the incidents that happened in them; each read every placement or incident the premises
-- ever had and kept the few that fell in the month (scripts/bench history: the report's p99 1.64x from one year of
-- history to ten). With these, the statements bound the instants (a day wider on each side than the local dates,
-- whatever the premises' zone) and read only the month's rows.
CREATE INDEX placements_departed ON placements (premises_id, departed_at) WHERE status = 'departed';
-- By when they happened alone (a month of the whole country's incidents is a few hundred versions): the evidence pack
-- asks for a resident's incidents in its nights, and under row-level security the GIN index of the people named
-- cannot be used (`@>` on arrays is not leakproof, so the policy's filter must run first): the pack read every
-- incident ever written (28 ms after ten years; the bench's owner connection, which bypasses the policy, did not).
CREATE INDEX incident_versions_occurred ON incident_versions (occurred_at);
-- The incidents edited since the last handover (every shift asks): their versions by when they were written.
CREATE INDEX incident_versions_edited ON incident_versions (premises_id, edited_at);
