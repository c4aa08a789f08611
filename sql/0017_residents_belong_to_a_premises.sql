-- A resident belongs to a premises from the moment they are added: the premises that added them (the one
-- the referral came to), and every premises where they have a placement. Until 0016 a resident with no
-- placement yet was visible to every account ("unplaced" was an escape in row-level security): a manager
-- elsewhere could read the record and book the person into their own premises, after which the premises
-- that added them could no longer see them. Nobody else sees or books them now. A move to another
-- premises is booked by an admin (who sees every premises); that premises then sees them through the
-- placement.

ALTER TABLE residents ADD COLUMN premises_id uuid REFERENCES premises (id);

-- Residents added before this migration belong to the premises of their first placement. One with no
-- placement at all stays without a premises: only admins (who see all) see them, until an admin books
-- them somewhere. The rule holds for every row written from now on; existing rows are not rewritten
-- beyond this one fill (their history stays as it was).
UPDATE residents r SET premises_id = (
    SELECT p.premises_id FROM placements p WHERE p.resident_id = r.id ORDER BY p.created_at, p.id LIMIT 1);
ALTER TABLE residents ADD CONSTRAINT residents_premises_required CHECK (premises_id IS NOT NULL) NOT VALID;
CREATE INDEX residents_premises ON residents (premises_id);

-- The premises a resident was added by never changes: a move is a placement elsewhere.
CREATE FUNCTION residents_check_premises() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.premises_id IS NOT NULL AND NEW.premises_id IS DISTINCT FROM OLD.premises_id THEN
        RAISE EXCEPTION 'the premises a resident was added by does not change' USING CONSTRAINT = 'residents_premises_fixed';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER residents_premises_fixed BEFORE UPDATE OF premises_id ON residents
    FOR EACH ROW EXECUTE FUNCTION residents_check_premises();

