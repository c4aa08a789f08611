-- The curfew nights the worker has checked: when last, and whether the night is over and reconciled.
-- After a stop, the worker starts from the nights not yet reconciled (up to its look-back).
CREATE TABLE curfew_checks (
    premises_id uuid NOT NULL REFERENCES premises (id),
    night date NOT NULL,
    checked_at timestamptz NOT NULL,
    reconciled_at timestamptz,
    PRIMARY KEY (premises_id, night)
);
GRANT SELECT, INSERT, UPDATE ON curfew_checks TO ap_app;
