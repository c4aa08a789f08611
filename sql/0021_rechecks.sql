-- The alerts must always equal what the corrected record shows (issue 17). Any change to a past night's
-- evidence queues the premises' nights it may change for a re-check, however old: an entry or a report
-- recorded late, a void, an absence added or withdrawn, a curfew or reporting condition added or ended, an
-- arrival or departure recorded after the fact. Triggers queue them, so that no way of writing can forget;
-- the worker (and the one-shot check) re-checks what is queued, resolves the alerts the corrected record no
-- longer supports with a reason built from these rows, and raises what it now shows.

CREATE TABLE rechecks (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    premises_id uuid NOT NULL REFERENCES premises (id),
    resident_id uuid NOT NULL REFERENCES residents (id),
    -- The nights (named by the date each starts) that the change may alter, both included.
    first_night date NOT NULL,
    last_night date NOT NULL,
    change text NOT NULL CONSTRAINT rechecks_change_values CHECK (change IN (
        'entry_recorded_late', 'entry_voided', 'report_recorded_late', 'absence_added', 'absence_withdrawn',
        'condition_added', 'condition_ended', 'arrival_recorded', 'departure_recorded')),
    -- The time the evidence is about (an entry's, a report's, an absence's start, an arrival's), if any.
    about timestamptz,
    -- 'in' or 'out' for an entry recorded late or voided.
    entry_kind text,
    recorded_at timestamptz NOT NULL DEFAULT now(),
    -- Who made the change, as the audit log names them (staff:<id>, worker, system).
    actor text NOT NULL DEFAULT current_actor(),
    reason text NOT NULL DEFAULT '',
    rechecked_at timestamptz,
    CONSTRAINT rechecks_nights_in_order CHECK (first_night <= last_night)
);
CREATE INDEX rechecks_due ON rechecks (id) WHERE rechecked_at IS NULL;
CREATE INDEX rechecks_resident ON rechecks (resident_id, last_night);
-- Only the time it was re-checked is ever set; the rest is the record of what changed.
CREATE TRIGGER rechecks_history BEFORE UPDATE ON rechecks
    FOR EACH ROW EXECUTE FUNCTION refuse_change_except('rechecked_at');
CREATE TRIGGER rechecks_no_delete BEFORE DELETE ON rechecks FOR EACH ROW EXECUTE FUNCTION refuse_change();
GRANT SELECT, UPDATE ON rechecks TO ap_app;
ALTER TABLE rechecks ENABLE ROW LEVEL SECURITY;
CREATE POLICY premises_scope ON rechecks
    USING ((SELECT ap_sees_all()) OR premises_id = ANY ((SELECT ap_premises())::uuid[]))
    WITH CHECK ((SELECT ap_sees_all()) OR premises_id = ANY ((SELECT ap_premises())::uuid[]));

-- Queues one premises' nights from `first` to `last`, but none after the night in progress there (the
-- regular check sees those anyway). Always queued, never skipped here for a night not checked yet: a check of
-- that night may be running and not yet committed. The worker leaves out what no check will ever see (see
-- CurfewWorker.recheckOnce). `recorded` is when the change was made, by the clock of whoever made it. Runs as
-- the owner: a change made at one premises may touch nights the
-- resident spent at another, which the caller's row-level security would not let it write.
CREATE FUNCTION queue_recheck(premises uuid, resident uuid, first date, last date, change text, about timestamptz,
                              entry_kind text, reason text, recorded timestamptz) RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path = public AS $$
    INSERT INTO rechecks (premises_id, resident_id, first_night, last_night, change, about, entry_kind, reason,
                          recorded_at)
    SELECT p.id, resident, first, least(last, t.today), change, about, entry_kind, coalesce(reason, ''), recorded
    FROM premises p
    CROSS JOIN LATERAL (SELECT (now() AT TIME ZONE p.time_zone)::date AS today) AS t
    WHERE p.id = premises AND first <= t.today
$$;

-- The nights an instant can bear on: a night runs from noon on its date to noon two days later, so an
-- instant is in the spans of the two nights before its local date at most; and an entry stands until the next,
-- so every night since may change.
CREATE FUNCTION queue_recheck_since(premises uuid, resident uuid, since timestamptz, change text,
                                    entry_kind text, reason text, recorded timestamptz) RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path = public AS $$
    SELECT queue_recheck(premises, resident, (since AT TIME ZONE p.time_zone)::date - 2, 'infinity'::date, change,
                         since, entry_kind, reason, recorded)
    FROM premises p WHERE p.id = premises
