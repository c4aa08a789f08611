-- Licence conditions, authorised absences and the sign-in/out log.

CREATE TABLE licence_conditions (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    resident_id uuid NOT NULL REFERENCES residents (id),
    kind text NOT NULL CONSTRAINT licence_conditions_kind_values CHECK (kind IN (
        -- standard conditions
        'be_well_behaved', 'no_offence', 'keep_in_touch', 'receive_visits', 'reside_at_approved_address',
        'permission_to_stay_elsewhere', 'tell_of_name_or_contact_change', 'approval_for_work', 'no_travel_abroad',
        -- additional conditions
        'curfew', 'reporting', 'exclusion_zone', 'no_contact', 'drug_testing', 'electronic_monitoring', 'other')),
    source text NOT NULL CONSTRAINT licence_conditions_source_values CHECK (source IN ('licence', 'bail', 'court', 'ap_manager')),
    starts_on date NOT NULL,
    ends_on date,  -- the first night it no longer applies
    wording text NOT NULL DEFAULT '',
    -- What the system acts on: curfew {"windows": [{"start": "21:00", "end": "07:00"}], "days": [6, 7]};
    -- reporting {"times": ["10:00", "16:00"], "days": [1, 3, 5]}; the others are described in `wording`.
    details jsonb NOT NULL DEFAULT '{}',
    replaces uuid REFERENCES licence_conditions (id),
    recorded_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT licence_conditions_ends_after_start CHECK (ends_on IS NULL OR ends_on > starts_on),
    CONSTRAINT licence_conditions_curfew_details CHECK (kind <> 'curfew' OR (
        jsonb_typeof(details -> 'windows') = 'array' AND jsonb_array_length(details -> 'windows') BETWEEN 1 AND 3)),
    CONSTRAINT licence_conditions_reporting_details CHECK (kind <> 'reporting' OR (
        jsonb_typeof(details -> 'times') = 'array' AND jsonb_array_length(details -> 'times') >= 1))
);
CREATE INDEX licence_conditions_resident ON licence_conditions (resident_id);

-- A condition is varied by ending it and starting another, never by editing it: the only change
-- allowed is to set or bring forward its end.
CREATE FUNCTION licence_conditions_check_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (to_jsonb(NEW) - 'ends_on') IS DISTINCT FROM (to_jsonb(OLD) - 'ends_on')
       OR NEW.ends_on IS NULL OR (OLD.ends_on IS NOT NULL AND NEW.ends_on > OLD.ends_on) THEN
        RAISE EXCEPTION 'a licence condition is varied by ending it and starting another' USING CONSTRAINT = 'licence_conditions_history';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER licence_conditions_history BEFORE UPDATE ON licence_conditions FOR EACH ROW EXECUTE FUNCTION licence_conditions_check_change();
CREATE TRIGGER licence_conditions_no_delete BEFORE DELETE ON licence_conditions FOR EACH ROW EXECUTE FUNCTION refuse_change();

CREATE TABLE authorised_absences (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    resident_id uuid NOT NULL REFERENCES residents (id),
    starts_at timestamptz NOT NULL,
    ends_at timestamptz NOT NULL,
    reason text NOT NULL CONSTRAINT authorised_absences_reason_length CHECK (length(reason) BETWEEN 1 AND 500),
    approved_by_name text NOT NULL CONSTRAINT authorised_absences_approver_length CHECK (length(approved_by_name) BETWEEN 1 AND 200),
    approved_by_role text NOT NULL CONSTRAINT authorised_absences_approver_role_length CHECK (length(approved_by_role) BETWEEN 1 AND 200),
    recorded_by uuid REFERENCES staff (id),
    recorded_at timestamptz NOT NULL DEFAULT now(),
    withdrawn_at timestamptz,
    withdrawn_reason text,
    CONSTRAINT authorised_absences_ends_after_start CHECK (ends_at > starts_at)
);
CREATE INDEX authorised_absences_resident ON authorised_absences (resident_id, starts_at);

-- The sign-in/out log: append-only. A wrong entry is voided by a new entry of kind 'void' that names
-- it and says why; each entry is voided at most once, and a void is never voided.
CREATE TABLE movements (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    premises_id uuid NOT NULL REFERENCES premises (id),
    placement_id uuid NOT NULL REFERENCES placements (id),
    resident_id uuid NOT NULL REFERENCES residents (id),
    kind text NOT NULL CONSTRAINT movements_kind_values CHECK (kind IN ('out', 'in', 'void')),
    at timestamptz NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now(),
    recorded_by uuid REFERENCES staff (id),
    destination text NOT NULL DEFAULT '' CONSTRAINT movements_destination_length CHECK (length(destination) <= 500),
    expected_back timestamptz,
    note text NOT NULL DEFAULT '' CONSTRAINT movements_note_length CHECK (length(note) <= 2000),
    -- Why an entry was recorded after the fact (required by the store when it is late).
    late_reason text,
    voids uuid CONSTRAINT movements_void_once UNIQUE REFERENCES movements (id),
    void_reason text,
    seq bigint NOT NULL,
    prev_hash text NOT NULL,
    hash text NOT NULL,
    CONSTRAINT movements_void_shape CHECK ((kind = 'void') = (voids IS NOT NULL) AND (kind = 'void') = (void_reason IS NOT NULL)),
    CONSTRAINT movements_chain_position UNIQUE (premises_id, seq)
);
CREATE INDEX movements_placement ON movements (placement_id, at, seq);
CREATE INDEX movements_premises_at ON movements (premises_id, at);
CREATE TRIGGER movements_chain BEFORE INSERT ON movements FOR EACH ROW EXECUTE FUNCTION chain_append();
CREATE TRIGGER movements_append_only BEFORE UPDATE OR DELETE ON movements FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER movements_no_truncate BEFORE TRUNCATE ON movements EXECUTE FUNCTION refuse_change();

CREATE FUNCTION movements_check_void() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.kind = 'void' AND (SELECT kind FROM movements WHERE id = NEW.voids) = 'void' THEN
        RAISE EXCEPTION 'a void cannot itself be voided' USING CONSTRAINT = 'movements_void_of_void';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER movements_check_void BEFORE INSERT ON movements FOR EACH ROW EXECUTE FUNCTION movements_check_void();

-- The entries that count: not corrections, and not corrected. Where a resident is comes from these.
CREATE VIEW counted_movements AS
    SELECT m.* FROM movements m
    WHERE m.kind <> 'void' AND NOT EXISTS (SELECT 1 FROM movements v WHERE v.voids = m.id);

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['licence_conditions', 'authorised_absences', 'movements'] LOOP
        EXECUTE format('CREATE TRIGGER %I AFTER INSERT OR UPDATE ON %I FOR EACH ROW EXECUTE FUNCTION audit_write()', t || '_audit', t);
    END LOOP;
END $$;

GRANT SELECT ON licence_conditions, authorised_absences, movements, counted_movements TO ap_app;
GRANT INSERT, UPDATE ON licence_conditions, authorised_absences TO ap_app;
GRANT INSERT ON movements TO ap_app;
