-- 0010: appointment counts kept in the same transaction as every change to
-- appointments, so a report reads a number of rows that follows the days it
-- asks for, not the appointments stored (issue #21):
--
--   appointment_date_counts     (clinic-local day, status)           the daily series and status totals
--   appointment_month_counts    (month, doctor, status)              per-doctor figures for whole months
--   appointment_daily_counts    (clinic-local day, doctor, status)   per-doctor figures for the partial
--                                                                    months at the ends of a range
--
-- Statement-level triggers with transition tables: a bulk insert (seed, a
-- data-only restore) costs one grouped upsert per table, not one per row.
-- Deltas are applied in key order, so two transactions touching the same
-- counters take their row locks in the same order and cannot deadlock. A
-- negative delta is an upsert too, so `n` has no CHECK (n >= 0): PostgreSQL
-- checks the proposed row before it finds the conflict. A count that reached
-- zero stays as a row with n = 0; readers skip those.

CREATE TABLE appointment_date_counts (
    local_date  date    NOT NULL,
    status      text    NOT NULL,
    n           integer NOT NULL,
    PRIMARY KEY (local_date, status)
);

CREATE TABLE appointment_month_counts (
    month       date    NOT NULL CHECK (extract(day FROM month) = 1),
    doctor_id   bigint  NOT NULL,
    status      text    NOT NULL,
    n           integer NOT NULL,
    PRIMARY KEY (month, doctor_id, status)
);

CREATE TABLE appointment_daily_counts (
    local_date  date    NOT NULL,
    doctor_id   bigint  NOT NULL,
    status      text    NOT NULL,
    n           integer NOT NULL,
    PRIMARY KEY (local_date, doctor_id, status)
);

CREATE TYPE appointment_count_delta AS (local_date date, doctor_id bigint, status text, n integer);

CREATE FUNCTION appointment_counts_add(deltas appointment_count_delta[]) RETURNS void LANGUAGE sql AS $$
    WITH d AS (SELECT * FROM unnest(deltas) WHERE n <> 0),
    daily AS (
        INSERT INTO appointment_daily_counts AS c (local_date, doctor_id, status, n)
        SELECT local_date, doctor_id, status, n FROM d ORDER BY 1, 2, 3
        ON CONFLICT (local_date, doctor_id, status) DO UPDATE SET n = c.n + EXCLUDED.n
    ), monthly AS (
        INSERT INTO appointment_month_counts AS c (month, doctor_id, status, n)
        SELECT date_trunc('month', local_date)::date, doctor_id, status, sum(n) FROM d GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
        ON CONFLICT (month, doctor_id, status) DO UPDATE SET n = c.n + EXCLUDED.n
    )
    INSERT INTO appointment_date_counts AS c (local_date, status, n)
    SELECT local_date, status, sum(n) FROM d GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT (local_date, status) DO UPDATE SET n = c.n + EXCLUDED.n;
$$;

CREATE FUNCTION appointment_counts_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM appointment_counts_add(ARRAY(
        SELECT ROW(local_date, doctor_id, status, count(*))::appointment_count_delta FROM new_rows GROUP BY local_date, doctor_id, status));
    RETURN NULL;
END $$;

CREATE FUNCTION appointment_counts_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Only rows whose day, doctor or status changed leave a non-zero delta.
    PERFORM appointment_counts_add(ARRAY(
        SELECT ROW(local_date, doctor_id, status, sum(d))::appointment_count_delta FROM (
            SELECT local_date, doctor_id, status, 1 AS d FROM new_rows
            UNION ALL
            SELECT local_date, doctor_id, status, -1 FROM old_rows) x
        GROUP BY local_date, doctor_id, status HAVING sum(d) <> 0));
    RETURN NULL;
END $$;

CREATE FUNCTION appointment_counts_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM appointment_counts_add(ARRAY(
        SELECT ROW(local_date, doctor_id, status, -count(*))::appointment_count_delta FROM old_rows GROUP BY local_date, doctor_id, status));
    RETURN NULL;
END $$;

CREATE FUNCTION appointment_counts_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    TRUNCATE appointment_date_counts, appointment_month_counts, appointment_daily_counts;
    RETURN NULL;
END $$;

CREATE TRIGGER appointments_counts_insert AFTER INSERT ON appointments
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION appointment_counts_insert();
CREATE TRIGGER appointments_counts_update AFTER UPDATE ON appointments
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION appointment_counts_update();
CREATE TRIGGER appointments_counts_delete AFTER DELETE ON appointments
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION appointment_counts_delete();
CREATE TRIGGER appointments_counts_truncate AFTER TRUNCATE ON appointments
    FOR EACH STATEMENT EXECUTE FUNCTION appointment_counts_truncate();

SELECT appointment_counts_add(ARRAY(
    SELECT ROW(local_date, doctor_id, status, count(*))::appointment_count_delta FROM appointments GROUP BY local_date, doctor_id, status));
