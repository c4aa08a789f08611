-- The limits of APDomain's TextRules and DateRules, held by the database too, for every text column a
-- client fills and every date a record keeps. Columns that already had a limit keep it (the table in
-- TextRules was made to match them). The constraints are NOT VALID: rows written before them are kept as
-- they are (evidence is never rewritten) and every row written or changed from now on is held to them.
DO $$
DECLARE
    c record;
BEGIN
    FOR c IN SELECT * FROM (VALUES
        ('residents', 'practitioner_name', 200), ('residents', 'practitioner_phone', 50),
        ('residents', 'practitioner_email', 254), ('residents', 'contingency_plan', 8000),
        ('premises', 'time_zone', 64),
        ('placements', 'notes', 4000),
        ('out_of_service_periods', 'notes', 4000), ('out_of_service_periods', 'withdrawn_reason', 500),
        ('bed_allocations', 'released_reason', 500),
        ('licence_conditions', 'wording', 4000),
        ('authorised_absences', 'withdrawn_reason', 500),
        ('movements', 'late_reason', 500), ('movements', 'void_reason', 500),
        ('incident_versions', 'police_reference', 50)
    ) AS t(tbl, col, max) LOOP
        EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I CHECK (length(%I) <= %s) NOT VALID',
                       c.tbl, c.tbl || '_' || c.col || '_length', c.col, c.max);
    END LOOP;
END $$;

-- Dates from 1900-01-01 to 2099-12-31 (residents' dates of birth already had theirs).
DO $$
DECLARE
    c record;
    range constant text := 'BETWEEN ''1900-01-01'' AND ''2099-12-31''';
BEGIN
    FOR c IN SELECT * FROM (VALUES
        ('placements', 'expected_arrival'), ('placements', 'expected_departure'),
        ('beds', 'opened_on'), ('licence_conditions', 'starts_on'), ('licence_conditions', 'ends_on')
    ) AS t(tbl, col) LOOP
        EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I CHECK (%I %s) NOT VALID', c.tbl, c.tbl || '_' || c.col || '_range', c.col, range);
    END LOOP;
    FOR c IN SELECT * FROM (VALUES ('bed_allocations'), ('out_of_service_periods')) AS t(tbl) LOOP
        EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I CHECK (lower(nights) >= ''1900-01-01'' AND upper(nights) <= ''2100-01-01'') NOT VALID',
                       c.tbl, c.tbl || '_nights_range');
    END LOOP;
    FOR c IN SELECT * FROM (VALUES
        ('movements', 'at'), ('incident_versions', 'occurred_at'), ('authorised_absences', 'starts_at'), ('authorised_absences', 'ends_at')
    ) AS t(tbl, col) LOOP
        EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I CHECK (%I >= ''1900-01-01T00:00:00Z'' AND %I < ''2100-01-01T00:00:00Z'') NOT VALID',
                       c.tbl, c.tbl || '_' || c.col || '_range', c.col, c.col);
    END LOOP;
END $$;
