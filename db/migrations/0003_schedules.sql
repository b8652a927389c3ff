-- 0003: a doctor's weekly working hours and time off.

CREATE TABLE working_hours (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    doctor_id     bigint   NOT NULL REFERENCES doctors (id) ON DELETE CASCADE,
    weekday       smallint NOT NULL,
    start_time    time     NOT NULL,
    end_time      time     NOT NULL,
    slot_minutes  integer  NOT NULL DEFAULT 30,
    -- The range as timestamps on a fixed dummy date, so that overlap can be
    -- expressed with the range operator && in the exclusion constraint below.
    -- (time + date gives timestamp, which is immutable; time ranges are not a
    -- built-in range type.)
    -- NULL when start_time >= end_time, so that the CHECK below (not the range
    -- constructor) reports the mistake, as SQLSTATE 23514.
    span          tsrange  GENERATED ALWAYS AS (CASE WHEN start_time < end_time THEN
                      tsrange(DATE '2000-01-03' + start_time, DATE '2000-01-03' + end_time, '[)') END) STORED,

    -- ISO 8601 weekday: 1 = Monday ... 7 = Sunday.
    CONSTRAINT working_hours_weekday_check CHECK (weekday BETWEEN 1 AND 7),
    CONSTRAINT working_hours_start_before_end CHECK (start_time < end_time),
    CONSTRAINT working_hours_slot_minutes_check CHECK (slot_minutes BETWEEN 5 AND 480),
    -- Slots are cut from start_time in steps of slot_minutes; a remainder would
    -- be a slot that runs past the end of the range.
    CONSTRAINT working_hours_slot_divides_range CHECK (
        (extract(epoch FROM (end_time - start_time))::bigint % (slot_minutes * 60)) = 0),
    -- Several ranges per weekday are fine (a lunch break), overlapping ones are not:
    -- they would offer the same slot twice.
    CONSTRAINT working_hours_no_overlap
        EXCLUDE USING gist (doctor_id WITH =, weekday WITH =, span WITH &&)
);

COMMENT ON TABLE working_hours IS
    'Weekly opening hours of a doctor in the clinic''s local time zone; slots are cut from '
    'these. setWorkingHours replaces all rows of a doctor (DELETE then INSERT in one transaction).';
COMMENT ON COLUMN working_hours.span IS 'Generated: [start_time, end_time) on a dummy date, for the overlap constraint.';

CREATE INDEX working_hours_doctor_idx ON working_hours (doctor_id, weekday, start_time);


CREATE TABLE time_off (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    doctor_id   bigint      NOT NULL REFERENCES doctors (id) ON DELETE CASCADE,
    during      tstzrange   NOT NULL,
    reason      text,
    created_by  bigint      REFERENCES users (id),
    created_at  timestamptz NOT NULL DEFAULT now(),

    -- A bounded, non-empty interval of real instants.
    CONSTRAINT time_off_during_bounded CHECK (
        NOT isempty(during) AND NOT lower_inf(during) AND NOT upper_inf(during)),
    CONSTRAINT time_off_reason_length CHECK (reason IS NULL OR length(reason) <= 1000)
);

COMMENT ON TABLE time_off IS
    'Periods a doctor does not work (vacation, congress). Overlapping periods are harmless '
    'and allowed; slots inside any of them are not offered.';

-- Slot calculation asks "time off of doctor D overlapping day X": (doctor_id =, during &&).
CREATE INDEX time_off_doctor_during_idx ON time_off USING gist (doctor_id, during);
