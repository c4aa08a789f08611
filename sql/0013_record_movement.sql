-- Recording a movement in one statement. Under load, a sign-out or sign-in held its premises' chain
-- head locked from its INSERT until the client's COMMIT arrived, a round trip later, and every other
-- entry at that premises waited for it. As one statement run on its own (autocommit), the lock is held
-- only while the statement finishes and commits.
--
-- It takes the caller's actor and premises scope as the store's `acting` does, for this transaction
-- only, and the application role, so that row-level security and the audit trail apply as for any
-- other write. Each statement of a plpgsql function sees a fresh snapshot: the last entry is read
-- after the placement's lock is held, so two staff recording one resident at once take turns.
-- A refusal names a constraint, which the store turns into its error with the field at fault.
CREATE FUNCTION record_movement(actor text, origin text, premises_scope text, premises uuid, resident uuid, kind text,
                                at timestamptz, recorded_by uuid, destination text, expected_back timestamptz, note text,
                                late_reason text) RETURNS SETOF movements LANGUAGE plpgsql AS $$
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
    SELECT m.kind, m.at INTO last FROM counted_movements m WHERE m.placement_id = stay.id ORDER BY m.at DESC, m.seq DESC LIMIT 1;
    IF coalesce(last.kind, 'in') = record_movement.kind THEN
        RAISE EXCEPTION 'the resident is already %', CASE record_movement.kind WHEN 'in' THEN 'in' ELSE 'out' END
            USING CONSTRAINT = CASE record_movement.kind WHEN 'in' THEN 'movements_not_already_in' ELSE 'movements_not_already_out' END;
    END IF;
    IF record_movement.at < last.at THEN
        RAISE EXCEPTION 'the last entry is later than that time' USING CONSTRAINT = 'movements_in_order';
    END IF;
    RETURN QUERY
    INSERT INTO movements (premises_id, placement_id, resident_id, kind, at, recorded_by, destination, expected_back, note, late_reason)
    VALUES (premises, stay.id, resident, kind, record_movement.at, recorded_by, destination, expected_back, note, late_reason)
    RETURNING *;
END $$;
