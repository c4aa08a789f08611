-- A resident reporting to AP staff, as a reporting condition requires. Append-only, like the log.
CREATE TABLE reports (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    premises_id uuid NOT NULL REFERENCES premises (id),
    placement_id uuid NOT NULL REFERENCES placements (id),
    resident_id uuid NOT NULL REFERENCES residents (id),
    at timestamptz NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now(),
    recorded_by uuid REFERENCES staff (id),
    note text NOT NULL DEFAULT '' CONSTRAINT reports_note_length CHECK (length(note) <= 2000)
);
CREATE INDEX reports_placement ON reports (placement_id, at);
CREATE TRIGGER reports_append_only BEFORE UPDATE OR DELETE ON reports FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER reports_audit AFTER INSERT ON reports FOR EACH ROW EXECUTE FUNCTION audit_write();
GRANT SELECT, INSERT ON reports TO ap_app;
