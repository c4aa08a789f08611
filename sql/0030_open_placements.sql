-- The roll and the handover ask for a premises' placements still open (upcoming or arrived); through the
-- index on (premises_id, expected_arrival) that read every placement the premises ever had, a list that grows
-- with each year (1,510 entries read for 29 staying, after ten years: scripts/bench history).
CREATE INDEX placements_open ON placements (premises_id) WHERE status IN ('upcoming', 'arrived');
