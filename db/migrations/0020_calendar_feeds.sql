-- 0020: calendar files and feeds (issue #17): a version number per appointment
-- for iCalendar's SEQUENCE, each doctor's private feed token, and the front
-- desk address that hears of short-notice changes.

-- RFC 5545 receivers apply a copy of an event only over one with a lower
-- SEQUENCE. A trigger rather than the mutations raises it, so every path that
-- moves, reassigns, cancels or closes an appointment (the API, signed links,
-- the waitlist, a hand-run UPDATE) yields a newer version.
ALTER TABLE appointments ADD COLUMN calendar_sequence integer NOT NULL DEFAULT 0;
COMMENT ON COLUMN appointments.calendar_sequence IS
    'iCalendar SEQUENCE of the appointment''s event: 0 when booked, +1 on each change of time, doctor or status (trigger).';

CREATE FUNCTION appointments_calendar_sequence() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.starts_at IS DISTINCT FROM OLD.starts_at OR NEW.ends_at IS DISTINCT FROM OLD.ends_at
       OR NEW.doctor_id IS DISTINCT FROM OLD.doctor_id OR NEW.status IS DISTINCT FROM OLD.status THEN
        NEW.calendar_sequence := OLD.calendar_sequence + 1;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER appointments_calendar_sequence BEFORE UPDATE ON appointments
    FOR EACH ROW EXECUTE FUNCTION appointments_calendar_sequence();

-- One feed per doctor. The URL's token is HMAC(server key, salt); only its
-- SHA-256 is kept for the lookup, so this table alone opens no feed, while the
-- server can show the doctor their URL again. Rotating replaces the row.
CREATE TABLE doctor_calendar_feeds (
    doctor_id   bigint      PRIMARY KEY REFERENCES doctors (id) ON DELETE CASCADE,
    token_hash  bytea       NOT NULL,
    salt        bytea       NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT doctor_calendar_feeds_token_hash_key UNIQUE (token_hash),
    CONSTRAINT doctor_calendar_feeds_token_hash_length CHECK (octet_length(token_hash) = 32),
    CONSTRAINT doctor_calendar_feeds_salt_length CHECK (octet_length(salt) = 32)
);
COMMENT ON TABLE doctor_calendar_feeds IS
    'Private iCal feed of a doctor''s appointments: SHA-256 of the URL token and the salt it is derived from.';

ALTER TABLE system_settings
    ADD COLUMN front_desk_email text,
    ADD CONSTRAINT system_settings_front_desk_email_length CHECK (front_desk_email IS NULL OR length(front_desk_email) BETWEEN 3 AND 254);
COMMENT ON COLUMN system_settings.front_desk_email IS
    'When set, also receives the doctor alerts (short-notice bookings, reschedules, cancellations).';
