-- 0021: every CLIENT created by staff is a patient (issue #16), whether or not
-- staff knew the date of birth: without a profile nobody could book for them.
-- NULL means "not known yet"; staff or the patient enter it later. The check
-- (>= 1900-01-01) still holds for every known date.
ALTER TABLE patients ALTER COLUMN date_of_birth DROP NOT NULL;

COMMENT ON COLUMN patients.date_of_birth IS
    'NULL while unknown: a CLIENT created by staff (createUser) without one.';

-- CLIENT accounts created before this migration without a date of birth got no
-- profile at all; they get one now (not a user linked to a doctor profile: a
-- doctor is not booked for as a patient).
INSERT INTO patients (user_id)
SELECT u.id FROM users u
 WHERE u.role = 'CLIENT' AND u.deleted_at IS NULL
   AND NOT EXISTS (SELECT 1 FROM patients p WHERE p.user_id = u.id)
   AND NOT EXISTS (SELECT 1 FROM doctors d WHERE d.user_id = u.id);