$$;

-- A resident's change (an absence, a condition) touches every premises they stayed at over those nights.
CREATE FUNCTION queue_recheck_resident(resident uuid, first date, last date, change text, about timestamptz,
                                       reason text) RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path = public AS $$
    SELECT queue_recheck(s.premises_id, resident, first, last, change, about, NULL, reason, now())
    FROM (SELECT DISTINCT p.premises_id FROM placements p
          WHERE p.resident_id = resident AND p.status IN ('arrived', 'departed')
            AND p.arrived_at < (last + 3)::timestamptz
            AND (p.departed_at IS NULL OR p.departed_at > (first - 1)::timestamptz)) AS s
$$;

-- An entry is late when the store judged it so (MovementRules.isLate, by the recording clock) and kept its
-- reason. A void's own time is when it was recorded.
CREATE FUNCTION movements_queue_recheck() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public AS $$
DECLARE
    target record;
BEGIN
    IF NEW.kind = 'void' THEN
        SELECT kind, at INTO target FROM movements WHERE id = NEW.voids;
        PERFORM queue_recheck_since(NEW.premises_id, NEW.resident_id, target.at, 'entry_voided', target.kind,
                                    NEW.void_reason, NEW.at);
    ELSIF NEW.late_reason IS NOT NULL THEN
        PERFORM queue_recheck_since(NEW.premises_id, NEW.resident_id, NEW.at, 'entry_recorded_late', NEW.kind,
                                    NEW.late_reason, NEW.recorded_at);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER movements_queue_recheck AFTER INSERT ON movements
    FOR EACH ROW EXECUTE FUNCTION movements_queue_recheck();

CREATE FUNCTION reports_queue_recheck() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
    IF NEW.at < NEW.recorded_at - interval '5 minutes' THEN
        PERFORM queue_recheck_since(NEW.premises_id, NEW.resident_id, NEW.at, 'report_recorded_late', NULL, NEW.note,
                                    NEW.recorded_at);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER reports_queue_recheck AFTER INSERT ON reports FOR EACH ROW EXECUTE FUNCTION reports_queue_recheck();

CREATE FUNCTION authorised_absences_queue_recheck() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM queue_recheck_resident(NEW.resident_id, (NEW.starts_at - interval '2 days')::date,
                                       (NEW.ends_at + interval '1 day')::date, 'absence_added', NEW.starts_at,
                                       NEW.reason);
    ELSIF OLD.withdrawn_at IS NULL AND NEW.withdrawn_at IS NOT NULL THEN
        PERFORM queue_recheck_resident(NEW.resident_id, (NEW.starts_at - interval '2 days')::date,
                                       (NEW.ends_at + interval '1 day')::date, 'absence_withdrawn', NEW.starts_at,
                                       NEW.withdrawn_reason);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER authorised_absences_queue_recheck AFTER INSERT OR UPDATE ON authorised_absences
    FOR EACH ROW EXECUTE FUNCTION authorised_absences_queue_recheck();

-- Only the conditions the check reads. A condition's end is the first night it no longer applies.
CREATE FUNCTION licence_conditions_queue_recheck() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public AS $$
BEGIN
    IF NEW.kind NOT IN ('curfew', 'reporting') THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'INSERT' THEN
        PERFORM queue_recheck_resident(NEW.resident_id, NEW.starts_on, coalesce(NEW.ends_on - 1, 'infinity'::date),
                                       'condition_added', NULL, NEW.wording);
    ELSIF NEW.ends_on IS DISTINCT FROM OLD.ends_on THEN
        PERFORM queue_recheck_resident(NEW.resident_id, NEW.ends_on, coalesce(OLD.ends_on - 1, 'infinity'::date),
                                       'condition_ended', NULL, NEW.wording);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER licence_conditions_queue_recheck AFTER INSERT OR UPDATE ON licence_conditions
    FOR EACH ROW EXECUTE FUNCTION licence_conditions_queue_recheck();

