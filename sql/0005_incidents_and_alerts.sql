-- Incidents (every edit a new version) and curfew alerts with their acknowledgements.

CREATE TABLE incidents (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    premises_id uuid NOT NULL REFERENCES premises (id),
    created_at timestamptz NOT NULL DEFAULT now()
);

-- An incident as it stood after each edit. The newest version is the incident now; none is ever changed.
CREATE TABLE incident_versions (
    incident_id uuid NOT NULL REFERENCES incidents (id),
    version integer NOT NULL CONSTRAINT incident_versions_version_positive CHECK (version >= 1),
    premises_id uuid NOT NULL REFERENCES premises (id),
    occurred_at timestamptz NOT NULL,
    location text NOT NULL DEFAULT '' CONSTRAINT incident_versions_location_length CHECK (length(location) <= 200),
    category text NOT NULL CONSTRAINT incident_versions_category_values CHECK (category IN (
        'violence_or_aggression', 'threats', 'damage_to_property', 'substance_misuse', 'drugs_or_alcohol_found', 'self_harm',
        'medical_emergency', 'fire_or_fire_alarm', 'absconding_or_failure_to_return', 'police_attendance', 'safeguarding', 'other')),
    severity text NOT NULL CONSTRAINT incident_versions_severity_values CHECK (severity IN ('low', 'medium', 'high', 'critical')),
    status text NOT NULL CONSTRAINT incident_versions_status_values CHECK (status IN ('open', 'under_review', 'closed')),
    description text NOT NULL CONSTRAINT incident_versions_description_length CHECK (length(description) BETWEEN 1 AND 20000),
    immediate_action text NOT NULL DEFAULT '' CONSTRAINT incident_versions_action_length CHECK (length(immediate_action) <= 20000),
    police_informed boolean NOT NULL DEFAULT false,
    police_reference text,
    resident_ids uuid[] NOT NULL DEFAULT '{}',
    staff_ids uuid[] NOT NULL DEFAULT '{}',
    -- [{"action": "...", "owner": "<staff id>", "due": "YYYY-MM-DD", "done": false}]
    follow_ups jsonb NOT NULL DEFAULT '[]' CONSTRAINT incident_versions_follow_ups_array CHECK (jsonb_typeof(follow_ups) = 'array'),
    edited_by uuid REFERENCES staff (id),
    edited_at timestamptz NOT NULL DEFAULT now(),
    seq bigint NOT NULL,
    prev_hash text NOT NULL,
    hash text NOT NULL,
    PRIMARY KEY (incident_id, version),
    CONSTRAINT incident_versions_police_reference CHECK (police_informed OR police_reference IS NULL),
    CONSTRAINT incident_versions_chain_position UNIQUE (premises_id, seq)
);
CREATE TRIGGER incident_versions_chain BEFORE INSERT ON incident_versions FOR EACH ROW EXECUTE FUNCTION chain_append();
CREATE TRIGGER incident_versions_append_only BEFORE UPDATE OR DELETE ON incident_versions FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER incident_versions_no_truncate BEFORE TRUNCATE ON incident_versions EXECUTE FUNCTION refuse_change();

CREATE TABLE alerts (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    premises_id uuid NOT NULL REFERENCES premises (id),
    resident_id uuid NOT NULL REFERENCES residents (id),
    placement_id uuid NOT NULL REFERENCES placements (id),
    night date NOT NULL,
    kind text NOT NULL CONSTRAINT alerts_kind_values CHECK (kind IN ('late_return', 'left_during_curfew', 'absent_overnight', 'missed_reporting')),
    raised_at timestamptz NOT NULL DEFAULT now(),
    -- The movements the alert was based on.
    evidence uuid[] NOT NULL DEFAULT '{}',
    escalate boolean NOT NULL DEFAULT false,
    resolved_at timestamptz,
    resolved_reason text,
    CONSTRAINT alerts_once_per_night UNIQUE (resident_id, night, kind),
    CONSTRAINT alerts_resolution_shape CHECK ((resolved_at IS NULL) = (resolved_reason IS NULL))
);
CREATE INDEX alerts_premises_night ON alerts (premises_id, night);

-- An alert's only change is its resolution, made once.
CREATE FUNCTION alerts_check_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.resolved_at IS NOT NULL OR (to_jsonb(NEW) - 'resolved_at' - 'resolved_reason') IS DISTINCT FROM (to_jsonb(OLD) - 'resolved_at' - 'resolved_reason') THEN
        RAISE EXCEPTION 'an alert is never changed; it is resolved once, with a reason' USING CONSTRAINT = 'alerts_history';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER alerts_history BEFORE UPDATE ON alerts FOR EACH ROW EXECUTE FUNCTION alerts_check_change();
CREATE TRIGGER alerts_no_delete BEFORE DELETE ON alerts FOR EACH ROW EXECUTE FUNCTION refuse_change();

CREATE TABLE alert_acknowledgements (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    alert_id uuid NOT NULL REFERENCES alerts (id),
    premises_id uuid NOT NULL REFERENCES premises (id),
    acknowledged_by uuid REFERENCES staff (id),
    acknowledged_at timestamptz NOT NULL DEFAULT now(),
    outcome text NOT NULL CONSTRAINT alert_acknowledgements_outcome_values CHECK (outcome IN (
        'returned_late', 'contacted_out_of_hours_manager', 'recall_requested', 'absence_was_authorised', 'recording_error')),
    note text NOT NULL DEFAULT '' CONSTRAINT alert_acknowledgements_note_length CHECK (length(note) <= 2000),
    seq bigint NOT NULL,
    prev_hash text NOT NULL,
    hash text NOT NULL,
    CONSTRAINT alert_acknowledgements_chain_position UNIQUE (premises_id, seq)
);
CREATE INDEX alert_acknowledgements_alert ON alert_acknowledgements (alert_id);
CREATE TRIGGER alert_acknowledgements_chain BEFORE INSERT ON alert_acknowledgements FOR EACH ROW EXECUTE FUNCTION chain_append();
CREATE TRIGGER alert_acknowledgements_append_only BEFORE UPDATE OR DELETE ON alert_acknowledgements FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER alert_acknowledgements_no_truncate BEFORE TRUNCATE ON alert_acknowledgements EXECUTE FUNCTION refuse_change();

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['incidents', 'incident_versions', 'alerts', 'alert_acknowledgements'] LOOP
        EXECUTE format('CREATE TRIGGER %I AFTER INSERT OR UPDATE ON %I FOR EACH ROW EXECUTE FUNCTION audit_write()', t || '_audit', t);
    END LOOP;
END $$;

GRANT SELECT ON incidents, incident_versions, alerts, alert_acknowledgements TO ap_app;
GRANT INSERT ON incidents, incident_versions, alert_acknowledgements TO ap_app;
GRANT INSERT, UPDATE ON alerts TO ap_app;
