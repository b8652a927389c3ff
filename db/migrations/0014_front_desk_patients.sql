-- 0014: patients registered at the front desk (issue #16).

-- A patient registered by staff from a phone call may have no email address
-- (and then no password: password_hash '!' matches nothing) until they claim
-- the account: staff set an email, and the reset link gives them a password.
ALTER TABLE users ALTER COLUMN email DROP NOT NULL;
COMMENT ON COLUMN users.email IS
    'Stored lowercased; at most 254 characters. NULL for a patient registered by staff without one (no login until claimed).';

-- The search expression of 0012 held the email: NULL there made the whole
-- expression NULL, so a patient without email could not be found by name.
DROP INDEX users_search_trgm;
CREATE INDEX users_search_trgm ON users
    USING gin ((first_name || ' ' || last_name || E'\x1f' || coalesce(email, '')) gin_trgm_ops);

-- Staff find callers by phone however it was typed: digits only on both sides.
CREATE FUNCTION phone_digits(text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN regexp_replace(coalesce($1, ''), '[^0-9]', '', 'g');
CREATE INDEX users_phone_digits_trgm ON users USING gin (phone_digits(phone) gin_trgm_ops);

-- Staff notes on a patient (ADMIN only; not clinical data).
ALTER TABLE patients ADD COLUMN notes text NOT NULL DEFAULT '';
ALTER TABLE patients ADD CONSTRAINT patients_notes_length CHECK (length(notes) <= 10000);
COMMENT ON COLUMN patients.notes IS 'Front-desk notes about the patient, readable by staff only.';

-- Duplicate check of registerPatient/updatePatient: same date of birth, same phone digits.
CREATE INDEX patients_date_of_birth_idx ON patients (date_of_birth);
