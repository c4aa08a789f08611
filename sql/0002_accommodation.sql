-- Premises, rooms, beds, staff, residents, placements, bed allocations and out-of-service periods.
-- Rules the database can hold, it holds: a rule broken in code is refused here, with a constraint
-- name the store maps to a clear error. Every RAISE names its rule with CONSTRAINT for that reason.

CREATE TABLE premises (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    code text NOT NULL CONSTRAINT premises_code_key UNIQUE
        CONSTRAINT premises_code_format CHECK (code ~ '^[A-Z0-9][A-Z0-9-]{1,15}$'),
    name text NOT NULL CONSTRAINT premises_name_length CHECK (length(name) BETWEEN 1 AND 200),
    region text NOT NULL CONSTRAINT premises_region_length CHECK (length(region) BETWEEN 1 AND 200),
    gender text NOT NULL CONSTRAINT premises_gender_values CHECK (gender IN ('male', 'female')),
    time_zone text NOT NULL DEFAULT 'Europe/London',
    curfew_start time NOT NULL DEFAULT '23:00',
    curfew_end time NOT NULL DEFAULT '06:00',
    ap_type text NOT NULL DEFAULT 'normal' CONSTRAINT premises_ap_type_values CHECK (ap_type IN ('normal', 'pipe', 'esap', 'recovery')),
    characteristics text[] NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now()
);

-- A time zone must be one PostgreSQL knows, or every curfew at the premises would be wrong.
CREATE FUNCTION premises_check_time_zone() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_timezone_names WHERE name = NEW.time_zone) THEN
        RAISE EXCEPTION 'unknown time zone' USING CONSTRAINT = 'premises_time_zone_known';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER premises_time_zone BEFORE INSERT OR UPDATE OF time_zone ON premises
    FOR EACH ROW EXECUTE FUNCTION premises_check_time_zone();

CREATE TABLE rooms (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    premises_id uuid NOT NULL REFERENCES premises (id),
    code text NOT NULL CONSTRAINT rooms_code_length CHECK (length(code) BETWEEN 1 AND 20),
    characteristics text[] NOT NULL DEFAULT '{}' CONSTRAINT rooms_characteristics_values
        CHECK (characteristics <@ ARRAY['single', 'en_suite', 'wheelchair', 'step_free', 'arson_suitable', 'sex_offence_suitable']),
    CONSTRAINT rooms_code_key UNIQUE (premises_id, code),
    UNIQUE (id, premises_id)
);

