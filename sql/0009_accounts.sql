-- Accounts and their API tokens. A token is shown once when issued; only its SHA-256 is kept.
CREATE TABLE accounts (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    -- The staff member the account is (none for the worker's service account).
    staff_id uuid UNIQUE REFERENCES staff (id),
    name text NOT NULL CONSTRAINT accounts_name_length CHECK (length(name) BETWEEN 1 AND 200),
    role text NOT NULL CONSTRAINT accounts_role_values CHECK (role IN ('staff', 'manager', 'admin', 'worker')),
    created_at timestamptz NOT NULL DEFAULT now(),
    disabled_at timestamptz,
    CONSTRAINT accounts_staff_or_worker CHECK ((role = 'worker') = (staff_id IS NULL))
);

CREATE TABLE api_tokens (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    account_id uuid NOT NULL REFERENCES accounts (id),
    token_hash text NOT NULL CONSTRAINT api_tokens_hash_key UNIQUE CONSTRAINT api_tokens_hash_shape CHECK (token_hash ~ '^[0-9a-f]{64}$'),
    -- The token's first characters, so that people can tell their tokens apart without the secret.
    prefix text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    revoked_at timestamptz,
    CONSTRAINT api_tokens_expires_after_created CHECK (expires_at > created_at - interval '1 minute')
);
CREATE INDEX api_tokens_account ON api_tokens (account_id);

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['accounts', 'api_tokens'] LOOP
        EXECUTE format('CREATE TRIGGER %I AFTER INSERT OR UPDATE ON %I FOR EACH ROW EXECUTE FUNCTION audit_write()', t || '_audit', t);
    END LOOP;
END $$;
GRANT SELECT, INSERT, UPDATE ON accounts, api_tokens TO ap_app;