-- An arrival or departure recorded after the fact changes who was placed on the nights since.
CREATE FUNCTION placements_queue_recheck() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public AS $$
BEGIN
    IF NEW.arrived_at IS DISTINCT FROM OLD.arrived_at AND NEW.arrived_at < now() - interval '5 minutes' THEN
        PERFORM queue_recheck_since(NEW.premises_id, NEW.resident_id, NEW.arrived_at, 'arrival_recorded', NULL, NULL,
                                    now());
    END IF;
    IF NEW.departed_at IS DISTINCT FROM OLD.departed_at AND NEW.departed_at < now() - interval '5 minutes' THEN
        PERFORM queue_recheck_since(NEW.premises_id, NEW.resident_id, NEW.departed_at, 'departure_recorded', NULL,
                                    NULL, now());
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER placements_queue_recheck AFTER UPDATE ON placements
    FOR EACH ROW EXECUTE FUNCTION placements_queue_recheck();

-- An alert is raised once for each breach the record shows. When a correction takes one away, the alert is
-- resolved and stays; should a later correction show the breach again, it is a new alert with its own
-- history. So the rule is one open alert of a kind for a resident's night, not one ever.
ALTER TABLE alerts DROP CONSTRAINT alerts_once_per_night;
CREATE UNIQUE INDEX alerts_open_once_per_night ON alerts (resident_id, night, kind) WHERE resolved_at IS NULL;
CREATE INDEX alerts_resident_night ON alerts (resident_id, night);

-- Every alert is queued for the webhook, whichever process raised it; the deliverer sends only what is
-- recent, so that a webhook configured later is not flooded with old alerts.
CREATE INDEX alert_outbox_created ON alert_outbox (created_at) WHERE delivered_at IS NULL;

-- An entry's recorded time is the recording clock's, the one that judged it late or not (MovementRules): the
-- reason an alert is resolved with says when the correction was made, by the same clock as what it corrects.
DROP FUNCTION record_movement(text, text, text, uuid, uuid, text, timestamptz, uuid, text, timestamptz, text, text);
CREATE FUNCTION record_movement(actor text, origin text, premises_scope text, premises uuid, resident uuid, kind text,
                                at timestamptz, recorded_by uuid, destination text, expected_back timestamptz,
                                note text,
                                late_reason text, recorded timestamptz) RETURNS SETOF movements LANGUAGE plpgsql AS $$
DECLARE
    stay record;
    last record;
BEGIN
    PERFORM set_config('ap.actor', actor, true), set_config('ap.origin', origin, true),
            set_config('ap.premises', premises_scope, true), set_config('role', 'ap_app', true);
    SELECT p.id, p.arrived_at INTO stay FROM placements p
    WHERE p.resident_id = resident AND p.premises_id = premises AND p.status = 'arrived'
    ORDER BY p.arrived_at DESC, p.id LIMIT 1 FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'the resident is not staying at this premises' USING CONSTRAINT = 'movements_resident_staying';
    END IF;
    IF record_movement.at < stay.arrived_at THEN
        RAISE EXCEPTION 'that time is before the resident arrived' USING CONSTRAINT = 'movements_after_arrival';
    END IF;
    -- One backward probe of the (placement_id, at, seq) index, whatever the length of the stay.
    SELECT m.kind, m.at INTO last FROM counted_movements m WHERE m.placement_id = stay.id
    ORDER BY m.at DESC, m.seq DESC LIMIT 1;
    IF coalesce(last.kind, 'in') = record_movement.kind THEN
        RAISE EXCEPTION 'the resident is already %', CASE record_movement.kind WHEN 'in' THEN 'in' ELSE 'out' END
            USING CONSTRAINT = CASE record_movement.kind WHEN 'in' THEN 'movements_not_already_in'
                                                         ELSE 'movements_not_already_out' END;
    END IF;
    IF record_movement.at < last.at THEN
        RAISE EXCEPTION 'the last entry is later than that time' USING CONSTRAINT = 'movements_in_order';
    END IF;
    RETURN QUERY
    INSERT INTO movements (premises_id, placement_id, resident_id, kind, at, recorded_at, recorded_by, destination,
                           expected_back, note, late_reason)
    VALUES (premises, stay.id, resident, kind, record_movement.at, recorded, recorded_by, destination, expected_back,
            note, late_reason)
    RETURNING *;
END $$;
