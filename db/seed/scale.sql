-- Benchmark data for `clinic seed --scale N`.
--
-- Contract with the runner (see db/README.md):
--   * In the same session, before this file:
--       SELECT set_config('clinic.scale', 'N', false);   -- N >= 1
--       CREATE TEMP TABLE seed_password_hashes (email text PRIMARY KEY, hash text NOT NULL);
--     filled with a hash for 'bench-admin@clinic.test' and one for
--     '*@bench.test' (shared by patient1..patient100@bench.test; a row for an
--     exact patientK@bench.test email takes precedence).
--   * One statement (a DO block): atomic on its own. Skips everything when
--     bench-admin@clinic.test already exists (use a fresh database for another N).
--   * Deterministic: same N, same clinic-local day, same starting database
--     -> byte-identical rows. No random(); md5 of row numbers instead.
--
-- Contents: bench-admin@clinic.test (ADMIN); 10*N doctors (doctorK@bench.test,
-- locked passwords) with Mon-Fri 08:00-17:00 30-minute hours; 1000*N
-- patients (patientK@bench.test, K from 1; the first 100 can sign in);
-- 20000*N appointments on the weekdays of [today - 180, today + 180], on the
-- slot grid, never overlapping for a doctor or a patient. Set-based
-- INSERT ... SELECT generate_series throughout: scale 1 loads in seconds.

DO $seed$
DECLARE
    n_scale   int;
    tz        text;
    today     date;
    day0      timestamptz;
    d_total   int;
    p_total   int;
    a_total   int;
    per_doc   int;
    n_days    int;
    n_slots   int;
    admin_id  bigint;
    missing   text;
