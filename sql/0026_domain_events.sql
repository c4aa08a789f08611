-- Events for other systems (issue 20): what the national case system and others need to hear of (an arrival, a
-- departure, a non-arrival, a cancellation, a bed move; an alert raised, acknowledged or resolved; an incident
-- reported or closed), written by triggers in the transaction that made the change, whichever way it was made.
-- An integration reads them in order with a durable cursor (GET /api/v1/events?after=ID).
CREATE TABLE domain_events (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    type text NOT NULL CONSTRAINT domain_events_type_values CHECK (type IN (
        'placement.arrived', 'placement.departed', 'placement.non_arrival', 'placement.cancelled', 'bed.moved',
        'alert.raised', 'alert.acknowledged', 'alert.resolved', 'incident.reported', 'incident.closed')),
    -- The shape of the event's fields; a change to them is a new version, never a silent one.
    version integer NOT NULL DEFAULT 1,
    at timestamptz NOT NULL DEFAULT now(),
    premises_id uuid NOT NULL REFERENCES premises (id),
    resident_id uuid REFERENCES residents (id),
    -- The placement, alert or incident the event is about.
    record_id uuid NOT NULL
);
CREATE TRIGGER domain_events_append_only BEFORE UPDATE OR DELETE ON domain_events
    FOR EACH ROW EXECUTE FUNCTION refuse_change();
GRANT SELECT ON domain_events TO ap_app;
ALTER TABLE domain_events ENABLE ROW LEVEL SECURITY;
CREATE POLICY premises_scope ON domain_events
    USING ((SELECT ap_sees_all()) OR premises_id = ANY ((SELECT ap_premises())::uuid[]))
    WITH CHECK ((SELECT ap_sees_all()) OR premises_id = ANY ((SELECT ap_premises())::uuid[]));

-- "Every event after id N" is right only if ids are given in commit order: as for alert_events (0023), each
-- transaction that writes an event first takes one lock, held until it commits. These changes come a few times
-- an hour a premises; the hot path (the sign-in log) writes none.
CREATE FUNCTION domain_event(kind text, premises uuid, resident uuid, record uuid) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(hashtextextended('domain_events', 0));
    INSERT INTO domain_events (type, premises_id, resident_id, record_id) VALUES (kind, premises, resident, record);
END $$;

CREATE FUNCTION placements_domain_event() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public AS $$
BEGIN
    IF NEW.status IS DISTINCT FROM OLD.status AND NEW.status <> 'upcoming' THEN
        PERFORM domain_event('placement.' || NEW.status, NEW.premises_id, NEW.resident_id, NEW.id);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER placements_domain_event AFTER UPDATE OF status ON placements
    FOR EACH ROW EXECUTE FUNCTION placements_domain_event();

-- A placement's second allocation onwards is a move (BedStore.move cuts the old one short and adds the new).
CREATE FUNCTION bed_allocations_domain_event() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public AS $$
DECLARE p placements;
BEGIN
    IF EXISTS (SELECT 1 FROM bed_allocations WHERE placement_id = NEW.placement_id AND id <> NEW.id) THEN
        SELECT * INTO p FROM placements WHERE id = NEW.placement_id;
        PERFORM domain_event('bed.moved', p.premises_id, p.resident_id, p.id);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER bed_allocations_domain_event AFTER INSERT ON bed_allocations
    FOR EACH ROW EXECUTE FUNCTION bed_allocations_domain_event();

CREATE FUNCTION alerts_domain_event() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM domain_event('alert.raised', NEW.premises_id, NEW.resident_id, NEW.id);
    ELSIF OLD.resolved_at IS NULL AND NEW.resolved_at IS NOT NULL THEN
        PERFORM domain_event('alert.resolved', NEW.premises_id, NEW.resident_id, NEW.id);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER alerts_domain_event AFTER INSERT OR UPDATE ON alerts FOR EACH ROW EXECUTE FUNCTION alerts_domain_event();

CREATE FUNCTION alert_acknowledgements_domain_event() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public AS $$
BEGIN
    PERFORM domain_event(
        'alert.acknowledged', NEW.premises_id, (SELECT resident_id FROM alerts WHERE id = NEW.alert_id), NEW.alert_id);
    RETURN NULL;
END $$;
CREATE TRIGGER alert_acknowledgements_domain_event AFTER INSERT ON alert_acknowledgements
    FOR EACH ROW EXECUTE FUNCTION alert_acknowledgements_domain_event();

-- An incident names residents in a list: the event names the first (or none), and links the incident.
CREATE FUNCTION incident_versions_domain_event() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public AS $$
BEGIN
    IF NEW.version = 1 THEN
        PERFORM domain_event('incident.reported', NEW.premises_id, NEW.resident_ids[1], NEW.incident_id);
    END IF;
    IF NEW.status = 'closed' AND NOT EXISTS (SELECT 1 FROM incident_versions WHERE incident_id = NEW.incident_id
            AND version < NEW.version AND status = 'closed') THEN
        PERFORM domain_event('incident.closed', NEW.premises_id, NEW.resident_ids[1], NEW.incident_id);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER incident_versions_domain_event AFTER INSERT ON incident_versions
    FOR EACH ROW EXECUTE FUNCTION incident_versions_domain_event();

-- Integrations: an account with no staff member (as the worker's) that reads events only.
ALTER TABLE accounts DROP CONSTRAINT accounts_role_values,
    ADD CONSTRAINT accounts_role_values CHECK (role IN ('staff', 'manager', 'admin', 'worker', 'integration')),
    DROP CONSTRAINT accounts_staff_or_worker,
    ADD CONSTRAINT accounts_staff_or_worker CHECK ((role IN ('worker', 'integration')) = (staff_id IS NULL));
