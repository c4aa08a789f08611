-- Live alerts (issue 19): what happens to an alert (raised, acknowledged, resolved) as events in order, so that
-- a stream can say where a client is (the event's id) and a client that reconnects gets what it missed from
-- here, not from any process's memory. Triggers write them, whichever way the alert changed.
CREATE TABLE alert_events (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    premises_id uuid NOT NULL REFERENCES premises (id),
    alert_id uuid NOT NULL REFERENCES alerts (id),
    kind text NOT NULL CONSTRAINT alert_events_kind_values CHECK (kind IN ('raised', 'acknowledged', 'resolved')),
    at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX alert_events_premises ON alert_events (premises_id, id);
CREATE TRIGGER alert_events_append_only BEFORE UPDATE OR DELETE ON alert_events
    FOR EACH ROW EXECUTE FUNCTION refuse_change();
GRANT SELECT ON alert_events TO ap_app;
ALTER TABLE alert_events ENABLE ROW LEVEL SECURITY;
CREATE POLICY premises_scope ON alert_events
    USING ((SELECT ap_sees_all()) OR premises_id = ANY ((SELECT ap_premises())::uuid[]))
    WITH CHECK ((SELECT ap_sees_all()) OR premises_id = ANY ((SELECT ap_premises())::uuid[]));

-- A client resumes with "every event after id N": that is only right if ids are given in the order the events
-- commit. Two transactions could otherwise take ids 101 and 102 and commit 102 first, and a client that saw
-- 102 would never see 101. So each transaction that writes an event first takes one lock, held until it
-- commits: events are written one transaction at a time, in commit order. Alerts change a few times a night a
-- premises, so the wait is short (a worker's batch, a few milliseconds).
CREATE FUNCTION alert_event(premises uuid, alert uuid, kind text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(hashtextextended('alert_events', 0));
    INSERT INTO alert_events (premises_id, alert_id, kind) VALUES (premises, alert, kind);
    -- The payload only says where: a listener reads what happened from the table.
    PERFORM pg_notify('ap_alert_events', premises::text);
END $$;

CREATE FUNCTION alerts_event() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM alert_event(NEW.premises_id, NEW.id, 'raised');
    ELSIF OLD.resolved_at IS NULL AND NEW.resolved_at IS NOT NULL THEN
        PERFORM alert_event(NEW.premises_id, NEW.id, 'resolved');
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER alerts_event AFTER INSERT OR UPDATE ON alerts FOR EACH ROW EXECUTE FUNCTION alerts_event();

CREATE FUNCTION alert_acknowledgements_event() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public AS $$
BEGIN
    PERFORM alert_event(NEW.premises_id, NEW.alert_id, 'acknowledged');
    RETURN NULL;
END $$;
CREATE TRIGGER alert_acknowledgements_event AFTER INSERT ON alert_acknowledgements
    FOR EACH ROW EXECUTE FUNCTION alert_acknowledgements_event();
