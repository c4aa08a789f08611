-- Alerts waiting to be delivered to the optional webhook (at least once, with an idempotency key).
-- pgcrypto signs each body with HMAC-SHA256 (a trusted extension: no superuser needed).
CREATE EXTENSION IF NOT EXISTS pgcrypto;

CREATE TABLE alert_outbox (
    alert_id uuid PRIMARY KEY REFERENCES alerts (id),
    -- What is posted, as written when the alert was raised. An escalated alert carries the resident's
    -- out-of-hours contingency plan and practitioner, for whoever acts on it at night.
    payload jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    attempts integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    delivered_at timestamptz,
    last_error text
);
CREATE INDEX alert_outbox_due ON alert_outbox (next_attempt_at) WHERE delivered_at IS NULL;
GRANT SELECT, INSERT, UPDATE ON alert_outbox TO ap_app;
