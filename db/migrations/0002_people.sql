-- 0002: users and the two profiles a user can have (patient, doctor).
--
-- Public GraphQL IDs are opaque strings the server derives from the type name
-- and these bigint keys; the keys themselves never leave the server raw.

CREATE TABLE users (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email            text        NOT NULL,
    password_hash    text        NOT NULL,
    first_name       text        NOT NULL,
    last_name        text        NOT NULL,
    phone            text,
    role             text        NOT NULL DEFAULT 'CLIENT',
    is_active        boolean     NOT NULL DEFAULT true,
    notify_by_email  boolean     NOT NULL DEFAULT true,
    notify_by_sms    boolean     NOT NULL DEFAULT false,
    token_version    integer     NOT NULL DEFAULT 0,
    locale           text        NOT NULL DEFAULT 'es',
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    deleted_at       timestamptz,

    -- Emails are unique case-insensitively; storing them lowercased makes the
    -- plain unique constraint below enforce exactly that (no citext needed).
    CONSTRAINT users_email_key UNIQUE (email),
    CONSTRAINT users_email_lowercase CHECK (email = lower(email)),
    CONSTRAINT users_email_shape CHECK (
        length(email) <= 254 AND email ~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$'),
    CONSTRAINT users_password_hash_length CHECK (length(password_hash) BETWEEN 1 AND 255),
    CONSTRAINT users_first_name_length CHECK (length(first_name) BETWEEN 1 AND 100),
    CONSTRAINT users_last_name_length CHECK (length(last_name) BETWEEN 1 AND 100),
    CONSTRAINT users_phone_length CHECK (phone IS NULL OR length(phone) <= 50),
    CONSTRAINT users_role_check CHECK (role IN ('CLIENT', 'ADMIN', 'SUPERADMIN')),
    CONSTRAINT users_locale_check CHECK (locale IN ('es', 'en')),
    CONSTRAINT users_token_version_check CHECK (token_version >= 0),
    -- A deleted account can never sign in again.
    CONSTRAINT users_deleted_inactive CHECK (deleted_at IS NULL OR NOT is_active)
);

COMMENT ON TABLE users IS
    'Every account: clients (patients and the users linked to doctors), admins and superadmins. '
    'deleteUser soft-deletes and anonymizes (deleted_at set, is_active false, email/name/phone '
    'replaced, password_hash ''!'') so appointment history and audit entries keep their rows.';
COMMENT ON COLUMN users.email IS 'Stored lowercased; at most 254 characters.';
COMMENT ON COLUMN users.password_hash IS
    'crypt(3) string (bcrypt $2b$ or yescrypt $y$). A value not starting with ''$'' (e.g. ''!'') '
    'is a locked account that no password matches.';
COMMENT ON COLUMN users.token_version IS
    'Copied into access tokens; bumping it revokes every access token of the user at once '
    '(deactivation, deletion, role change, password change, refresh-token reuse).';
COMMENT ON COLUMN users.deleted_at IS 'Soft delete: set by deleteUser together with anonymization.';

CREATE INDEX users_role_id_idx ON users (role, id);
CREATE INDEX users_created_at_id_idx ON users (created_at, id);
CREATE INDEX users_name_idx ON users (lower(last_name), lower(first_name), id);

CREATE TRIGGER users_set_updated_at BEFORE UPDATE ON users
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();


CREATE TABLE patients (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id            bigint      NOT NULL REFERENCES users (id),
    date_of_birth      date        NOT NULL,
    gender             text        NOT NULL DEFAULT 'UNDISCLOSED',
    address            text        NOT NULL DEFAULT '',
    emergency_contact  text        NOT NULL DEFAULT '',
    emergency_phone    text        NOT NULL DEFAULT '',
    medical_history    text        NOT NULL DEFAULT '',
    allergies          text        NOT NULL DEFAULT '',
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),

    -- One patient profile per user.
    CONSTRAINT patients_user_id_key UNIQUE (user_id),
    CONSTRAINT patients_gender_check CHECK (gender IN ('FEMALE', 'MALE', 'OTHER', 'UNDISCLOSED')),
    CONSTRAINT patients_date_of_birth_check CHECK (date_of_birth >= DATE '1900-01-01'),
    CONSTRAINT patients_address_length CHECK (length(address) <= 500),
    CONSTRAINT patients_emergency_contact_length CHECK (length(emergency_contact) <= 100),
    CONSTRAINT patients_emergency_phone_length CHECK (length(emergency_phone) <= 50),
    CONSTRAINT patients_medical_history_length CHECK (length(medical_history) <= 10000),
    CONSTRAINT patients_allergies_length CHECK (length(allergies) <= 10000)
);

COMMENT ON TABLE patients IS
    'The patient profile of a CLIENT user (created by register). Clinical fields are '
    'readable only by the patient, their treating doctors and staff.';

CREATE TRIGGER patients_set_updated_at BEFORE UPDATE ON patients
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();


CREATE TABLE doctors (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id           bigint        NOT NULL REFERENCES users (id),
    license_number    text          NOT NULL,
    specialization    text          NOT NULL,
    experience_years  integer       NOT NULL DEFAULT 0,
    consultation_fee  numeric(10,2) NOT NULL DEFAULT 0,
    bio               text          NOT NULL DEFAULT '',
    is_available      boolean       NOT NULL DEFAULT true,
    created_at        timestamptz   NOT NULL DEFAULT now(),
    updated_at        timestamptz   NOT NULL DEFAULT now(),

    -- One doctor profile per user; a license identifies one doctor.
    CONSTRAINT doctors_user_id_key UNIQUE (user_id),
    CONSTRAINT doctors_license_number_key UNIQUE (license_number),
    CONSTRAINT doctors_license_number_length CHECK (length(license_number) BETWEEN 1 AND 50),
    CONSTRAINT doctors_specialization_length CHECK (length(specialization) BETWEEN 1 AND 100),
    CONSTRAINT doctors_experience_years_check CHECK (experience_years BETWEEN 0 AND 80),
    CONSTRAINT doctors_consultation_fee_check CHECK (consultation_fee >= 0),
    CONSTRAINT doctors_bio_length CHECK (length(bio) <= 10000)
);

COMMENT ON TABLE doctors IS
    'The doctor profile linked to a (CLIENT-role) user. is_available false hides the doctor '
    'from booking without touching existing appointments.';
COMMENT ON COLUMN doctors.consultation_fee IS 'Exact money amount; revenue = completed appointments x fee.';

-- The doctors filter matches specialization exactly but case-insensitively.
CREATE INDEX doctors_specialization_idx ON doctors (lower(specialization), id);

CREATE TRIGGER doctors_set_updated_at BEFORE UPDATE ON doctors
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();
