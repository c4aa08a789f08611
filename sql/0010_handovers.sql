-- Shift handovers. The outgoing shift leaves notes; the incoming shift acknowledges the handover,
-- which closes it: the next one covers what happened since. Both are kept as written (append-only).
CREATE TABLE handovers (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    premises_id uuid NOT NULL REFERENCES premises (id),
    -- The handover covers (since, acknowledged_at]; since is the previous acknowledgement's time.
    since timestamptz,
    acknowledged_at timestamptz NOT NULL DEFAULT now(),
    acknowledged_by uuid REFERENCES staff (id)
);
CREATE INDEX handovers_premises ON handovers (premises_id, acknowledged_at DESC);

CREATE TABLE handover_notes (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    premises_id uuid NOT NULL REFERENCES premises (id),
    written_at timestamptz NOT NULL DEFAULT now(),
    written_by uuid REFERENCES staff (id),
    text text NOT NULL CONSTRAINT handover_notes_text_length CHECK (length(btrim(text)) BETWEEN 1 AND 4000)
);
CREATE INDEX handover_notes_premises ON handover_notes (premises_id, written_at);

CREATE TRIGGER handovers_append_only BEFORE UPDATE OR DELETE ON handovers FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER handover_notes_append_only BEFORE UPDATE OR DELETE ON handover_notes FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER handovers_audit AFTER INSERT ON handovers FOR EACH ROW EXECUTE FUNCTION audit_write();
CREATE TRIGGER handover_notes_audit AFTER INSERT ON handover_notes FOR EACH ROW EXECUTE FUNCTION audit_write();
GRANT SELECT, INSERT ON handovers, handover_notes TO ap_app;
