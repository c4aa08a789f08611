-- Retention (issue 20): a resident's personal details are anonymised a set number of years after they last left
-- (`ap-server retention`, the policy in ops/retention.json). What the database holds it to:
--
-- * One statement does it: setting residents.anonymised_at. The trigger below writes the anonymised values into
--   the row and erases the free text written about the person in the rows that are not evidence (placements'
--   notes, conditions' wording, absences' reasons, reports' notes, rechecks' reasons, queued webhook bodies), so
--   that no caller can anonymise half a person, and the values live in one place.
-- * Never while the person is still being dealt with: an open placement (upcoming or arrived), an open alert
--   (neither acknowledged nor resolved) or an incident naming them that is not closed refuses it, checked after
--   the row is locked, across every premises.
-- * The hash chains are not touched. The sign-in log, incident versions and alert acknowledgements name a
--   resident only by id; the person's name, CRN and date of birth live in residents, outside every chain, so
--   anonymising them leaves every hash as it was. What staff typed into a chained row (a destination, a note, an
--   incident's description) is kept as written: it is the evidence the chain proves.
-- * The occupancy figures read placements' dates and beds, which are kept, so they do not change.
-- * An anonymised record never changes again, and nobody is placed under it.

ALTER TABLE residents ADD COLUMN anonymised_at timestamptz;

-- An anonymised CRN reads 'anonymised'; the CRN stays unique among the people it still identifies. A look-up by
-- CRN says `AND anonymised_at IS NULL`, which lets it use this index.
ALTER TABLE residents DROP CONSTRAINT residents_crn_key;
CREATE UNIQUE INDEX residents_crn_key ON residents (crn) WHERE anonymised_at IS NULL;
ALTER TABLE residents DROP CONSTRAINT residents_crn_format;
ALTER TABLE residents ADD CONSTRAINT residents_crn_format
    CHECK (crn ~ '^[A-Z][0-9]{6}$' OR (anonymised_at IS NOT NULL AND crn = 'anonymised'));

CREATE FUNCTION resident_anonymised(resident uuid) RETURNS boolean LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = public AS $$
    SELECT anonymised_at IS NOT NULL FROM residents WHERE id = resident
$$;

-- SECURITY DEFINER: the exceptions are looked for at every premises, whatever the caller may see.
CREATE FUNCTION residents_anonymise() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
    IF OLD.anonymised_at IS NOT NULL THEN
        RAISE EXCEPTION 'an anonymised resident''s record is never changed'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'residents_anonymised_fixed';
    END IF;
    IF NEW.anonymised_at IS NULL THEN
        RETURN NEW;
    END IF;
    IF EXISTS (SELECT 1 FROM placements WHERE resident_id = NEW.id AND status IN ('upcoming', 'arrived')) THEN
        RAISE EXCEPTION 'a resident with an open placement is not anonymised'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'residents_anonymise_open_placement';
    END IF;
    IF EXISTS (SELECT 1 FROM alerts a WHERE a.resident_id = NEW.id AND a.resolved_at IS NULL
               AND NOT EXISTS (SELECT 1 FROM alert_acknowledgements k WHERE k.alert_id = a.id)) THEN
        RAISE EXCEPTION 'a resident with an open alert is not anonymised'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'residents_anonymise_open_alert';
    END IF;
    IF EXISTS (SELECT 1 FROM incidents i
               CROSS JOIN LATERAL (SELECT status, resident_ids FROM incident_versions v WHERE v.incident_id = i.id
                                   ORDER BY version DESC LIMIT 1) AS latest
               WHERE NEW.id = ANY (latest.resident_ids) AND latest.status <> 'closed') THEN
        RAISE EXCEPTION 'a resident named in an incident that is not closed is not anonymised'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'residents_anonymise_open_incident';
    END IF;
    -- Kept: gender (the premises a record belongs to take one), risk and MAPPA (the figures by risk), the year of
    -- birth (ages in the figures), and the premises that added them.
    NEW.crn := 'anonymised';
    NEW.given_name := 'Anonymised';
    NEW.family_name := 'Resident';
    NEW.date_of_birth := make_date(extract(year FROM OLD.date_of_birth)::int, 1, 1);
    NEW.practitioner_name := 'Anonymised';
    NEW.practitioner_phone := '';
    NEW.practitioner_email := '';
    NEW.contingency_plan := '';
    RETURN NEW;
END $$;
CREATE TRIGGER residents_anonymise BEFORE UPDATE ON residents FOR EACH ROW EXECUTE FUNCTION residents_anonymise();

CREATE FUNCTION residents_anonymised_erase() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public AS $$
BEGIN
    UPDATE placements SET notes = '', departure_notes = ''
        WHERE resident_id = NEW.id AND (notes <> '' OR departure_notes <> '');
    UPDATE licence_conditions SET wording = '' WHERE resident_id = NEW.id AND wording <> '';
    UPDATE authorised_absences SET reason = 'anonymised',
                                   withdrawn_reason = CASE WHEN withdrawn_reason IS NULL THEN NULL ELSE 'anonymised' END
        WHERE resident_id = NEW.id;
    UPDATE reports SET note = '' WHERE resident_id = NEW.id AND note <> '';
    UPDATE rechecks SET reason = '' WHERE resident_id = NEW.id AND reason <> '';
    -- An alert's body as posted to the webhook (an escalated one carries the name, the plan and the entries).
    UPDATE alert_outbox o SET payload = (o.payload - 'evidenceEntries') || '{"resident": {"crn": "anonymised"}}'
        FROM alerts a WHERE a.id = o.alert_id AND a.resident_id = NEW.id;
    RETURN NULL;
END $$;
CREATE TRIGGER residents_anonymised_erase AFTER UPDATE OF anonymised_at ON residents
    FOR EACH ROW WHEN (OLD.anonymised_at IS NULL AND NEW.anonymised_at IS NOT NULL)
    EXECUTE FUNCTION residents_anonymised_erase();

-- The rows the erasure changes keep their other rules; each may now also have its free text emptied, and only
-- that, and only once the person is anonymised.
CREATE FUNCTION refuse_unless_erased() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    col text;
BEGIN
    FOREACH col IN ARRAY TG_ARGV LOOP
        IF (to_jsonb(NEW) ->> col) IS DISTINCT FROM (to_jsonb(OLD) ->> col)
           AND NOT (coalesce(to_jsonb(NEW) ->> col, '') IN ('', 'anonymised')
                    AND resident_anonymised((to_jsonb(NEW) ->> 'resident_id')::uuid)) THEN
            RAISE EXCEPTION '%.% is kept as written', TG_TABLE_NAME, col
                USING ERRCODE = 'check_violation', CONSTRAINT = TG_TABLE_NAME || '_history';
        END IF;
    END LOOP;
    RETURN NEW;
END $$;

DROP TRIGGER licence_conditions_change_columns ON licence_conditions;
CREATE TRIGGER licence_conditions_change_columns BEFORE UPDATE ON licence_conditions
    FOR EACH ROW EXECUTE FUNCTION refuse_change_except('ends_on', 'wording');
CREATE TRIGGER licence_conditions_erased BEFORE UPDATE OF wording ON licence_conditions
    FOR EACH ROW EXECUTE FUNCTION refuse_unless_erased('wording');
-- The end's rule applies when the end changes (an erasure leaves it as it was, set or not).
CREATE OR REPLACE FUNCTION licence_conditions_check_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.ends_on IS DISTINCT FROM OLD.ends_on
       AND (NEW.ends_on IS NULL OR (OLD.ends_on IS NOT NULL AND NEW.ends_on > OLD.ends_on)) THEN
        RAISE EXCEPTION 'a licence condition is varied by ending it and starting another'
            USING CONSTRAINT = 'licence_conditions_history';
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER authorised_absences_erased BEFORE UPDATE OF reason ON authorised_absences
    FOR EACH ROW EXECUTE FUNCTION refuse_unless_erased('reason');

DROP TRIGGER reports_append_only ON reports;
CREATE TRIGGER reports_no_delete BEFORE DELETE ON reports FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER reports_change_columns BEFORE UPDATE ON reports
    FOR EACH ROW EXECUTE FUNCTION refuse_change_except('note');
CREATE TRIGGER reports_erased BEFORE UPDATE ON reports FOR EACH ROW EXECUTE FUNCTION refuse_unless_erased('note');

DROP TRIGGER rechecks_history ON rechecks;
CREATE TRIGGER rechecks_history BEFORE UPDATE ON rechecks
    FOR EACH ROW EXECUTE FUNCTION refuse_change_except('rechecked_at', 'reason');
CREATE TRIGGER rechecks_erased BEFORE UPDATE OF reason ON rechecks
    FOR EACH ROW EXECUTE FUNCTION refuse_unless_erased('reason');

-- Nobody is placed under an anonymised record. The resident's row is locked (FOR SHARE) so that a booking and an
-- anonymisation of the same person wait for each other: whichever commits second sees the first.
CREATE FUNCTION placements_check_resident_kept() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public AS $$
BEGIN
    IF (SELECT anonymised_at FROM residents WHERE id = NEW.resident_id FOR SHARE) IS NOT NULL THEN
        RAISE EXCEPTION 'nobody is placed under an anonymised record'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'placements_resident_anonymised';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER placements_resident_kept BEFORE INSERT ON placements
    FOR EACH ROW EXECUTE FUNCTION placements_check_resident_kept();

-- Each retention run, dry or applied, and each batch an applied run commits: who, under which policy, and how many;
-- never who was anonymised (the audit log has each row's id and the columns changed, no values).
CREATE TABLE retention_runs (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    at timestamptz NOT NULL DEFAULT now(),
    actor text NOT NULL DEFAULT current_actor(),
    origin text NOT NULL DEFAULT current_origin(),
    policy jsonb NOT NULL,
    applied boolean NOT NULL,
    -- Anonymised before this instant's last departure: due.
    cutoff timestamptz NOT NULL,
    due integer NOT NULL,
    kept_open_placement integer NOT NULL,
    kept_open_alert integer NOT NULL,
    kept_open_incident integer NOT NULL
);
CREATE TABLE retention_batches (
    run_id uuid NOT NULL REFERENCES retention_runs (id),
    batch integer NOT NULL,
    at timestamptz NOT NULL DEFAULT clock_timestamp(),
    anonymised integer NOT NULL,
    PRIMARY KEY (run_id, batch)
);
CREATE TRIGGER retention_runs_append_only BEFORE UPDATE OR DELETE ON retention_runs
    FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER retention_batches_append_only BEFORE UPDATE OR DELETE ON retention_batches
    FOR EACH ROW EXECUTE FUNCTION refuse_change();
GRANT SELECT, INSERT ON retention_runs, retention_batches TO ap_app;
