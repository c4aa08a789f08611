-- Staff sign in to the pages with a username and password (issue 18), as they sign in everywhere else; API tokens
-- stay for `ap` and integrations. Only a bcrypt hash of the password is kept (made in the service process: the
-- password never reaches the database or its logs). A first password, set by an admin or a manager, must be
-- changed at the first sign-in. Five wrong passwords in a row lock the account for 15 minutes.
ALTER TABLE accounts
    ADD COLUMN username text CONSTRAINT accounts_username_key UNIQUE
        CONSTRAINT accounts_username_format CHECK (username ~ '^[a-z][a-z0-9._-]{2,39}$'),
    ADD COLUMN password_hash text CONSTRAINT accounts_password_hash_shape CHECK (password_hash ~ '^\$2[aby]\$'),
    ADD COLUMN password_must_change boolean NOT NULL DEFAULT false,
    ADD COLUMN failed_sign_ins integer NOT NULL DEFAULT 0,
    ADD COLUMN locked_until timestamptz,
    ADD CONSTRAINT accounts_password_needs_username CHECK (password_hash IS NULL OR username IS NOT NULL);

-- A session opened with a password has no token; one opened with a token still ends when the token does.
ALTER TABLE web_sessions ALTER COLUMN token_id DROP NOT NULL;
