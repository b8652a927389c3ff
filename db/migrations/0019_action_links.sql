-- 0019: links in appointment messages (issue #17). Each link is an opaque
-- random token that works without signing in for one action on one
-- appointment; only its SHA-256 is stored (the worker mints tokens as it sends
-- a message, so no usable token ever sits in the outbox or in this table).
--
-- A link dies when it is used (action links only; VIEW is read-only and may
-- be opened again), when it expires (the appointment's start), and when the
-- appointment it was minted for moves or ends: the trigger below revokes it in
-- the same statement that changes the appointment, whatever path changed it
-- (client, staff, doctor, a link), so a link of an appointment moved away and
-- back again does not come back to life.

CREATE TABLE appointment_links (
    id                     bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    token_hash             bytea       NOT NULL,
    appointment_id         bigint      NOT NULL REFERENCES appointments (id) ON DELETE CASCADE,
    action                 text        NOT NULL,
    -- The message the link was sent in (for the audit trail; the row may be pruned).
    notification_id        bigint      REFERENCES notifications (id) ON DELETE SET NULL,
    created_at             timestamptz NOT NULL,
    expires_at             timestamptz NOT NULL,
    used_at                timestamptz,
    revoked_at             timestamptz,

    CONSTRAINT appointment_links_token_hash_key UNIQUE (token_hash),
    CONSTRAINT appointment_links_token_hash_size CHECK (octet_length(token_hash) = 32),
    CONSTRAINT appointment_links_action_check CHECK (action IN ('VIEW', 'CONFIRM', 'RESCHEDULE', 'CANCEL')),
    -- Viewing never consumes a link.
    CONSTRAINT appointment_links_view_not_used CHECK (action <> 'VIEW' OR used_at IS NULL)
);

-- The trigger revokes an appointment's live links.
CREATE INDEX appointment_links_live_by_appointment ON appointment_links (appointment_id)
    WHERE used_at IS NULL AND revoked_at IS NULL;

CREATE FUNCTION appointment_links_follow_appointment() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE appointment_links SET revoked_at = now()
     WHERE appointment_id = NEW.id AND used_at IS NULL AND revoked_at IS NULL;
    RETURN NEW;
END $$;

COMMENT ON FUNCTION appointment_links_follow_appointment() IS
    'Links are minted for one time of one active appointment: moving it or ending it (cancelled, completed, no-show) revokes them.';

CREATE TRIGGER appointments_revoke_links AFTER UPDATE OF starts_at, status ON appointments
    FOR EACH ROW
    WHEN (NEW.starts_at IS DISTINCT FROM OLD.starts_at
          OR (NEW.status IS DISTINCT FROM OLD.status AND NEW.status IN ('CANCELLED', 'COMPLETED', 'NO_SHOW')))
    EXECUTE FUNCTION appointment_links_follow_appointment();

COMMENT ON TABLE appointment_links IS
    'Links in appointment messages: the SHA-256 of each token (never the token), the one appointment and action it is for, until when, and whether it was used or revoked.';
