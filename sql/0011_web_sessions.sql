-- Sessions of the web dashboard: a browser signs in with an account's API token and gets a session
-- cookie. Only the session id's hash is kept, as for tokens; each session has its own CSRF token.
CREATE TABLE web_sessions (
    id uuid NOT NULL DEFAULT gen_random_uuid() UNIQUE,  -- names the session in the audit log
    id_hash text PRIMARY KEY,
    account_id uuid NOT NULL REFERENCES accounts (id),
    token_id uuid NOT NULL REFERENCES api_tokens (id),
    csrf text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    ended_at timestamptz
);
CREATE INDEX web_sessions_account ON web_sessions (account_id);
CREATE TRIGGER web_sessions_audit AFTER INSERT OR UPDATE ON web_sessions FOR EACH ROW EXECUTE FUNCTION audit_write();
GRANT SELECT, INSERT, UPDATE ON web_sessions TO ap_app;
