-- Events posted to another system's webhook (issue 20): how far each webhook has acknowledged the events, so that
-- a page is posted again until it is taken (at least once; the idempotency key names the page) and never skipped.
CREATE TABLE event_deliveries (
    webhook text PRIMARY KEY,
    -- The last event id the webhook has taken; a webhook first seen starts at the newest event then, not with
    -- every event ever (an integration reads the history through GET /api/v1/events).
    delivered_through bigint NOT NULL,
    attempts integer NOT NULL DEFAULT 0,
    last_error text,
    updated_at timestamptz NOT NULL DEFAULT now()
);
GRANT SELECT, INSERT, UPDATE ON event_deliveries TO ap_app;
