-- 0018: the waitlist with automatic offers (issue #17).
--
-- A patient waits for a doctor or a specialization over clinic-local dates
-- (waitlist_entries). When time frees up, the mutation that freed it writes a
-- waitlist_events row in its own transaction (outbox style); workers claim
-- those rows with SKIP LOCKED and turn free matching slots into offers
-- (waitlist_offers) that HOLD the slot for one patient until they answer or
-- the hold expires. The guarantee that no slot is offered to two patients at
-- once is the exclusion constraint over active offers below, whatever the
-- number of workers and servers; bookings and offers of one doctor also take
-- the doctor's row lock, so a booking never lands in a held slot.

ALTER TABLE system_settings
    ADD COLUMN waitlist_hold_minutes integer NOT NULL DEFAULT 30,
    ADD CONSTRAINT system_settings_waitlist_hold_check CHECK (waitlist_hold_minutes BETWEEN 5 AND 1440);

COMMENT ON COLUMN system_settings.waitlist_hold_minutes IS
    'How long a waitlist offer holds its slot for the patient it was offered to (and its link works).';

CREATE TABLE waitlist_entries (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    patient_id      bigint      NOT NULL REFERENCES patients (id),
    -- Exactly one of the two: a given doctor, or any doctor of a specialization.
    doctor_id       bigint      REFERENCES doctors (id),
    specialization  text,
    -- Clinic-local dates, both included.
    first_day       date        NOT NULL,
    last_day        date        NOT NULL,
    part_of_day     text        NOT NULL DEFAULT 'ANY',
    status          text        NOT NULL DEFAULT 'WAITING',
    -- FIFO order among waiting entries (then id).
    joined_at       timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    created_by      bigint      REFERENCES users (id),
    -- Set when an accepted offer became this appointment.
    appointment_id  bigint      REFERENCES appointments (id),

    CONSTRAINT waitlist_entries_target CHECK ((doctor_id IS NULL) <> (specialization IS NULL)),
    CONSTRAINT waitlist_entries_specialization_length CHECK (specialization IS NULL OR length(specialization) BETWEEN 1 AND 100),
    CONSTRAINT waitlist_entries_days CHECK (first_day <= last_day),
    CONSTRAINT waitlist_entries_part_of_day_check CHECK (part_of_day IN ('ANY', 'MORNING', 'AFTERNOON', 'EVENING')),
    CONSTRAINT waitlist_entries_status_check CHECK (status IN ('WAITING', 'OFFERED', 'BOOKED', 'EXPIRED', 'LEFT')),
    CONSTRAINT waitlist_entries_booked_has_appointment CHECK (status <> 'BOOKED' OR appointment_id IS NOT NULL)
);

COMMENT ON TABLE waitlist_entries IS
    'A patient waiting for a doctor or a specialization. WAITING -> OFFERED (an offer holds a slot) -> BOOKED (accepted), '
    'EXPIRED (the hold ran out unanswered) or back to WAITING (declined); LEFT when the patient or staff remove it.';

-- The workers' candidate scan: waiting entries per doctor or specialization in FIFO order.
CREATE INDEX waitlist_entries_doctor_waiting_idx ON waitlist_entries (doctor_id, joined_at, id) WHERE status = 'WAITING';
CREATE INDEX waitlist_entries_specialization_waiting_idx ON waitlist_entries (lower(specialization), joined_at, id)
    WHERE status = 'WAITING';
-- A patient's own list, and staff's list in FIFO order.
CREATE INDEX waitlist_entries_patient_idx ON waitlist_entries (patient_id, joined_at, id);
CREATE INDEX waitlist_entries_joined_idx ON waitlist_entries (joined_at, id);

CREATE TABLE waitlist_offers (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    entry_id        bigint      NOT NULL REFERENCES waitlist_entries (id),
    patient_id      bigint      NOT NULL REFERENCES patients (id),
    doctor_id       bigint      NOT NULL REFERENCES doctors (id),
    local_date      date        NOT NULL,
    local_time      time        NOT NULL,
    starts_at       timestamptz NOT NULL,
    ends_at         timestamptz NOT NULL,
    -- What the hold keeps from others: the slot widened by the doctor's
    -- buffers, exactly what the booking would block (appointments.blocked).
    held            tstzrange   NOT NULL,
    status          text        NOT NULL DEFAULT 'OFFERED',
    -- SHA-256 of the link's 32 random bytes; the token itself is never stored
    -- (it travels sealed in the outbox row until the message is sent).
    token_hash      bytea       NOT NULL,
    offered_at      timestamptz NOT NULL,
    expires_at      timestamptz NOT NULL,
    answered_at     timestamptz,
    appointment_id  bigint      REFERENCES appointments (id),

    CONSTRAINT waitlist_offers_token_hash_key UNIQUE (token_hash),
    CONSTRAINT waitlist_offers_token_hash_length CHECK (length(token_hash) = 32),
    CONSTRAINT waitlist_offers_starts_before_ends CHECK (starts_at < ends_at),
    CONSTRAINT waitlist_offers_held_covers_slot CHECK (held @> tstzrange(starts_at, ends_at, '[)')),
    CONSTRAINT waitlist_offers_expiry CHECK (offered_at < expires_at),
    CONSTRAINT waitlist_offers_status_check CHECK (status IN ('OFFERED', 'ACCEPTED', 'DECLINED', 'EXPIRED', 'WITHDRAWN')),
    CONSTRAINT waitlist_offers_accepted_has_appointment CHECK (status <> 'ACCEPTED' OR appointment_id IS NOT NULL),
    -- THE guarantee: one doctor's active offers never overlap, so a slot is
    -- held for one patient at a time under any number of workers (a losing
    -- worker gets 23P01 and its round rolls back; its events come back).
    CONSTRAINT waitlist_offers_no_overlap
        EXCLUDE USING gist (doctor_id WITH =, held WITH &&) WHERE (status = 'OFFERED')
);

COMMENT ON TABLE waitlist_offers IS
    'A slot held for one waiting patient until expires_at: OFFERED -> ACCEPTED (booked through the link), DECLINED, '
    'EXPIRED or WITHDRAWN (the entry was removed). Only OFFERED rows hold their range.';

-- One open offer per patient and per entry: a patient never holds two slots.
CREATE UNIQUE INDEX waitlist_offers_one_open_per_patient ON waitlist_offers (patient_id) WHERE status = 'OFFERED';
CREATE UNIQUE INDEX waitlist_offers_one_open_per_entry ON waitlist_offers (entry_id) WHERE status = 'OFFERED';
-- The expiry sweep, and the holds a calendar reads.
CREATE INDEX waitlist_offers_open_expiry_idx ON waitlist_offers (expires_at) WHERE status = 'OFFERED';
CREATE INDEX waitlist_offers_entry_idx ON waitlist_offers (entry_id, id);

-- "Time may have freed up for this doctor (NULL: for every doctor)", written
-- by the mutation that freed it, in its transaction; consumed (deleted) by a
-- worker in the transaction that makes the offers, so a crash loses nothing.
CREATE TABLE waitlist_events (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    doctor_id   bigint      REFERENCES doctors (id) ON DELETE CASCADE,
    reason      text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT waitlist_events_reason_length CHECK (length(reason) BETWEEN 1 AND 100)
);

COMMENT ON TABLE waitlist_events IS
    'Outbox of freed time for the waitlist workers (claimed FOR UPDATE SKIP LOCKED, deleted when handled).';

-- WAITLIST_OFFER: the offer with its accept/decline link (token sealed in
-- sealed_secret, like PASSWORD_RESET; the stored text has a placeholder).
ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check CHECK (kind IN (
    'BOOKING_CONFIRMATION', 'RESCHEDULED', 'CANCELLED', 'REMINDER', 'PASSWORD_RESET', 'CUSTOM', 'DOCTOR_ALERT', 'WAITLIST_OFFER'));