-- Visible to those who see all, to the premises that added them, and through a placement the caller may
-- see (the join is itself limited by placements' policy). Conditions and absences follow their resident
-- (the subquery on residents is limited by the policy above).
ALTER POLICY premises_scope ON residents
    USING ((SELECT ap_sees_all()) OR residents.premises_id = ANY ((SELECT ap_premises())::uuid[])
           OR EXISTS (SELECT 1 FROM placements p WHERE p.resident_id = residents.id))
    WITH CHECK ((SELECT ap_sees_all()) OR residents.premises_id = ANY ((SELECT ap_premises())::uuid[])
                OR EXISTS (SELECT 1 FROM placements p WHERE p.resident_id = residents.id));
DO $$
DECLARE
    t text;
    scope constant text := '(SELECT ap_sees_all()) OR EXISTS (SELECT 1 FROM residents r WHERE r.id = %I.resident_id)';
BEGIN
    FOREACH t IN ARRAY ARRAY['licence_conditions', 'authorised_absences'] LOOP
        EXECUTE format('ALTER POLICY premises_scope ON %1$I USING (%2$s) WITH CHECK (%2$s)', t, format(scope, t));
    END LOOP;
END $$;
DROP FUNCTION ap_resident_unplaced(uuid);

-- A placement names a resident the caller may see. The foreign key is checked as the owner, so without
-- this a manager could book someone they cannot see, and the gender check below would read no gender and
-- give the wrong reason for its refusal.
CREATE OR REPLACE FUNCTION placements_check() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    resident_gender text;
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.status <> 'upcoming' THEN
            RAISE EXCEPTION 'a placement starts as upcoming' USING CONSTRAINT = 'placements_transition';
        END IF;
        SELECT gender INTO resident_gender FROM residents WHERE id = NEW.resident_id;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'no such resident, or one another premises added' USING CONSTRAINT = 'placements_resident_visible';
        END IF;
        IF resident_gender IS DISTINCT FROM (SELECT gender FROM premises WHERE id = NEW.premises_id) THEN
            RAISE EXCEPTION 'the resident''s gender does not match the premises' USING CONSTRAINT = 'placements_gender_matches_premises';
        END IF;
    END IF;
    -- A key worker is one of the premises' own staff.
    IF NEW.key_worker_id IS NOT NULL AND (TG_OP = 'INSERT' OR NEW.key_worker_id IS DISTINCT FROM OLD.key_worker_id)
       AND NOT EXISTS (SELECT 1 FROM staff_premises WHERE staff_id = NEW.key_worker_id AND premises_id = NEW.premises_id) THEN
        RAISE EXCEPTION 'the key worker does not work at the premises' USING CONSTRAINT = 'placements_key_worker_works_here';
    END IF;
    IF TG_OP = 'INSERT' THEN
        RETURN NEW;
    END IF;
    IF NEW.resident_id <> OLD.resident_id OR NEW.premises_id <> OLD.premises_id THEN
        RAISE EXCEPTION 'a placement''s resident and premises never change' USING CONSTRAINT = 'placements_fixed';
    END IF;
    IF NEW.status <> OLD.status AND NOT (
        (OLD.status = 'upcoming' AND NEW.status IN ('arrived', 'cancelled', 'non_arrival')) OR
        (OLD.status = 'arrived' AND NEW.status = 'departed')) THEN
        RAISE EXCEPTION 'placement status cannot change from % to %', OLD.status, NEW.status USING CONSTRAINT = 'placements_transition';
    END IF;
    RETURN NEW;
END $$;

-- A bed the caller cannot see reads as no bed: say so, rather than let the row-level-security check on
-- bed_allocations refuse it later with no constraint to name.
CREATE OR REPLACE FUNCTION bed_allocations_check() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    bed record;
    placement record;
BEGIN
    IF NEW.released_at IS NOT NULL THEN RETURN NEW; END IF;
    SELECT * INTO bed FROM beds WHERE id = NEW.bed_id FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no such bed, or one at another premises' USING CONSTRAINT = 'bed_allocations_same_premises';
    END IF;
    SELECT * INTO placement FROM placements WHERE id = NEW.placement_id;
    IF bed.premises_id <> placement.premises_id THEN
        RAISE EXCEPTION 'the bed is at another premises' USING CONSTRAINT = 'bed_allocations_same_premises';
    END IF;
    IF placement.status NOT IN ('upcoming', 'arrived') THEN
        RAISE EXCEPTION 'only an upcoming or arrived placement can hold a bed' USING CONSTRAINT = 'bed_allocations_active_placement';
    END IF;
    IF NOT (NEW.nights <@ daterange(placement.expected_arrival, placement.expected_departure)) THEN
        RAISE EXCEPTION 'the nights are outside the placement' USING CONSTRAINT = 'bed_allocations_within_placement';
    END IF;
    IF NOT (NEW.nights <@ daterange(bed.opened_on, bed.closed_on)) THEN
        RAISE EXCEPTION 'the bed is not open on those nights' USING CONSTRAINT = 'bed_allocations_bed_open';
    END IF;
    IF EXISTS (SELECT 1 FROM out_of_service_periods o WHERE o.bed_id = NEW.bed_id AND o.withdrawn_at IS NULL AND o.nights && NEW.nights) THEN
        RAISE EXCEPTION 'the bed is out of service on some of those nights' USING CONSTRAINT = 'bed_allocations_not_out_of_service';
    END IF;
    RETURN NEW;
END $$;

-- An incident names only people of its own premises: residents it added or placed, staff who work there
-- (as involved, or as owners of follow-up actions). The store names the field at fault first; this is the
-- second wall, for writes that go around it.
CREATE FUNCTION incident_versions_check_people() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM unnest(NEW.resident_ids) AS x(id) WHERE NOT EXISTS (
            SELECT 1 FROM residents r WHERE r.id = x.id AND (r.premises_id = NEW.premises_id
                OR EXISTS (SELECT 1 FROM placements p WHERE p.resident_id = r.id AND p.premises_id = NEW.premises_id)))) THEN
        RAISE EXCEPTION 'a resident named is not of the incident''s premises' USING CONSTRAINT = 'incident_versions_residents_here';
    END IF;
    IF EXISTS (SELECT 1 FROM (SELECT unnest(NEW.staff_ids) UNION ALL
                              SELECT (f ->> 'owner')::uuid FROM jsonb_array_elements(NEW.follow_ups) AS f) AS x(id)
               WHERE NOT EXISTS (SELECT 1 FROM staff_premises sp WHERE sp.staff_id = x.id AND sp.premises_id = NEW.premises_id)) THEN
        RAISE EXCEPTION 'a staff member named does not work at the incident''s premises' USING CONSTRAINT = 'incident_versions_staff_here';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER incident_versions_check_people BEFORE INSERT ON incident_versions
    FOR EACH ROW EXECUTE FUNCTION incident_versions_check_people();
