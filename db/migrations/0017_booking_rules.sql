-- 0017: booking rules (issue #17): minimum notice, per-doctor buffers, per-patient
-- limits, the no-show stop, reminders at several offsets per channel, and
-- messages to the treating doctor. Safe for existing rows: every new column has
-- a default that keeps today's behaviour for what is already stored (buffers 0,
-- so the buffered range of an existing appointment is exactly its `during`).

-- Minutes-only shifts do not depend on the session's time zone (no day or month
-- part in the interval), so this is truly immutable and may feed a generated column
-- (timestamptz + interval itself is only STABLE).
CREATE FUNCTION clinic_shift_minutes(at timestamptz, minutes integer) RETURNS timestamptz
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT at + make_interval(mins => minutes) $$;

ALTER TABLE system_settings
    ADD COLUMN minimum_notice_minutes integer NOT NULL DEFAULT 120,
    ADD COLUMN max_active_appointments_per_patient integer NOT NULL DEFAULT 3,
    ADD COLUMN one_per_doctor_per_day boolean NOT NULL DEFAULT true,
    ADD COLUMN no_show_limit integer NOT NULL DEFAULT 3,
    ADD COLUMN email_reminder_offsets_minutes integer[] NOT NULL DEFAULT '{1440,120}',
    ADD COLUMN sms_reminder_offsets_minutes integer[] NOT NULL DEFAULT '{1440,120}',
    ADD COLUMN doctor_alert_hours integer NOT NULL DEFAULT 48,
    ADD CONSTRAINT system_settings_minimum_notice_check CHECK (minimum_notice_minutes BETWEEN 0 AND 10080),
    ADD CONSTRAINT system_settings_max_active_check CHECK (max_active_appointments_per_patient BETWEEN 1 AND 1000),
    ADD CONSTRAINT system_settings_no_show_limit_check CHECK (no_show_limit BETWEEN 0 AND 100),
    ADD CONSTRAINT system_settings_email_reminder_offsets_check CHECK (
        cardinality(email_reminder_offsets_minutes) <= 5
        AND 5 <= ALL (email_reminder_offsets_minutes) AND 43200 >= ALL (email_reminder_offsets_minutes)),
    ADD CONSTRAINT system_settings_sms_reminder_offsets_check CHECK (
        cardinality(sms_reminder_offsets_minutes) <= 5
        AND 5 <= ALL (sms_reminder_offsets_minutes) AND 43200 >= ALL (sms_reminder_offsets_minutes)),
    ADD CONSTRAINT system_settings_doctor_alert_hours_check CHECK (doctor_alert_hours BETWEEN 0 AND 720);

COMMENT ON COLUMN system_settings.minimum_notice_minutes IS
    'Clients cannot book, reschedule into or see as free a slot starting sooner than this; staff can.';
COMMENT ON COLUMN system_settings.max_active_appointments_per_patient IS
    'Clients may hold at most this many active future appointments (staff may book beyond it).';
COMMENT ON COLUMN system_settings.one_per_doctor_per_day IS
    'Clients may book at most one active appointment per doctor and clinic-local day (staff may book more).';
COMMENT ON COLUMN system_settings.no_show_limit IS
    'After this many NO_SHOW appointments in 12 months a client can no longer book online (0: never stops).';
COMMENT ON COLUMN system_settings.email_reminder_offsets_minutes IS
    'Reminders by email go out this many minutes before each appointment (one per entry; empty: none).';
COMMENT ON COLUMN system_settings.doctor_alert_hours IS
    'Bookings, reschedules and cancellations starting within this many hours are announced to the doctor (0: never).';

-- The existing single lead time becomes the longest offset of both lists.
UPDATE system_settings
   SET email_reminder_offsets_minutes = ARRAY(SELECT DISTINCT o FROM unnest(ARRAY[reminder_hours_before * 60, 120]) o ORDER BY o DESC),
       sms_reminder_offsets_minutes = ARRAY(SELECT DISTINCT o FROM unnest(ARRAY[reminder_hours_before * 60, 120]) o ORDER BY o DESC)
 WHERE reminder_hours_before * 60 <= 43200;


