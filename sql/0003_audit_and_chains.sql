-- Who did what, and evidence that nothing was changed behind the application's back.
--
-- ap_app is the role the application acts as (SET ROLE ap_app): it may read and add, and change only
-- what the schema lets it change; it may never alter the sign-in/out log, incident versions, alert
-- acknowledgements or the audit log. Triggers refuse those changes to every role as a second wall.

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'ap_app') THEN
        CREATE ROLE ap_app NOLOGIN;
    END IF;
EXCEPTION
    WHEN duplicate_object THEN NULL;  -- made by a concurrent migration of another database
    WHEN insufficient_privilege THEN
        RAISE EXCEPTION 'the application role ap_app does not exist and this role may not create it'
            USING HINT = 'as a superuser: CREATE ROLE ap_app NOLOGIN; GRANT ap_app TO the migrating role';
END $$;
DO $$
BEGIN
    IF NOT pg_has_role(current_user, 'ap_app', 'MEMBER') THEN
        EXECUTE format('GRANT ap_app TO %I', current_user);
    END IF;
END $$;

-- The actor of the current transaction, set by the store (set_config('ap.actor', ..., true)).
-- Writes made with none (migrations, seeding) are the system's.
CREATE FUNCTION current_actor() RETURNS text LANGUAGE sql STABLE AS $$
    SELECT coalesce(nullif(current_setting('ap.actor', true), ''), 'system')
$$;
CREATE FUNCTION current_origin() RETURNS text LANGUAGE sql STABLE AS $$
    SELECT coalesce(nullif(current_setting('ap.origin', true), ''), current_setting('application_name'))
$$;

CREATE TABLE audit_log (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at timestamptz NOT NULL DEFAULT clock_timestamp(),
    actor text NOT NULL,
    origin text NOT NULL,
    action text NOT NULL CONSTRAINT audit_log_action_values CHECK (action IN ('insert', 'update', 'read', 'refused')),
    table_name text NOT NULL,
    row_id text,
    -- Which columns an update changed: names only, never values (the values are in the table itself).
    columns text[] NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_row ON audit_log (table_name, row_id);

-- Rows of these tables never change once written.
CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% rows are never changed or deleted; record a correction instead', TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege', CONSTRAINT = TG_TABLE_NAME || '_append_only';
END $$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log EXECUTE FUNCTION refuse_change();

CREATE FUNCTION audit_write() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    changed text[] := '{}';
    new_row jsonb := to_jsonb(NEW);
BEGIN
    IF TG_OP = 'UPDATE' THEN
        SELECT coalesce(array_agg(key ORDER BY key), '{}') INTO changed
        FROM jsonb_each(new_row) AS n(key, value) WHERE n.value IS DISTINCT FROM to_jsonb(OLD) -> n.key;
    END IF;
    INSERT INTO audit_log (actor, origin, action, table_name, row_id, columns)
    VALUES (current_actor(), current_origin(), lower(TG_OP), TG_TABLE_NAME,
            coalesce(new_row ->> 'id', new_row ->> 'incident_id', new_row ->> 'staff_id'), changed);
    RETURN NULL;
END $$;

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['premises', 'rooms', 'beds', 'staff', 'staff_premises', 'residents', 'placements',
                             'out_of_service_periods', 'bed_allocations'] LOOP
        EXECUTE format('CREATE TRIGGER %I AFTER INSERT OR UPDATE ON %I FOR EACH ROW EXECUTE FUNCTION audit_write()', t || '_audit', t);
    END LOOP;
END $$;

-- Hash chains: each chained row carries its place in its premises' chain (seq), the previous row's
-- hash and its own: sha256 of the previous hash and the row's canonical JSON (jsonb sorts its keys;
-- the functions run in UTC so that no session's TimeZone changes the text). Appending locks the
-- chain's head, so a premises' chain has no forks.
CREATE TABLE chain_heads (
    chain text NOT NULL,
    premises_id uuid NOT NULL REFERENCES premises (id),
    seq bigint NOT NULL,
    hash text NOT NULL,
    PRIMARY KEY (chain, premises_id)
);

CREATE FUNCTION chain_hash(previous text, row_json jsonb) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT encode(sha256(convert_to(previous || (row_json - 'hash')::text, 'UTF8')), 'hex')
$$;

CREATE FUNCTION chain_append() RETURNS trigger LANGUAGE plpgsql SET timezone = 'UTC' AS $$
DECLARE head chain_heads;
BEGIN
    SELECT * INTO head FROM chain_heads WHERE chain = TG_TABLE_NAME AND premises_id = NEW.premises_id FOR UPDATE;
    IF NOT FOUND THEN  -- the premises' first entry in this chain
        INSERT INTO chain_heads (chain, premises_id, seq, hash) VALUES (TG_TABLE_NAME, NEW.premises_id, 0, '') ON CONFLICT DO NOTHING;
        SELECT * INTO head FROM chain_heads WHERE chain = TG_TABLE_NAME AND premises_id = NEW.premises_id FOR UPDATE;
    END IF;
    NEW.seq := head.seq + 1;
    NEW.prev_hash := head.hash;
    NEW.hash := chain_hash(head.hash, to_jsonb(NEW));
    UPDATE chain_heads SET seq = NEW.seq, hash = NEW.hash WHERE chain = TG_TABLE_NAME AND premises_id = NEW.premises_id;
    RETURN NEW;
END $$;

-- The first row of a premises' chain in `tbl` whose hash or link does not hold, or NULL when all do.
CREATE FUNCTION chain_first_break(tbl regclass, premises uuid) RETURNS bigint LANGUAGE plpgsql STABLE SET timezone = 'UTC' AS $$
DECLARE broken bigint;
BEGIN
    EXECUTE format($q$
        SELECT min(seq) FROM (
            SELECT seq, hash, prev_hash, lag(hash, 1, '') OVER (ORDER BY seq) AS before, lag(seq, 1, 0::bigint) OVER (ORDER BY seq) AS seq_before,
                   chain_hash(prev_hash, to_jsonb(t)) AS recomputed
            FROM %s AS t WHERE premises_id = $1) AS c
        WHERE hash <> recomputed OR prev_hash <> before OR seq <> seq_before + 1
        $q$, tbl) INTO broken USING premises;
    -- Rows deleted from the end leave a head that points past the table: the first missing one is broken.
    IF broken IS NULL THEN
        EXECUTE format($q$
            SELECT coalesce((SELECT max(seq) FROM %s WHERE premises_id = $1), 0) + 1 FROM chain_heads h
            WHERE h.chain = %L AND h.premises_id = $1
              AND h.hash <> coalesce((SELECT hash FROM %s WHERE premises_id = $1 ORDER BY seq DESC LIMIT 1), '')
            $q$, tbl, tbl::text, tbl) INTO broken USING premises;
    END IF;
    RETURN broken;
END $$;

GRANT SELECT ON ALL TABLES IN SCHEMA public TO ap_app;
GRANT INSERT ON audit_log TO ap_app;
GRANT INSERT, UPDATE ON chain_heads TO ap_app;
GRANT INSERT, UPDATE ON premises, rooms, beds, staff, residents, placements, out_of_service_periods, bed_allocations TO ap_app;
GRANT INSERT ON staff_premises TO ap_app;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO ap_app;
