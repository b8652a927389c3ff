-- 0016: the daily backup the worker takes (issue #18). The schedule lives in
-- the settings row (clinic-local time, retention by age and/or count); every
-- run is a row of backup_runs, one per clinic-local day: the unique day is
-- what lets exactly one of several workers take a given day's backup.

ALTER TABLE system_settings
    ADD COLUMN backup_enabled         boolean NOT NULL DEFAULT false,
    ADD COLUMN backup_time            time    NOT NULL DEFAULT '03:00',
    ADD COLUMN backup_retention_days  integer NOT NULL DEFAULT 14,
    ADD COLUMN backup_retention_count integer NOT NULL DEFAULT 0,
    ADD CONSTRAINT system_settings_backup_time_check CHECK (backup_time = date_trunc('minute', backup_time)),
    ADD CONSTRAINT system_settings_backup_retention_days_check CHECK (backup_retention_days BETWEEN 0 AND 3650),
    ADD CONSTRAINT system_settings_backup_retention_count_check CHECK (backup_retention_count BETWEEN 0 AND 1000);

COMMENT ON COLUMN system_settings.backup_time IS 'Clinic-local time (time_zone) the daily backup starts.';
COMMENT ON COLUMN system_settings.backup_retention_days IS 'Archives older than this many days are deleted; 0: no age limit.';
COMMENT ON COLUMN system_settings.backup_retention_count IS 'At most this many archives are kept; 0: no count limit.';

CREATE TABLE backup_runs (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    day           date        NOT NULL,
    started_at    timestamptz NOT NULL,
    finished_at   timestamptz,
    status        text        NOT NULL DEFAULT 'RUNNING',
    worker        text        NOT NULL,
    backup_id     bigint      REFERENCES backups (id) ON DELETE SET NULL,
    file_name     text,
    size_bytes    bigint,
    copy_path     text,
    pruned_count  integer     NOT NULL DEFAULT 0,
    error         text,

    CONSTRAINT backup_runs_day_key UNIQUE (day),
    CONSTRAINT backup_runs_status_check CHECK (status IN ('RUNNING', 'SUCCEEDED', 'FAILED')),
    CONSTRAINT backup_runs_finished_check CHECK ((status = 'RUNNING') = (finished_at IS NULL)),
    CONSTRAINT backup_runs_error_length CHECK (error IS NULL OR length(error) <= 2000)
);

COMMENT ON TABLE backup_runs IS
    'One row per clinic-local day of the scheduled backup: who took it, when, the archive, the copy, the outcome.';
CREATE INDEX backup_runs_started_idx ON backup_runs (started_at DESC, id DESC);
