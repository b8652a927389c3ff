-- 0009 (identity): a secret an outbox message must carry (the password-reset
-- token) is never part of its readable text. The row keeps the email with a
-- placeholder where the link goes, and the token sealed with a key derived
-- from JWT_SECRET in `sealed_secret`, which no resolver selects; the worker
-- unseals it, sends the real link and clears the column once the row is SENT
-- or FAILED. See Sources/Crypto/SecretSeal.swift and NotificationWorker.
ALTER TABLE notifications
    ADD COLUMN sealed_secret bytea,
    ADD CONSTRAINT notifications_sealed_secret_length CHECK (sealed_secret IS NULL OR length(sealed_secret) <= 1056),
    ADD CONSTRAINT notifications_sealed_secret_pending CHECK (sealed_secret IS NULL OR status = 'PENDING');

COMMENT ON COLUMN notifications.sealed_secret IS
    'A secret the message needs (e.g. the reset token), sealed (SecretSeal, key derived from JWT_SECRET); '
    'never read by the API, cleared when the row leaves PENDING.';

-- Rows written before this migration kept the raw reset link in `body`, where
-- staff (and the user) could read it back. Redact them; the pending ones can
-- no longer be sent with a working link, so they fail with a clear reason
-- (the person asks for a new link).
UPDATE notifications
   SET body = regexp_replace(body, '(/reset-password\?token=)[A-Za-z0-9_-]+', '\1[hidden]', 'g')
 WHERE kind = 'PASSWORD_RESET';
UPDATE notifications
   SET status = 'FAILED', last_error = 'not sent: written before reset links were sealed; request a new link',
       locked_until = NULL, locked_by = NULL
 WHERE kind = 'PASSWORD_RESET' AND status = 'PENDING';