-- A bed carries its premises too (kept equal to its room's by the foreign key), so that the
-- questions asked most, per premises and night, need no join through rooms.
CREATE TABLE beds (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    room_id uuid NOT NULL,
    premises_id uuid NOT NULL,
    code text NOT NULL CONSTRAINT beds_code_length CHECK (length(code) BETWEEN 1 AND 20),
    opened_on date NOT NULL,
    closed_on date,
    CONSTRAINT beds_room_fkey FOREIGN KEY (room_id, premises_id) REFERENCES rooms (id, premises_id),
    CONSTRAINT beds_code_key UNIQUE (premises_id, code),
    CONSTRAINT beds_closed_after_opened CHECK (closed_on IS NULL OR closed_on > opened_on)
);
CREATE INDEX beds_premises ON beds (premises_id);

CREATE TABLE staff (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name text NOT NULL CONSTRAINT staff_name_length CHECK (length(name) BETWEEN 1 AND 200),
    role text NOT NULL CONSTRAINT staff_role_values CHECK (role IN ('staff', 'manager', 'admin')),
    active boolean NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- The premises a staff member works at (a regional manager may work at several).
CREATE TABLE staff_premises (
    staff_id uuid NOT NULL REFERENCES staff (id),
    premises_id uuid NOT NULL REFERENCES premises (id),
    PRIMARY KEY (staff_id, premises_id)
);

CREATE TABLE residents (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    crn text NOT NULL CONSTRAINT residents_crn_key UNIQUE
        CONSTRAINT residents_crn_format CHECK (crn ~ '^[A-Z][0-9]{6}$'),
    given_name text NOT NULL CONSTRAINT residents_given_name_length CHECK (length(given_name) BETWEEN 1 AND 200),
    family_name text NOT NULL CONSTRAINT residents_family_name_length CHECK (length(family_name) BETWEEN 1 AND 200),
    date_of_birth date NOT NULL CONSTRAINT residents_date_of_birth_range CHECK (date_of_birth BETWEEN '1900-01-01' AND '2100-01-01'),
    gender text NOT NULL CONSTRAINT residents_gender_values CHECK (gender IN ('male', 'female')),
    rosh text NOT NULL CONSTRAINT residents_rosh_values CHECK (rosh IN ('low', 'medium', 'high', 'very_high')),
    mappa_category smallint CONSTRAINT residents_mappa_category_range CHECK (mappa_category BETWEEN 1 AND 4),
    mappa_level smallint CONSTRAINT residents_mappa_level_range CHECK (mappa_level BETWEEN 1 AND 3),
    practitioner_name text NOT NULL,
    practitioner_phone text NOT NULL DEFAULT '',
    practitioner_email text NOT NULL DEFAULT '',
    contingency_plan text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT residents_mappa_both_or_neither CHECK ((mappa_category IS NULL) = (mappa_level IS NULL))
);

CREATE TABLE placements (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    resident_id uuid NOT NULL REFERENCES residents (id),
    premises_id uuid NOT NULL REFERENCES premises (id),
    expected_arrival date NOT NULL,
    expected_departure date NOT NULL,
    status text NOT NULL DEFAULT 'upcoming'
        CONSTRAINT placements_status_values CHECK (status IN ('upcoming', 'arrived', 'departed', 'cancelled', 'non_arrival')),
    key_worker_id uuid REFERENCES staff (id),
    arrived_at timestamptz,
    departed_at timestamptz,
    departure_reason text CONSTRAINT placements_departure_reason_values CHECK (departure_reason IN
        ('planned_move_on', 'breach_recall_curfew', 'breach_licence_condition', 'positive_drugs_test', 'absconded', 'behaviour', 'other')),
    cancellation_reason text CONSTRAINT placements_cancellation_reason_values CHECK (cancellation_reason IN
        ('alternative_provision', 'risk_changed', 'withdrawn_by_practitioner', 'error', 'other')),
    non_arrival_reason text CONSTRAINT placements_non_arrival_reason_values CHECK (non_arrival_reason IN
        ('recalled', 'remanded_in_custody', 'failed_to_arrive', 'hospitalised', 'other')),
    ended_at timestamptz,  -- when it was cancelled or its non-arrival recorded
    notes text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT placements_departure_after_arrival CHECK (expected_departure > expected_arrival),
    -- Each status carries exactly what it says happened.
    CONSTRAINT placements_status_facts CHECK (CASE status
        WHEN 'upcoming' THEN arrived_at IS NULL AND departed_at IS NULL AND ended_at IS NULL
        WHEN 'arrived' THEN arrived_at IS NOT NULL AND departed_at IS NULL AND ended_at IS NULL
        WHEN 'departed' THEN arrived_at IS NOT NULL AND departed_at >= arrived_at AND departure_reason IS NOT NULL
        WHEN 'cancelled' THEN arrived_at IS NULL AND ended_at IS NOT NULL AND cancellation_reason IS NOT NULL
        WHEN 'non_arrival' THEN arrived_at IS NULL AND ended_at IS NOT NULL AND non_arrival_reason IS NOT NULL
    END),
    -- A resident cannot be expected in two places at once.
    CONSTRAINT placements_no_overlap EXCLUDE USING gist (
        resident_id WITH =, daterange(expected_arrival, expected_departure) WITH &&
    ) WHERE (status IN ('upcoming', 'arrived'))
);
CREATE INDEX placements_premises ON placements (premises_id, expected_arrival);
CREATE INDEX placements_resident ON placements (resident_id);

-- Only the lifecycle's transitions; and a placement's resident and premises never change.
CREATE FUNCTION placements_check() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.status <> 'upcoming' THEN
            RAISE EXCEPTION 'a placement starts as upcoming' USING CONSTRAINT = 'placements_transition';
        END IF;
        IF (SELECT gender FROM residents WHERE id = NEW.resident_id) IS DISTINCT FROM
           (SELECT gender FROM premises WHERE id = NEW.premises_id) THEN
            RAISE EXCEPTION 'the resident''s gender does not match the premises' USING CONSTRAINT = 'placements_gender_matches_premises';
        END IF;
        RETURN NEW;
    END IF;
    IF NEW.resident_id <> OLD.resident_id OR NEW.premises_id <> OLD.premises_id THEN
        RAISE EXCEPTION 'a placement''s resident and premises never change' USING CONSTRAINT = 'placements_fixed';
    END IF;
    IF NEW.status <> OLD.status AND NOT (
        (OLD.status = 'upcoming' AND NEW.status IN ('arrived', 'cancelled', 'non_arrival')) OR
        (OLD.status = 'arrived' AND NEW.status = 'departed')) THEN
        RAISE EXCEPTION 'placement status cannot change from % to %', OLD.status, NEW.status USING CONSTRAINT = 'placements_transition';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER placements_check BEFORE INSERT OR UPDATE ON placements FOR EACH ROW EXECUTE FUNCTION placements_check();

-- A bed out of service for a range of nights. A change withdraws the period and, when it is a
-- revision, records the one that replaces it: the history of a bed is every row.
CREATE TABLE out_of_service_periods (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    bed_id uuid NOT NULL REFERENCES beds (id),
    nights daterange NOT NULL CONSTRAINT out_of_service_nights_bounded
        CHECK (NOT isempty(nights) AND lower_inc(nights) AND NOT upper_inc(nights) AND NOT lower_inf(nights) AND NOT upper_inf(nights)),
    reason text NOT NULL CONSTRAINT out_of_service_reason_values CHECK (reason IN
        ('planned_refurbishment', 'damage_by_resident', 'staff_shortage', 'single_occupancy', 'bed_on_hold', 'other')),
    notes text NOT NULL DEFAULT '',
    recorded_by uuid REFERENCES staff (id),
    recorded_at timestamptz NOT NULL DEFAULT now(),
    replaces uuid REFERENCES out_of_service_periods (id),
    withdrawn_at timestamptz,
    withdrawn_by uuid REFERENCES staff (id),
    withdrawn_reason text,
    CONSTRAINT out_of_service_no_overlap EXCLUDE USING gist (bed_id WITH =, nights WITH &&) WHERE (withdrawn_at IS NULL)
);

-- Which placement occupies which bed over which nights. A bed move ends one allocation and starts the
-- next; a released allocation keeps its row with released_at set.
CREATE TABLE bed_allocations (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    placement_id uuid NOT NULL REFERENCES placements (id),
    bed_id uuid NOT NULL REFERENCES beds (id),
    nights daterange NOT NULL CONSTRAINT bed_allocations_nights_bounded
        CHECK (NOT isempty(nights) AND lower_inc(nights) AND NOT upper_inc(nights) AND NOT lower_inf(nights) AND NOT upper_inf(nights)),
    created_at timestamptz NOT NULL DEFAULT now(),
    released_at timestamptz,
    released_reason text,
    CONSTRAINT bed_allocations_no_double_booking EXCLUDE USING gist (bed_id WITH =, nights WITH &&) WHERE (released_at IS NULL),
    CONSTRAINT bed_allocations_one_bed_a_night EXCLUDE USING gist (placement_id WITH =, nights WITH &&) WHERE (released_at IS NULL)
);
CREATE INDEX bed_allocations_placement ON bed_allocations (placement_id);

-- An allocation and an out-of-service period on the same bed and night refuse each other. Both
-- checks lock the bed's row first, so two sessions can never each pass the check and both commit.
CREATE FUNCTION bed_allocations_check() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    bed record;
    placement record;
BEGIN
    IF NEW.released_at IS NOT NULL THEN RETURN NEW; END IF;
    SELECT * INTO bed FROM beds WHERE id = NEW.bed_id FOR UPDATE;
    SELECT * INTO placement FROM placements WHERE id = NEW.placement_id;
    IF bed.premises_id <> placement.premises_id THEN
        RAISE EXCEPTION 'the bed is at another premises' USING CONSTRAINT = 'bed_allocations_same_premises';
    END IF;
    IF placement.status NOT IN ('upcoming', 'arrived') THEN
        RAISE EXCEPTION 'only an upcoming or arrived placement can hold a bed' USING CONSTRAINT = 'bed_allocations_active_placement';
    END IF;
    IF NOT (NEW.nights <@ daterange(placement.expected_arrival, placement.expected_departure)) THEN
        RAISE EXCEPTION 'the nights are outside the placement' USING CONSTRAINT = 'bed_allocations_within_placement';
    END IF;
    IF NOT (NEW.nights <@ daterange(bed.opened_on, bed.closed_on)) THEN
        RAISE EXCEPTION 'the bed is not open on those nights' USING CONSTRAINT = 'bed_allocations_bed_open';
    END IF;
    IF EXISTS (SELECT 1 FROM out_of_service_periods o WHERE o.bed_id = NEW.bed_id AND o.withdrawn_at IS NULL AND o.nights && NEW.nights) THEN
        RAISE EXCEPTION 'the bed is out of service on some of those nights' USING CONSTRAINT = 'bed_allocations_not_out_of_service';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER bed_allocations_check BEFORE INSERT OR UPDATE ON bed_allocations FOR EACH ROW EXECUTE FUNCTION bed_allocations_check();

CREATE FUNCTION out_of_service_check() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.withdrawn_at IS NOT NULL THEN RETURN NEW; END IF;
    PERFORM 1 FROM beds WHERE id = NEW.bed_id FOR UPDATE;
    IF EXISTS (SELECT 1 FROM bed_allocations a WHERE a.bed_id = NEW.bed_id AND a.released_at IS NULL AND a.nights && NEW.nights) THEN
        RAISE EXCEPTION 'the bed is allocated on some of those nights' USING CONSTRAINT = 'out_of_service_bed_allocated';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER out_of_service_check BEFORE INSERT OR UPDATE ON out_of_service_periods FOR EACH ROW EXECUTE FUNCTION out_of_service_check();

-- A bed closes only when nobody is allocated to it on or after the closing night.
CREATE FUNCTION beds_check_close() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.closed_on IS NOT NULL AND EXISTS (
        SELECT 1 FROM bed_allocations a WHERE a.bed_id = NEW.id AND a.released_at IS NULL AND upper(a.nights) > NEW.closed_on) THEN
        RAISE EXCEPTION 'the bed is allocated after that night' USING CONSTRAINT = 'beds_close_allocated';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER beds_check_close BEFORE UPDATE OF closed_on ON beds FOR EACH ROW EXECUTE FUNCTION beds_check_close();
