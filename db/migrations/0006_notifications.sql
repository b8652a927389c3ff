-- 0006: the notifications outbox. Mutations insert rows in their own
-- transaction; workers deliver them later, so nothing is lost on a crash.

CREATE TABLE notifications (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id         bigint      NOT NULL REFERENCES users (id),
    appointment_id  bigint      REFERENCES appointments (id) ON DELETE SET NULL,
    channel         text        NOT NULL,
    kind            text        NOT NULL,
    subject         text        NOT NULL DEFAULT '',
    body            text        NOT NULL DEFAULT '',
    -- The email address or phone number at enqueue time, so a later profile
    -- change does not redirect a message already decided.
    recipient       text        NOT NULL,
    status          text        NOT NULL DEFAULT 'PENDING',
    attempts        integer     NOT NULL DEFAULT 0,
    last_error      text,
    scheduled_at    timestamptz NOT NULL DEFAULT now(),
    sent_at         timestamptz,
    -- Lease: a worker claims a row (FOR UPDATE SKIP LOCKED) and sets these; a
    -- worker that dies loses the row back to the pool when locked_until passes.
    locked_until    timestamptz,
    locked_by       text,
    -- Idempotency key handed to the transport (e.g. Message-ID), so a crash
    -- between sending and marking SENT can be recognised as a possible duplicate.
    delivery_key    uuid        NOT NULL DEFAULT gen_random_uuid(),
    created_at      timestamptz NOT NULL DEFAULT now(),

    CONSTRAINT notifications_delivery_key_key UNIQUE (delivery_key),
    CONSTRAINT notifications_channel_check CHECK (channel IN ('EMAIL', 'SMS')),
    CONSTRAINT notifications_kind_check CHECK (kind IN (
        'BOOKING_CONFIRMATION', 'RESCHEDULED', 'CANCELLED', 'REMINDER', 'PASSWORD_RESET', 'CUSTOM')),
    CONSTRAINT notifications_status_check CHECK (status IN ('PENDING', 'SENT', 'FAILED')),
    CONSTRAINT notifications_attempts_check CHECK (attempts >= 0),
    CONSTRAINT notifications_subject_length CHECK (length(subject) <= 1000),
    CONSTRAINT notifications_body_length CHECK (length(body) <= 10000),
    CONSTRAINT notifications_recipient_length CHECK (length(recipient) BETWEEN 1 AND 254),
    CONSTRAINT notifications_sent_has_time CHECK (status <> 'SENT' OR sent_at IS NOT NULL)
);

COMMENT ON TABLE notifications IS
    'Outbox of emails and SMS. PENDING rows due (scheduled_at <= now, lease free) are claimed '
    'by workers; SENT or, after the last retry, FAILED.';

-- The worker's claim query: due PENDING rows in scheduled order.
CREATE INDEX notifications_due_idx ON notifications (status, scheduled_at) WHERE status = 'PENDING';
-- notifications query: own rows (clients) or all (staff), keyset on (created_at, id).
CREATE INDEX notifications_user_created_idx ON notifications (user_id, created_at, id);
CREATE INDEX notifications_created_idx ON notifications (created_at, id);
CREATE INDEX notifications_appointment_idx ON notifications (appointment_id) WHERE appointment_id IS NOT NULL;
-- At most one pending reminder per appointment and channel: rescheduling moves
-- it (UPDATE scheduled_at), cancelling deletes it, and INSERT ... ON CONFLICT
-- DO NOTHING cannot create a second one. A sent reminder does not block a new
-- one after a reschedule.
CREATE UNIQUE INDEX notifications_one_pending_reminder
    ON notifications (appointment_id, channel) WHERE kind = 'REMINDER' AND status = 'PENDING';