ALTER TABLE doctors
    ADD COLUMN buffer_before_minutes integer NOT NULL DEFAULT 0,
    ADD COLUMN buffer_after_minutes integer NOT NULL DEFAULT 0,
    ADD CONSTRAINT doctors_buffer_before_check CHECK (buffer_before_minutes BETWEEN 0 AND 240),
    ADD CONSTRAINT doctors_buffer_after_check CHECK (buffer_after_minutes BETWEEN 0 AND 240);

COMMENT ON COLUMN doctors.buffer_before_minutes IS
    'Minutes before each of this doctor''s appointments that no other appointment may use (copied into each booking).';


-- Each appointment keeps the buffers it was booked (or last rescheduled) with,
-- so a later change of the doctor's buffers never makes stored rows collide.
ALTER TABLE appointments
    ADD COLUMN buffer_before_minutes integer NOT NULL DEFAULT 0,
    ADD COLUMN buffer_after_minutes integer NOT NULL DEFAULT 0,
    ADD CONSTRAINT appointments_buffer_before_check CHECK (buffer_before_minutes BETWEEN 0 AND 240),
    ADD CONSTRAINT appointments_buffer_after_check CHECK (buffer_after_minutes BETWEEN 0 AND 240),
    ADD COLUMN blocked tstzrange GENERATED ALWAYS AS (CASE WHEN starts_at < ends_at THEN
        tstzrange(clinic_shift_minutes(starts_at, -buffer_before_minutes),
                  clinic_shift_minutes(ends_at, buffer_after_minutes), '[)') END) STORED;

COMMENT ON COLUMN appointments.blocked IS
    'Generated [starts_at - buffer_before, ends_at + buffer_after): what the doctor''s overlap guard compares.';

-- The doctor's double-booking guard now compares the buffered ranges: two active
-- appointments of one doctor are at least (first''s after + second''s before)
-- minutes apart, under any concurrency. With zero buffers (every existing row)
-- `blocked` equals `during`, so the rows that satisfied the old guard satisfy this
-- one. Same name, so errors keep mapping to "That slot was just taken".
ALTER TABLE appointments DROP CONSTRAINT appointments_doctor_no_overlap;
ALTER TABLE appointments ADD CONSTRAINT appointments_doctor_no_overlap
    EXCLUDE USING gist (doctor_id WITH =, blocked WITH &&)
    WHERE (status IN ('SCHEDULED', 'CONFIRMED'));

-- Limits count a patient's active appointments from now on.
CREATE INDEX appointments_patient_active_idx ON appointments (patient_id, starts_at)
    WHERE status IN ('SCHEDULED', 'CONFIRMED');


-- Reminders: one pending row per appointment, channel and offset.
ALTER TABLE notifications ADD COLUMN reminder_offset_minutes integer;
UPDATE notifications n SET reminder_offset_minutes = s.reminder_hours_before * 60
  FROM system_settings s WHERE n.kind = 'REMINDER';
COMMENT ON COLUMN notifications.reminder_offset_minutes IS
    'REMINDER rows: how many minutes before the appointment this reminder belongs to (system_settings offsets).';
DROP INDEX notifications_one_pending_reminder;
CREATE UNIQUE INDEX notifications_one_pending_reminder
    ON notifications (appointment_id, channel, reminder_offset_minutes) WHERE kind = 'REMINDER' AND status = 'PENDING';

-- DOCTOR_ALERT: the treating doctor hears of a booking, reschedule or cancellation
-- that starts soon (system_settings.doctor_alert_hours).
ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check CHECK (kind IN (
    'BOOKING_CONFIRMATION', 'RESCHEDULED', 'CANCELLED', 'REMINDER', 'PASSWORD_RESET', 'CUSTOM', 'DOCTOR_ALERT'));
