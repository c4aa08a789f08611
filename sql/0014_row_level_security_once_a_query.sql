-- Row-level security (0012) at a lower cost, with the same rules. The policies called ap_may_see for
-- every row they looked at, parsing the ap.premises setting each time, and ap_may_see_resident (a
-- security-definer function) for every resident: more than half the time of a who-is-in read. Now
-- the scope is read once a query (an uncorrelated subquery is an InitPlan, evaluated once), and a
-- resident is visible through a placement the caller may see, by a plain join; the owner's view of
-- every placement is needed only to tell whether a resident has none at all (a referral, visible to all).

-- Whether the transaction may see every premises (admins, the worker, the system).
CREATE FUNCTION ap_sees_all() RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT coalesce(current_setting('ap.premises', true), '') = '*'
$$;

-- The premises the transaction may see, when not all of them; none when the setting is unset.
CREATE FUNCTION ap_premises() RETURNS uuid[] LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN coalesce(current_setting('ap.premises', true), '') IN ('', '*') THEN '{}'::uuid[]
                ELSE string_to_array(current_setting('ap.premises', true), ',')::uuid[] END
$$;

-- Runs as the owner, so that it sees every placement whatever the caller may see.
CREATE FUNCTION ap_resident_unplaced(resident uuid) RETURNS boolean LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
    SELECT NOT EXISTS (SELECT 1 FROM placements WHERE resident_id = resident)
$$;
REVOKE ALL ON FUNCTION ap_resident_unplaced(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION ap_resident_unplaced(uuid) TO ap_app;

DO $$
DECLARE
    t text;
    scope constant text := '(SELECT ap_sees_all()) OR premises_id = ANY ((SELECT ap_premises())::uuid[])';
    resident text;
BEGIN
    FOREACH t IN ARRAY ARRAY['rooms', 'beds', 'placements', 'movements', 'incidents', 'incident_versions', 'alerts',
                             'alert_acknowledgements', 'reports', 'curfew_checks', 'handovers', 'handover_notes'] LOOP
        EXECUTE format('ALTER POLICY premises_scope ON %I USING (%s) WITH CHECK (%s)', t, scope, scope);
    END LOOP;
    -- The join to placements is itself limited by placements' policy: it finds only placements the
    -- caller may see.
    FOREACH t IN ARRAY ARRAY['residents', 'licence_conditions', 'authorised_absences'] LOOP
        -- Qualified by the table's name: placements has an id and a resident_id of its own.
        resident := format('%I.%I', t, CASE t WHEN 'residents' THEN 'id' ELSE 'resident_id' END);
        EXECUTE format('ALTER POLICY premises_scope ON %I USING (%2$s) WITH CHECK (%2$s)', t,
                       format('(SELECT ap_sees_all()) OR EXISTS (SELECT 1 FROM placements p WHERE p.resident_id = %1$s) OR ap_resident_unplaced(%1$s)', resident));
    END LOOP;
END $$;

-- Through a bed or an alert: the caller's own beds (by the premises index), or anything for those who
-- see all; an EXISTS here became a hash of every bed or alert in the country, built on every query.
DO $$
DECLARE
    t text;
    through text;
BEGIN
    FOREACH t IN ARRAY ARRAY['bed_allocations', 'out_of_service_periods', 'alert_outbox'] LOOP
        through := CASE t WHEN 'alert_outbox' THEN 'alert_id IN (SELECT a.id FROM alerts a'
                          ELSE 'bed_id IN (SELECT b.id FROM beds b' END;
        EXECUTE format('ALTER POLICY premises_scope ON %I USING (%2$s) WITH CHECK (%2$s)', t,
                       format('(SELECT ap_sees_all()) OR %s WHERE premises_id = ANY ((SELECT ap_premises())::uuid[]))', through));
    END LOOP;
END $$;

DROP FUNCTION ap_may_see_resident(uuid);
DROP FUNCTION ap_may_see(uuid);
