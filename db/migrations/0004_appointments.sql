-- 0004: appointments.

CREATE TABLE appointments (
    id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    patient_id           bigint      NOT NULL REFERENCES patients (id),
    doctor_id            bigint      NOT NULL REFERENCES doctors (id),
    -- Clinic-local calendar date and wall-clock time as booked (the contract's
    -- Appointment.date / .time; date filters and reports use local_date).
    local_date           date        NOT NULL,
    local_time           time        NOT NULL,
    -- The real instants [starts_at, ends_at), computed by the server from
    -- local_date + local_time in the clinic's time zone (DST-aware).
    starts_at            timestamptz NOT NULL,
    ends_at              timestamptz NOT NULL,
    -- NULL when starts_at >= ends_at, so that appointments_starts_before_ends
    -- (SQLSTATE 23514) reports it rather than the range constructor (22000).
    during               tstzrange   GENERATED ALWAYS AS (CASE WHEN starts_at < ends_at THEN
                                         tstzrange(starts_at, ends_at, '[)') END) STORED,
    status               text        NOT NULL DEFAULT 'SCHEDULED',
    reason               text        NOT NULL DEFAULT '',
    notes                text,
    cancellation_reason  text,
    created_by           bigint      REFERENCES users (id),
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now(),

    CONSTRAINT appointments_starts_before_ends CHECK (starts_at < ends_at),
    CONSTRAINT appointments_status_check CHECK (
        status IN ('SCHEDULED', 'CONFIRMED', 'COMPLETED', 'CANCELLED', 'NO_SHOW')),
    CONSTRAINT appointments_reason_length CHECK (length(reason) <= 1000),
    CONSTRAINT appointments_notes_length CHECK (notes IS NULL OR length(notes) <= 10000),
    CONSTRAINT appointments_cancellation_reason_length CHECK (
        cancellation_reason IS NULL OR length(cancellation_reason) <= 1000),

    -- The double-booking guard, enforced by the database so it holds under any
    -- concurrency (no check-then-insert race): a doctor cannot hold two ACTIVE
    -- appointments whose instant ranges overlap, whatever their slot lengths
    -- (a 30-minute and a 20-minute slot that overlap collide too). Cancelled,
    -- completed and no-show rows do not count, so cancelling frees the range.
    -- A violation is SQLSTATE 23P01 (exclusion_violation) naming this
    -- constraint; the server answers CONFLICT ("That slot was just taken").
    CONSTRAINT appointments_doctor_no_overlap
        EXCLUDE USING gist (doctor_id WITH =, during WITH &&)
        WHERE (status IN ('SCHEDULED', 'CONFIRMED')),
    -- Likewise a patient cannot be in two places at once.
    CONSTRAINT appointments_patient_no_overlap
        EXCLUDE USING gist (patient_id WITH =, during WITH &&)
        WHERE (status IN ('SCHEDULED', 'CONFIRMED'))
);

COMMENT ON TABLE appointments IS
    'A booking of a patient with a doctor. Active = SCHEDULED or CONFIRMED; only active '
    'appointments occupy their time range (see the two exclusion constraints).';
COMMENT ON COLUMN appointments.during IS 'Generated [starts_at, ends_at): the range the exclusion constraints compare.';
COMMENT ON COLUMN appointments.notes IS 'Internal clinic notes, staff only.';

-- Keyset pagination: every ordering ends with id as the unique tie-breaker.
CREATE INDEX appointments_doctor_starts_idx  ON appointments (doctor_id, starts_at, id);
CREATE INDEX appointments_patient_starts_idx ON appointments (patient_id, starts_at, id);
CREATE INDEX appointments_status_starts_idx  ON appointments (status, starts_at, id);
CREATE INDEX appointments_starts_idx         ON appointments (starts_at, id);
CREATE INDEX appointments_created_idx        ON appointments (created_at, id);
CREATE INDEX appointments_local_date_idx     ON appointments (local_date, doctor_id);

CREATE TRIGGER appointments_set_updated_at BEFORE UPDATE ON appointments
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
