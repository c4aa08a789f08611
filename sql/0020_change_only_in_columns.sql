-- One rule for rows that may change only in some columns: licence conditions (only their end) and alerts
-- (only their resolution) each had their own copy of it (0004, 0005). The part that is the same is now one
-- function, given the columns that may change; what is particular to each table stays beside it.
CREATE FUNCTION refuse_change_except() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (to_jsonb(NEW) - TG_ARGV) IS DISTINCT FROM (to_jsonb(OLD) - TG_ARGV) THEN
        RAISE EXCEPTION '% may change only in %', TG_TABLE_NAME, array_to_string(TG_ARGV, ', ')
            USING CONSTRAINT = TG_TABLE_NAME || '_history';
    END IF;
    RETURN NEW;
END $$;

-- A condition is varied by ending it and starting another: its end may be set, or brought forward.
CREATE OR REPLACE FUNCTION licence_conditions_check_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.ends_on IS NULL OR (OLD.ends_on IS NOT NULL AND NEW.ends_on > OLD.ends_on) THEN
        RAISE EXCEPTION 'a licence condition is varied by ending it and starting another' USING CONSTRAINT = 'licence_conditions_history';
    END IF;
    RETURN NEW;
END $$;

-- An alert is resolved once.
CREATE OR REPLACE FUNCTION alerts_check_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.resolved_at IS NOT NULL THEN
        RAISE EXCEPTION 'an alert is never changed; it is resolved once, with a reason' USING CONSTRAINT = 'alerts_history';
    END IF;
    RETURN NEW;
END $$;

-- Triggers fire in name order: the columns first, then the table's own rule.
CREATE TRIGGER alerts_change_columns BEFORE UPDATE ON alerts
    FOR EACH ROW EXECUTE FUNCTION refuse_change_except('resolved_at', 'resolved_reason');
CREATE TRIGGER licence_conditions_change_columns BEFORE UPDATE ON licence_conditions
    FOR EACH ROW EXECUTE FUNCTION refuse_change_except('ends_on');