BEGIN
    n_scale := nullif(current_setting('clinic.scale', true), '')::int;
    IF n_scale IS NULL OR n_scale < 1 OR n_scale > 1000 THEN
        RAISE EXCEPTION 'scale seed: set clinic.scale to an integer 1..1000 first (got %)',
            coalesce(current_setting('clinic.scale', true), 'nothing')
            USING HINT = 'SELECT set_config(''clinic.scale'', ''1'', false);';
    END IF;
    IF EXISTS (SELECT 1 FROM users WHERE email = 'bench-admin@clinic.test') THEN
        RAISE NOTICE 'scale seed: bench-admin@clinic.test exists, nothing to do';
        RETURN;
    END IF;
    IF to_regclass('pg_temp.seed_password_hashes') IS NULL THEN
        RAISE EXCEPTION 'scale seed: temp table seed_password_hashes(email, hash) is missing'
            USING HINT = 'The seed runner must create and fill it in the same session first.';
    END IF;
    SELECT string_agg(e, ', ') INTO missing
    FROM unnest(ARRAY['bench-admin@clinic.test', '*@bench.test']) AS e
    WHERE NOT EXISTS (SELECT 1 FROM seed_password_hashes h WHERE h.email = e);
    IF missing IS NOT NULL THEN
        RAISE EXCEPTION 'scale seed: no password hash for %', missing;
    END IF;

    d_total := 10 * n_scale;
    p_total := 1000 * n_scale;
    a_total := 20000 * n_scale;
    per_doc := a_total / d_total;   -- 2000

    SELECT time_zone INTO tz FROM system_settings;
    -- The runner's clock (`clinic.now`, the server's Clock) decides today, so a
    -- server whose clock is moved (faketime) gets data around its own today;
    -- psql by hand without it: the database's now().
    today := (coalesce(nullif(current_setting('clinic.now', true), '')::timestamptz, now()) AT TIME ZONE tz)::date;
    day0  := today::timestamp AT TIME ZONE tz;

    ---------------------------------------------------------------- users
    INSERT INTO users (email, password_hash, first_name, last_name, phone, role, created_at, updated_at)
    SELECT 'bench-admin@clinic.test', h.hash, 'Bench', 'Admin', NULL, 'ADMIN',
           day0 - interval '800 days', day0 - interval '800 days'
    FROM seed_password_hashes h WHERE h.email = 'bench-admin@clinic.test'
    RETURNING id INTO admin_id;

    -- Doctors first (k = 0 .. 10N-1), then patients (k = 0 .. 1000N-1).
    INSERT INTO users (email, password_hash, first_name, last_name, phone, role,
                       notify_by_email, notify_by_sms, created_at, updated_at)
    SELECT 'doctor' || (k + 1) || '@bench.test', '!',
           (ARRAY['Alejandro','María','Jorge','Ana','Ricardo','Valeria','Miguel','Carmen',
                  'Fernando','Patricia','Luis','Gabriela','Javier','Mónica','Raúl','Teresa'])[1 + k % 16],
           (ARRAY['García','Martínez','Hernández','López','González','Rodríguez','Sánchez','Torres',
                  'Ramírez','Flores','Rivera','Gómez','Díaz','Cruz','Morales','Ortiz',
                  'Gutiérrez','Chávez','Ramos','Vargas','Castillo','Jiménez','Moreno'])[1 + (k * 7) % 23]
               || ' ' || (k + 1),
           '+52 55 5' || lpad((k % 1000)::text, 3, '0') || ' ' || lpad((k / 1000)::text, 4, '0'),
           'CLIENT', true, false,
           day0 - make_interval(days => 700 + k % 100), day0 - make_interval(days => 700 + k % 100)
    FROM generate_series(0, d_total - 1) AS k
    ORDER BY k;

    INSERT INTO users (email, password_hash, first_name, last_name, phone, role,
                       notify_by_email, notify_by_sms, locale, created_at, updated_at)
    SELECT 'patient' || (k + 1) || '@bench.test',
           CASE WHEN k < 100 THEN coalesce(he.hash, hs.hash) ELSE '!' END,
           (ARRAY['Lucía','Mateo','Valentina','Santiago','Camila','Sebastián','Regina','Diego',
                  'Ximena','Emiliano','Fernanda','Leonardo','Daniela','Andrés','Paula','Joaquín',
                  'Mariana','Tomás','Renata','Gabriel','Sofía','Nicolás','Isabella','Bruno'])[1 + x.h % 24],
           (ARRAY['Morales','Jiménez','Ruiz','Díaz','Vargas','Castro','Romero','Herrera','Medina',
                  'Guerrero','Cruz','Reyes','Ortiz','Chávez','Ramos','Mendoza','Silva','Rojas',
                  'Delgado','Salazar','Peña','Cortés','Fuentes','Campos','Navarro','Ibarra'])[1 + (x.h / 24) % 26]
               || ' ' ||
           (ARRAY['Aguilar','Pineda','Lara','Soto','Vega','Rosales','Acosta','Luna','Mejía',
                  'Cervantes','Beltrán','Sandoval','Ponce','Miranda','Escobar','Trejo'])[1 + (x.h / 1000) % 16],
           '+52 55 6' || lpad((k % 1000)::text, 3, '0') || ' ' || lpad((k / 1000)::text, 4, '0'),
           'CLIENT', true, (x.h % 5 = 0), CASE WHEN x.h % 10 = 3 THEN 'en' ELSE 'es' END,
           day0 - make_interval(days => 1 + x.h % 720, mins => (x.h / 720) % 1440),
           day0 - make_interval(days => 1 + x.h % 720, mins => (x.h / 720) % 1440)
    FROM generate_series(0, p_total - 1) AS k
    CROSS JOIN LATERAL (SELECT ('x' || substr(md5('bench-patient-' || k), 1, 8))::bit(32)::int & 2147483647 AS h) x
    LEFT JOIN seed_password_hashes he ON he.email = 'patient' || (k + 1) || '@bench.test'
    LEFT JOIN seed_password_hashes hs ON hs.email = '*@bench.test'
    ORDER BY k;

    ---------------------------------------------------------------- doctors
    CREATE TEMP TABLE bench_doctor (n int PRIMARY KEY, doctor_id bigint, user_id bigint) ON COMMIT DROP;
    WITH ins AS (
        INSERT INTO doctors (user_id, license_number, specialization, experience_years,
                             consultation_fee, bio, is_available, created_at, updated_at)
        SELECT u.id, 'BENCH-' || lpad((k + 1)::text, 6, '0'),
               (ARRAY['Medicina General','Cardiología','Pediatría','Dermatología','Ginecología',
                      'Oftalmología','Traumatología','Neurología','Endocrinología','Psiquiatría'])[1 + k % 10],
               1 + (k * 13) % 35,
               (500 + (k * 37) % 21 * 50)::numeric(10,2),
               'Médico de la clínica de pruebas de carga.', true, u.created_at, u.created_at
        FROM generate_series(0, d_total - 1) AS k
        JOIN users u ON u.email = 'doctor' || (k + 1) || '@bench.test'
        ORDER BY k
        RETURNING id, user_id
    )
    INSERT INTO bench_doctor
    SELECT substr(split_part(u.email, '@', 1), 7)::int - 1, ins.id, ins.user_id
    FROM ins JOIN users u ON u.id = ins.user_id;

    INSERT INTO working_hours (doctor_id, weekday, start_time, end_time, slot_minutes)
    SELECT b.doctor_id, wd, TIME '08:00', TIME '17:00', 30
    FROM bench_doctor b CROSS JOIN generate_series(1, 5) AS wd
    ORDER BY b.n, wd;

    ---------------------------------------------------------------- patients
    CREATE TEMP TABLE bench_patient (n int PRIMARY KEY, patient_id bigint, user_id bigint) ON COMMIT DROP;
    WITH ins AS (
        INSERT INTO patients (user_id, date_of_birth, gender, address, emergency_contact, emergency_phone,
                              medical_history, allergies, created_at, updated_at)
        SELECT u.id,
               DATE '1940-01-01' + (x.h % 29000),
               (ARRAY['FEMALE','MALE','FEMALE','MALE','OTHER','UNDISCLOSED'])[1 + (x.h / 7) % 6],
               'Calle ' || (1 + x.h % 200) || ' #' || (1 + (x.h / 200) % 999) || ', Ciudad de México',
               'Contacto ' || (k + 1),
               '+52 55 7' || lpad((k % 1000)::text, 3, '0') || ' ' || lpad((k / 1000)::text, 4, '0'),
               (ARRAY['Sin antecedentes de importancia.','Hipertensión.','Diabetes tipo 2.','Asma.'])[1 + (x.h / 11) % 4],
               (ARRAY['Ninguna conocida','Penicilina','Polen','Mariscos'])[1 + (x.h / 13) % 4],
               u.created_at, u.created_at
        FROM generate_series(0, p_total - 1) AS k
        CROSS JOIN LATERAL (SELECT ('x' || substr(md5('bench-patient-' || k), 1, 8))::bit(32)::int & 2147483647 AS h) x
        JOIN users u ON u.email = 'patient' || (k + 1) || '@bench.test'
        ORDER BY k
        RETURNING id, user_id
    )
    INSERT INTO bench_patient
    SELECT substr(split_part(u.email, '@', 1), 8)::int - 1, ins.id, ins.user_id
    FROM ins JOIN users u ON u.id = ins.user_id;

    ---------------------------------------------------------------- appointments
    -- Weekdays of [today - 180, today + 180], numbered from 0; a doctor's
    -- timeline is those days x 18 half-hour slots, t = di * 18 + slot.
    CREATE TEMP TABLE bench_day (di int PRIMARY KEY, d date) ON COMMIT DROP;
    INSERT INTO bench_day
    SELECT (row_number() OVER (ORDER BY d) - 1)::int, d::date
    FROM generate_series(today - 180, today + 180, interval '1 day') AS d
    WHERE extract(isodow FROM d) < 6;
    SELECT count(*) INTO n_days FROM bench_day;
    n_slots := n_days * 18;

    -- Appointment a: doctor d = a mod D, the doctor's k-th appointment
    -- (k = a / D) at timeline slot t = (k * T / K + 7d) mod T. Since T >= K,
    -- different k give different t: no doctor overlap by construction.
    -- Patient (D * X(t) + (d + Y(t)) mod D) mod P: the doctors busy at one t
    -- get D consecutive numbers, i.e. different patients (D <= P): no
    -- patient overlap either, whatever the statuses.
    INSERT INTO appointments (patient_id, doctor_id, local_date, local_time, starts_at, ends_at, status,
                              reason, notes, cancellation_reason, created_by, created_at, updated_at)
    SELECT bp.patient_id, bd.doctor_id, s.local_date, s.local_time, s.starts_at,
           s.starts_at + interval '30 minutes', s.status,
           (ARRAY['Consulta de control','Chequeo anual','Dolor de cabeza','Revisión de estudios',
                  'Seguimiento de tratamiento','Dolor de espalda','Revisión de la vista',
                  'Vacunación','Tos persistente','Control de presión arterial'])[1 + (s.h / 100) % 10],
           CASE s.status WHEN 'COMPLETED' THEN 'Paciente estable.' WHEN 'NO_SHOW' THEN 'No se presentó.' END,
           CASE WHEN s.status = 'CANCELLED' THEN 'Cancelada por el paciente.' END,
           bp.user_id,
           s.created_at,
           CASE WHEN s.status IN ('COMPLETED', 'NO_SHOW') THEN s.starts_at + interval '45 minutes'
                ELSE s.created_at END
    FROM (
        SELECT g.*,
               (g.local_date + g.local_time) AT TIME ZONE tz AS starts_at,
               least(((g.local_date + g.local_time) AT TIME ZONE tz)
                         - make_interval(days => 1 + (g.h / 7) % 30, mins => (g.h / 3) % 600),
                     day0 - make_interval(mins => 30 + (g.h / 11) % 5000)) AS created_at,
               CASE WHEN g.local_date < today THEN
                        CASE WHEN g.h % 100 < 75 THEN 'COMPLETED' WHEN g.h % 100 < 85 THEN 'NO_SHOW' ELSE 'CANCELLED' END
                    ELSE
                        CASE WHEN g.h % 100 < 60 THEN 'SCHEDULED' WHEN g.h % 100 < 88 THEN 'CONFIRMED' ELSE 'CANCELLED' END
               END AS status,
               (d_total * (g.ht % (p_total / d_total)) + (g.d + g.ht / 128) % d_total) % p_total AS pn
        FROM (
            SELECT t.a, t.d, t.t, t.h, dy.d AS local_date,
                   TIME '08:00' + make_interval(mins => 30 * (t.t % 18)) AS local_time,
                   ('x' || substr(md5('bench-slot-' || t.t), 1, 8))::bit(32)::int & 2147483647 AS ht
            FROM (
                SELECT a, a % d_total AS d,
                       (((a / d_total)::bigint * n_slots / per_doc + (a % d_total) * 7) % n_slots)::int AS t,
                       ('x' || substr(md5('bench-appt-' || a), 1, 8))::bit(32)::int & 2147483647 AS h
                FROM generate_series(0, a_total - 1) AS a
            ) t
            JOIN bench_day dy ON dy.di = t.t / 18
        ) g
    ) s
    JOIN bench_doctor bd ON bd.n = s.d
    JOIN bench_patient bp ON bp.n = s.pn
    ORDER BY s.local_date, s.local_time, s.d;

    RAISE NOTICE 'scale seed (N=%): % doctors, % patients, % appointments', n_scale,
        d_total, p_total, a_total;
END
$seed$;
