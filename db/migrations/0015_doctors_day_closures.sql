-- 0015: the doctor's working day (issue #16): clinical notes written by the
-- treating doctor, and clinic-wide closures (holidays) that block every
-- doctor's slots.

ALTER TABLE appointments ADD COLUMN clinical_notes text;
ALTER TABLE appointments ADD CONSTRAINT appointments_clinical_notes_length
    CHECK (clinical_notes IS NULL OR length(clinical_notes) <= 10000);
COMMENT ON COLUMN appointments.clinical_notes IS
    'The treating doctor''s notes of the visit: written by that doctor, read by them and staff, never by the patient '
    '(unlike notes, which are the front desk''s internal notes).';

CREATE TABLE clinic_closures (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- Clinic-local dates, both included: the closure follows the clinic's
    -- time zone (the instants are computed from these when slots are cut).
    first_day   date        NOT NULL,
    last_day    date        NOT NULL,
    reason      text        NOT NULL,
    created_by  bigint      REFERENCES users (id),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),

    CONSTRAINT clinic_closures_days_ordered CHECK (first_day <= last_day),
    CONSTRAINT clinic_closures_reason_length CHECK (length(reason) BETWEEN 1 AND 1000)
);

COMMENT ON TABLE clinic_closures IS
    'Days the whole clinic is closed (public holidays): no doctor''s slot on these clinic-local dates is offered. '
    'Overlapping closures are harmless and allowed.';

CREATE INDEX clinic_closures_days_idx ON clinic_closures (last_day, first_day);

CREATE TRIGGER clinic_closures_set_updated_at BEFORE UPDATE ON clinic_closures
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
