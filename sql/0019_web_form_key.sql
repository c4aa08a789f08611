-- The key that signs the CSRF token of the sign-in form (the one form shown before there is a session).
-- The token was a random value the browser sent back both as a cookie and in the form, so a client could
-- choose any value it liked and pass; now it must be one this service issued. Kept in the database so
-- that every service process accepts the forms of the others. Only the owner role (the service's own
-- connection, never a request's) reads it.
CREATE TABLE web_form_key (
    only_row boolean PRIMARY KEY DEFAULT true CONSTRAINT web_form_key_one_row CHECK (only_row),
    -- 244 random bits from PostgreSQL's strong random source (gen_random_uuid), as hex.
    key text NOT NULL DEFAULT replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', '')
);
INSERT INTO web_form_key DEFAULT VALUES;
REVOKE ALL ON web_form_key FROM ap_app;
