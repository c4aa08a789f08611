-- Row-level security: a second wall behind the service's own premises checks. The application role
-- (ap_app, which the service takes for every request) sees and writes only the rows of the premises
-- the account works at, as set per transaction in ap.premises ('*' for every premises: admins, the
-- worker, the system; a comma-separated list of ids otherwise; unset or empty: none). The owner role
-- (migrations, seeding, operators) is not limited.
CREATE FUNCTION ap_may_see(premises uuid) RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT CASE coalesce(current_setting('ap.premises', true), '')
               WHEN '*' THEN true
               WHEN '' THEN false
               ELSE premises = ANY (string_to_array(current_setting('ap.premises', true), ',')::uuid[]) END
$$;

-- A resident belongs to every premises they have a placement at; one with none yet (a referral) is
-- visible to all. Runs as the owner, so that it sees every placement whatever the caller may see.
CREATE FUNCTION ap_may_see_resident(resident uuid) RETURNS boolean LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
    SELECT NOT EXISTS (SELECT 1 FROM placements WHERE resident_id = resident)
        OR EXISTS (SELECT 1 FROM placements WHERE resident_id = resident AND ap_may_see(premises_id))
$$;
REVOKE ALL ON FUNCTION ap_may_see_resident(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION ap_may_see_resident(uuid) TO ap_app;

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['rooms', 'beds', 'placements', 'movements', 'incidents', 'incident_versions', 'alerts',
                             'alert_acknowledgements', 'reports', 'curfew_checks', 'handovers', 'handover_notes'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY premises_scope ON %I TO ap_app USING (ap_may_see(premises_id)) WITH CHECK (ap_may_see(premises_id))', t);
    END LOOP;
    FOREACH t IN ARRAY ARRAY['residents', 'licence_conditions', 'authorised_absences'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY premises_scope ON %I TO ap_app USING (ap_may_see_resident(%s)) WITH CHECK (ap_may_see_resident(%s))',
                       t, CASE t WHEN 'residents' THEN 'id' ELSE 'resident_id' END, CASE t WHEN 'residents' THEN 'id' ELSE 'resident_id' END);
    END LOOP;
END $$;

-- Through a bed (which is itself limited) or an alert.
ALTER TABLE bed_allocations ENABLE ROW LEVEL SECURITY;
CREATE POLICY premises_scope ON bed_allocations TO ap_app
    USING (EXISTS (SELECT 1 FROM beds b WHERE b.id = bed_id)) WITH CHECK (EXISTS (SELECT 1 FROM beds b WHERE b.id = bed_id));
ALTER TABLE out_of_service_periods ENABLE ROW LEVEL SECURITY;
CREATE POLICY premises_scope ON out_of_service_periods TO ap_app
    USING (EXISTS (SELECT 1 FROM beds b WHERE b.id = bed_id)) WITH CHECK (EXISTS (SELECT 1 FROM beds b WHERE b.id = bed_id));
ALTER TABLE alert_outbox ENABLE ROW LEVEL SECURITY;
CREATE POLICY premises_scope ON alert_outbox TO ap_app
    USING (EXISTS (SELECT 1 FROM alerts a WHERE a.id = alert_id)) WITH CHECK (EXISTS (SELECT 1 FROM alerts a WHERE a.id = alert_id));

-- A view runs with its owner's rights unless told otherwise: this one must see only what its caller may.
ALTER VIEW counted_movements SET (security_invoker = true);
