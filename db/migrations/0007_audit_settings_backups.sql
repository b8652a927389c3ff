-- 0007: audit log, the system settings row, backups registry.

CREATE TABLE audit_log (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at          timestamptz NOT NULL DEFAULT now(),
    actor_id    bigint      REFERENCES users (id) ON DELETE SET NULL,
    action      text        NOT NULL,
    -- The opaque global ID (or other identifier) of what was acted upon.
    target_id   text,
    details     jsonb       NOT NULL DEFAULT '{}'::jsonb,
    -- Text, not inet: whatever the HTTP layer saw must never make the audit
    -- insert (and with it the audited action) fail.
    ip          text,

    CONSTRAINT audit_log_action_length CHECK (length(action) BETWEEN 1 AND 100),
    CONSTRAINT audit_log_target_id_length CHECK (target_id IS NULL OR length(target_id) <= 200),
    CONSTRAINT audit_log_ip_length CHECK (ip IS NULL OR length(ip) <= 100)
);

COMMENT ON TABLE audit_log IS
    'Append-only record of every mutation and every failed login, written in the same '
    'transaction as the action. Never contains passwords or tokens.';
COMMENT ON COLUMN audit_log.action IS 'Dotted verb, e.g. appointment.book, user.role_change, auth.login_failed.';

CREATE INDEX audit_log_action_at_idx ON audit_log (action, at, id);
CREATE INDEX audit_log_actor_at_idx  ON audit_log (actor_id, at, id);
CREATE INDEX audit_log_at_idx        ON audit_log (at, id);


CREATE TABLE system_settings (
    -- Exactly one row: the key can only be true.
    id                         boolean     PRIMARY KEY DEFAULT true,
    clinic_name                text        NOT NULL DEFAULT 'Clínica Central',
    time_zone                  text        NOT NULL DEFAULT 'America/Mexico_City',
    cancellation_window_hours  integer     NOT NULL DEFAULT 24,
    reminder_hours_before      integer     NOT NULL DEFAULT 24,
    booking_horizon_days       integer     NOT NULL DEFAULT 90,
    default_slot_minutes       integer     NOT NULL DEFAULT 30,
    updated_at                 timestamptz NOT NULL DEFAULT now(),

    CONSTRAINT system_settings_single_row CHECK (id),
    CONSTRAINT system_settings_clinic_name_length CHECK (length(clinic_name) BETWEEN 1 AND 100),
    CONSTRAINT system_settings_cancellation_window_check CHECK (cancellation_window_hours BETWEEN 0 AND 720),
    CONSTRAINT system_settings_reminder_hours_check CHECK (reminder_hours_before BETWEEN 1 AND 720),
    CONSTRAINT system_settings_booking_horizon_check CHECK (booking_horizon_days BETWEEN 1 AND 730),
    CONSTRAINT system_settings_default_slot_check CHECK (default_slot_minutes BETWEEN 5 AND 480)
);

COMMENT ON TABLE system_settings IS 'The clinic''s settings: exactly one row (id = true).';
COMMENT ON COLUMN system_settings.time_zone IS
    'IANA zone; clinic-local dates and times (appointments, working hours) are in this zone.';

-- A wrong zone would break every slot computation; PostgreSQL's own zone
-- database decides (the same one AT TIME ZONE uses). SQLSTATE 23514 like a CHECK.
CREATE FUNCTION system_settings_check_time_zone() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_timezone_names WHERE name = NEW.time_zone) THEN
        RAISE EXCEPTION 'unknown time zone: %', NEW.time_zone
            USING ERRCODE = 'check_violation', CONSTRAINT = 'system_settings_time_zone_check';
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER system_settings_time_zone_check
    BEFORE INSERT OR UPDATE OF time_zone ON system_settings
    FOR EACH ROW EXECUTE FUNCTION system_settings_check_time_zone();

CREATE TRIGGER system_settings_set_updated_at BEFORE UPDATE ON system_settings
    FOR EACH ROW EXECUTE FUNCTION set_updated_at();

INSERT INTO system_settings (id) VALUES (true);


CREATE TABLE backups (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    created_at  timestamptz NOT NULL DEFAULT now(),
    file_name   text        NOT NULL,
    size_bytes  bigint      NOT NULL,
    created_by  bigint      REFERENCES users (id) ON DELETE SET NULL,

    CONSTRAINT backups_file_name_key UNIQUE (file_name),
    CONSTRAINT backups_file_name_length CHECK (length(file_name) BETWEEN 1 AND 255),
    CONSTRAINT backups_size_bytes_check CHECK (size_bytes >= 0)
);

COMMENT ON TABLE backups IS 'Registry of pg_dump -Fc archives written to BACKUP_DIR (file_name is relative to it).';
CREATE INDEX backups_created_idx ON backups (created_at, id);
