-- What keeps a resident from being anonymised was written twice: in the trigger that refuses it (0028) and in the
-- query `ap-server retention` plans with (RetentionStore), so the dry run and the refusal could drift apart. One
-- definition now, used by both: why a resident is kept, or NULL when nothing keeps them.
-- SECURITY DEFINER: looked for at every premises, whatever the caller may see.
CREATE FUNCTION resident_kept_by(resident uuid) RETURNS text LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = public AS $$
    SELECT CASE
        WHEN EXISTS (SELECT 1 FROM placements WHERE resident_id = resident AND status IN ('upcoming', 'arrived'))
            THEN 'open_placement'
        -- Neither acknowledged nor resolved: someone still has to act on it.
        WHEN EXISTS (SELECT 1 FROM alerts a WHERE a.resident_id = resident AND a.resolved_at IS NULL
                     AND NOT EXISTS (SELECT 1 FROM alert_acknowledgements k WHERE k.alert_id = a.id))
            THEN 'open_alert'
        -- Named in the latest version of an incident that is not closed.
        WHEN EXISTS (SELECT 1 FROM (SELECT DISTINCT ON (v.incident_id) v.status, v.resident_ids
                                    FROM incident_versions v
                                    WHERE v.incident_id IN (SELECT incident_id FROM incident_versions
                                                            WHERE resident_ids @> ARRAY[resident])
                                    ORDER BY v.incident_id, v.version DESC) AS latest
                     WHERE resident = ANY (latest.resident_ids) AND latest.status <> 'closed')
            THEN 'open_incident'
    END
$$;

CREATE OR REPLACE FUNCTION residents_anonymise() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public AS $$
DECLARE
    kept text;
BEGIN
    IF OLD.anonymised_at IS NOT NULL THEN
        RAISE EXCEPTION 'an anonymised resident''s record is never changed'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'residents_anonymised_fixed';
    END IF;
    IF NEW.anonymised_at IS NULL THEN
        RETURN NEW;
    END IF;
    kept := resident_kept_by(NEW.id);
    IF kept IS NOT NULL THEN
        RAISE EXCEPTION 'a resident with an % is not anonymised', replace(kept, '_', ' ')
            USING ERRCODE = 'check_violation', CONSTRAINT = 'residents_anonymise_' || kept;
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
