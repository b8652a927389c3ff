-- Demo data for `clinic seed --demo` (development only).
--
-- Contract with the runner (see db/README.md):
--   * Before running this file, in the same session, the runner creates and fills
--       CREATE TEMP TABLE seed_password_hashes (email text PRIMARY KEY, hash text NOT NULL);
--     with one crypt(3) hash per demo account: superadmin@clinic.test,
--     admin@clinic.test, patient@clinic.test, dr.garcia@clinic.test.
--   * The whole file is one statement (a DO block), so it is atomic on its own.
--   * Idempotent: when superadmin@clinic.test already exists it does nothing.
--   * Deterministic: no random(); pseudo-randomness comes from md5 of row
--     numbers, dates are relative to today's date in the clinic's time zone
--     (system_settings.time_zone), so the same day gives the same data.
--
-- Contents: 2 staff accounts, 8 doctors (dr.garcia@clinic.test among them),
-- 40 patients (patient@clinic.test among them), 300 appointments over the 45
-- days before and after today on the Mon-Fri 08:00-17:00 30-minute grid, in
-- every status, never overlapping for a doctor or a patient; working hours,
-- time off, notifications and audit entries.
-- Accounts other than the four demo ones get password_hash '!' (locked: no
-- password matches).

DO $seed$
DECLARE
    tz        text;
    today     date;     -- clinic-local date of today
    day0      timestamptz;  -- clinic-local midnight starting today
    missing   text;
    n_days    int;
    n_slots   int;      -- slots per doctor in the window: weekdays x 18
    a_total   constant int := 300;
    d_total   constant int := 8;
    p_total   constant int := 40;
    per_doc   int;
BEGIN
    IF EXISTS (SELECT 1 FROM users WHERE email = 'superadmin@clinic.test') THEN
        RAISE NOTICE 'demo seed: superadmin@clinic.test exists, nothing to do';
        RETURN;
    END IF;
    IF to_regclass('pg_temp.seed_password_hashes') IS NULL THEN
        RAISE EXCEPTION 'demo seed: temp table seed_password_hashes(email, hash) is missing'
            USING HINT = 'The seed runner must create and fill it in the same session first.';
    END IF;
    SELECT string_agg(e, ', ') INTO missing
    FROM unnest(ARRAY['superadmin@clinic.test', 'admin@clinic.test',
                      'patient@clinic.test', 'dr.garcia@clinic.test']) AS e
    WHERE NOT EXISTS (SELECT 1 FROM seed_password_hashes h WHERE h.email = e);
    IF missing IS NOT NULL THEN
        RAISE EXCEPTION 'demo seed: no password hash for %', missing;
    END IF;

    SELECT time_zone INTO tz FROM system_settings;
    -- The runner's clock (`clinic.now`, the server's Clock) decides today, so a
    -- server whose clock is moved (faketime) gets data around its own today;
    -- psql by hand without it: the database's now().
    today := (coalesce(nullif(current_setting('clinic.now', true), '')::timestamptz, now()) AT TIME ZONE tz)::date;
    day0  := today::timestamp AT TIME ZONE tz;

    ---------------------------------------------------------------- staff
    INSERT INTO users (email, password_hash, first_name, last_name, phone, role,
                       notify_by_email, notify_by_sms, locale, created_at, updated_at)
    SELECT s.email, h.hash, s.first_name, s.last_name, s.phone, s.role, true, false, s.locale,
           day0 - make_interval(days => s.age_days), day0 - make_interval(days => s.age_days)
    FROM (VALUES
        (1, 'superadmin@clinic.test', 'Sofía',  'Ramírez Ortega', '+52 55 1000 0001', 'SUPERADMIN', 'es', 400),
        (2, 'admin@clinic.test',      'Laura',  'Méndez Castillo', '+52 55 1000 0002', 'ADMIN',      'es', 390)
    ) AS s(ord, email, first_name, last_name, phone, role, locale, age_days)
    JOIN seed_password_hashes h ON h.email = s.email
    ORDER BY s.ord;

    ---------------------------------------------------------------- doctors
    CREATE TEMP TABLE demo_doctor_src (
        n int PRIMARY KEY, email text, first_name text, last_name text, specialization text,
        license text, years int, fee numeric(10,2), available boolean, bio text
    ) ON COMMIT DROP;
    INSERT INTO demo_doctor_src VALUES
        (0, 'dr.garcia@clinic.test',    'Alejandro',      'García López',     'Cardiología',      'CED-4821763', 18, 1200.00, true,
            'Cardiólogo egresado de la UNAM con alta especialidad en ecocardiografía. Atiende hipertensión, arritmias e insuficiencia cardiaca.'),
        (1, 'dr.martinez@clinic.test',  'María Fernanda', 'Martínez Ruiz',    'Pediatría',        'CED-5937204', 12,  850.00, true,
            'Pediatra certificada. Control del niño sano, vacunación y enfermedades respiratorias de la infancia.'),
        (2, 'dr.hernandez@clinic.test', 'Jorge',          'Hernández Vega',   'Dermatología',     'CED-6120458',  9,  950.00, true,
            'Dermatología clínica y quirúrgica: acné, dermatitis, lunares y cáncer de piel.'),
        (3, 'dr.lopez@clinic.test',     'Ana Lucía',      'López Navarro',    'Ginecología',      'CED-3876512', 21, 1100.00, true,
            'Ginecología y obstetricia. Control prenatal, colposcopía y salud reproductiva.'),
        (4, 'dr.gonzalez@clinic.test',  'Ricardo',        'González Flores',  'Medicina General', 'CED-7254901',  6,  600.00, true,
            'Médico general. Consulta de primer contacto, chequeos anuales y enfermedades crónicas.'),
        (5, 'dr.rodriguez@clinic.test', 'Valeria',        'Rodríguez Soto',   'Oftalmología',     'CED-4409837', 14, 1000.00, true,
            'Oftalmóloga. Agudeza visual, glaucoma, catarata y retina.'),
        (6, 'dr.sanchez@clinic.test',   'Miguel Ángel',   'Sánchez Ibarra',   'Traumatología',    'CED-5561290', 16, 1300.00, true,
            'Traumatología y ortopedia: lesiones deportivas, rodilla y columna.'),
        (7, 'dr.torres@clinic.test',    'Carmen',         'Torres Aguilar',   'Medicina General', 'CED-6698143',  4,  600.00, false,
            'Médica general con enfoque en medicina preventiva. Actualmente sin agenda abierta.');

    INSERT INTO users (email, password_hash, first_name, last_name, phone, role,
                       notify_by_email, notify_by_sms, locale, created_at, updated_at)
    SELECT s.email, coalesce(h.hash, '!'), s.first_name, s.last_name,
           '+52 55 2000 ' || lpad((10 + s.n)::text, 4, '0'), 'CLIENT', true, false, 'es',
           day0 - make_interval(days => 380 - s.n), day0 - make_interval(days => 380 - s.n)
    FROM demo_doctor_src s
    LEFT JOIN seed_password_hashes h ON h.email = s.email
    ORDER BY s.n;

    INSERT INTO doctors (user_id, license_number, specialization, experience_years,
                         consultation_fee, bio, is_available, created_at, updated_at)
    SELECT u.id, s.license, s.specialization, s.years, s.fee, s.bio, s.available, u.created_at, u.created_at
    FROM demo_doctor_src s JOIN users u ON u.email = s.email
    ORDER BY s.n;

    CREATE TEMP TABLE demo_doctor ON COMMIT DROP AS
    SELECT s.n, d.id AS doctor_id, d.user_id
    FROM demo_doctor_src s JOIN users u ON u.email = s.email JOIN doctors d ON d.user_id = u.id;

    -- Mon-Fri 08:00-17:00 in 30-minute slots for everyone; the pediatrician
    -- also works Saturday mornings.
    INSERT INTO working_hours (doctor_id, weekday, start_time, end_time, slot_minutes)
    SELECT dd.doctor_id, wd, TIME '08:00', TIME '17:00', 30
    FROM demo_doctor dd CROSS JOIN generate_series(1, 5) AS wd
    ORDER BY dd.n, wd;
    INSERT INTO working_hours (doctor_id, weekday, start_time, end_time, slot_minutes)
    SELECT dd.doctor_id, 6, TIME '09:00', TIME '13:00', 30 FROM demo_doctor dd WHERE dd.n = 1;

    ---------------------------------------------------------------- patients
    CREATE TEMP TABLE demo_patient_src ON COMMIT DROP AS
    WITH names AS (
        SELECT ARRAY['Lucía','Mateo','Valentina','Santiago','Camila','Sebastián','Regina','Diego',
                     'Ximena','Emiliano','Fernanda','Leonardo','Daniela','Andrés','Paula','Joaquín',
                     'Mariana','Tomás','Renata','Gabriel'] AS first,
               ARRAY['F','M','F','M','F','M','F','M','F','M','F','M','F','M','F','M','F','M','F','M'] AS sex,
               ARRAY['Morales','Jiménez','Ruiz','Díaz','Vargas','Castro','Romero','Herrera','Medina',
                     'Guerrero','Cruz','Reyes','Ortiz','Chávez','Ramos','Mendoza','Silva','Rojas',
                     'Delgado','Salazar','Peña','Cortés','Fuentes','Campos'] AS last,
               ARRAY['Av. Insurgentes Sur','Calle Durango','Av. Revolución','Calle Puebla',
                     'Av. Universidad','Calle Tonalá','Av. Coyoacán','Calle Amsterdam'] AS street,
               ARRAY['Roma Norte','Condesa','Del Valle','Narvarte','Coyoacán','Polanco',
                     'San Rafael','Escandón'] AS colonia,
               ARRAY['Hipertensión controlada con losartán.','Sin antecedentes de importancia.',
                     'Diabetes tipo 2 desde 2019, en tratamiento con metformina.',
                     'Asma leve intermitente.','Apendicectomía en 2015.',
                     'Hipotiroidismo en tratamiento con levotiroxina.','Migraña crónica.',
                     'Sin antecedentes de importancia.'] AS history,
               ARRAY['Ninguna conocida','Penicilina','Ninguna conocida','Sulfas','Polen',
                     'Ninguna conocida','Mariscos','Ácido acetilsalicílico'] AS allergy
    )
    SELECT i AS n,
           CASE WHEN i = 0 THEN 'Lucía' ELSE first[1 + (i * 7) % 20] END AS first_name,
           CASE WHEN i = 0 THEN 'Morales Pineda'
                ELSE last[1 + (i * 5) % 24] || ' ' || last[1 + (i * 11 + 3) % 24] END AS last_name,
           CASE WHEN i = 0 THEN 'F' ELSE sex[1 + (i * 7) % 20] END AS sex,
           h, street, colonia, history, allergy
    FROM names
    CROSS JOIN generate_series(0, p_total - 1) AS i
    CROSS JOIN LATERAL (SELECT ('x' || substr(md5('demo-patient-' || i), 1, 8))::bit(32)::int & 2147483647 AS h) hh;

    INSERT INTO users (email, password_hash, first_name, last_name, phone, role,
                       notify_by_email, notify_by_sms, locale, created_at, updated_at)
    SELECT CASE WHEN s.n = 0 THEN 'patient@clinic.test'
                ELSE translate(lower(split_part(s.first_name, ' ', 1) || '.' || split_part(s.last_name, ' ', 1)),
                               'áéíóúüñ', 'aeiouun') || '.' || s.n || '@example.com' END,
           coalesce(h.hash, '!'), s.first_name, s.last_name,
           '+52 55 3' || lpad((s.h % 1000)::text, 3, '0') || ' ' || lpad((1000 + s.n)::text, 4, '0'),
           'CLIENT', true, (s.n % 4 = 0), CASE WHEN s.n % 10 = 7 THEN 'en' ELSE 'es' END,
           day0 - make_interval(days => 1 + s.h % 360, mins => s.h % 600),
           day0 - make_interval(days => 1 + s.h % 360, mins => s.h % 600)
    FROM demo_patient_src s
    LEFT JOIN seed_password_hashes h ON s.n = 0 AND h.email = 'patient@clinic.test'
    ORDER BY s.n;

    INSERT INTO patients (user_id, date_of_birth, gender, address, emergency_contact, emergency_phone,
                          medical_history, allergies, created_at, updated_at)
    SELECT u.id,
           DATE '1950-01-01' + (s.h % 24000),
           CASE s.sex WHEN 'F' THEN 'FEMALE' ELSE 'MALE' END,
           s.street[1 + s.h % 8] || ' ' || (10 + s.h % 290) || ', Col. ' || s.colonia[1 + (s.h / 8) % 8]
               || ', Ciudad de México',
           s.first[1 + (s.n * 3 + 1) % 20] || ' ' || split_part(s.last_name, ' ', 1),
           '+52 55 4' || lpad((s.h % 997)::text, 3, '0') || ' ' || lpad((2000 + s.n)::text, 4, '0'),
           s.history[1 + (s.h / 64) % 8],
           s.allergy[1 + (s.h / 512) % 8],
           u.created_at, u.created_at
    FROM (SELECT p.*, n.first FROM demo_patient_src p,
                 (SELECT ARRAY['Lucía','Mateo','Valentina','Santiago','Camila','Sebastián','Regina','Diego',
                               'Ximena','Emiliano','Fernanda','Leonardo','Daniela','Andrés','Paula','Joaquín',
                               'Mariana','Tomás','Renata','Gabriel'] AS first) n) s
    JOIN users u ON u.email = CASE WHEN s.n = 0 THEN 'patient@clinic.test'
                ELSE translate(lower(split_part(s.first_name, ' ', 1) || '.' || split_part(s.last_name, ' ', 1)),
                               'áéíóúüñ', 'aeiouun') || '.' || s.n || '@example.com' END
    ORDER BY s.n;

    CREATE TEMP TABLE demo_patient ON COMMIT DROP AS
    SELECT s.n, p.id AS patient_id, p.user_id
    FROM demo_patient_src s
    JOIN users u ON u.email = CASE WHEN s.n = 0 THEN 'patient@clinic.test'
                ELSE translate(lower(split_part(s.first_name, ' ', 1) || '.' || split_part(s.last_name, ' ', 1)),
                               'áéíóúüñ', 'aeiouun') || '.' || s.n || '@example.com' END
    JOIN patients p ON p.user_id = u.id;

    ---------------------------------------------------------------- appointments
    -- The weekdays of [today - 45, today + 45], numbered from 0. A doctor's
    -- timeline is those days x 18 half-hour slots (08:00 ... 16:30), t = di*18 + slot.
    CREATE TEMP TABLE demo_day ON COMMIT DROP AS
    SELECT (row_number() OVER (ORDER BY d) - 1)::int AS di, d::date AS d
    FROM generate_series(today - 45, today + 45, interval '1 day') AS d
    WHERE extract(isodow FROM d) < 6;
    SELECT count(*) INTO n_days FROM demo_day;
    n_slots := n_days * 18;
    per_doc := (a_total + d_total - 1) / d_total;

    -- Appointment a goes to doctor d = a mod 8 at the doctor's k-th slot
    -- (k = a / 8), spread evenly over the timeline and rotated per doctor:
    -- distinct k give distinct t, so a doctor never has two at once.
    -- Its patient is (8*X(t) + (d + Y(t)) mod 8) mod 40: for one t the eight
    -- doctors map to eight consecutive numbers, hence eight different
    -- patients, so a patient never has two at once either.
    CREATE TEMP TABLE demo_appt ON COMMIT DROP AS
    WITH base AS (
        SELECT a, a % d_total AS d, a / d_total AS k,
               ((a / d_total) * n_slots / per_doc + (a % d_total) * 5) % n_slots AS t,
               ('x' || substr(md5('demo-appt-' || a), 1, 8))::bit(32)::int & 2147483647 AS h
        FROM generate_series(0, a_total - 1) AS a
    ), placed AS (
        SELECT b.*, dy.d AS local_date, TIME '08:00' + make_interval(mins => 30 * (b.t % 18)) AS local_time,
               ('x' || substr(md5('demo-slot-' || b.t), 1, 8))::bit(32)::int & 2147483647 AS ht
        FROM base b JOIN demo_day dy ON dy.di = b.t / 18
    )
    SELECT p.a, p.d, p.h, p.local_date, p.local_time,
           (d_total * (p.ht % (p_total / d_total)) + (p.d + p.ht / 7) % d_total) % p_total AS pn,
           (p.local_date + p.local_time) AT TIME ZONE tz AS starts_at,
           CASE WHEN p.local_date < today THEN
                    CASE WHEN p.h % 100 < 72 THEN 'COMPLETED' WHEN p.h % 100 < 86 THEN 'NO_SHOW' ELSE 'CANCELLED' END
                ELSE
                    CASE WHEN p.h % 100 < 55 THEN 'SCHEDULED' WHEN p.h % 100 < 87 THEN 'CONFIRMED' ELSE 'CANCELLED' END
           END AS status
    FROM placed p;

    -- The demo patient (n = 0) should show a full history with Dr. García:
    -- two upcoming SCHEDULED, one CONFIRMED, and past COMPLETED, NO_SHOW and
    -- CANCELLED visits. García's rows have distinct times; rows at a time the
    -- demo patient already holds are skipped, so no overlap can arise.
    UPDATE demo_appt x SET pn = 0
    FROM (
        SELECT a, row_number() OVER (PARTITION BY status, local_date >= today
                                     ORDER BY CASE WHEN local_date >= today THEN local_date END,
                                              local_date DESC, local_time) AS r,
               status, local_date >= today AS future
        FROM demo_appt y
        WHERE y.d = 0 AND y.pn <> 0
          AND NOT EXISTS (SELECT 1 FROM demo_appt z
                          WHERE z.pn = 0 AND z.local_date = y.local_date AND z.local_time = y.local_time)
    ) pick
    WHERE x.a = pick.a
      AND (pick.future AND pick.status = 'SCHEDULED' AND pick.r <= 2
           OR pick.future AND pick.status = 'CONFIRMED' AND pick.r <= 1
           OR NOT pick.future AND pick.status = 'COMPLETED' AND pick.r <= 2
           OR NOT pick.future AND pick.status IN ('NO_SHOW', 'CANCELLED') AND pick.r <= 1);

    INSERT INTO appointments (patient_id, doctor_id, local_date, local_time, starts_at, ends_at, status,
                              reason, notes, cancellation_reason, created_by, created_at, updated_at)
    SELECT dp.patient_id, dd.doctor_id, x.local_date, x.local_time, x.starts_at,
           x.starts_at + interval '30 minutes',
           x.status,
           (ARRAY['Consulta de control','Chequeo anual','Dolor de cabeza persistente',
                  'Revisión de resultados de laboratorio','Seguimiento de tratamiento',
                  'Dolor en el pecho al hacer ejercicio','Erupción en la piel con comezón',
                  'Dolor de rodilla al caminar','Visión borrosa','Control de presión arterial',
                  'Vacunación','Tos y fiebre desde hace tres días'])[1 + (x.h / 100) % 12],
           CASE x.status
               WHEN 'COMPLETED' THEN (ARRAY['Paciente estable. Control en 3 meses.',
                                            'Se solicitan estudios de laboratorio.',
                                            'Se ajusta la dosis del tratamiento.',
                                            'Alta; sin seguimiento necesario.'])[1 + (x.h / 1300) % 4]
               WHEN 'NO_SHOW' THEN 'El paciente no se presentó.'
               WHEN 'CONFIRMED' THEN 'Confirmada por teléfono.'
           END,
           CASE WHEN x.status = 'CANCELLED' THEN
               (ARRAY['El paciente tuvo un imprevisto de trabajo.','Se siente mejor.',
                      'Reprogramará más adelante.'])[1 + (x.h / 5200) % 3] END,
           CASE WHEN x.h % 5 = 0 THEN (SELECT id FROM users WHERE email = 'admin@clinic.test') ELSE dp.user_id END,
           least(x.starts_at - make_interval(days => 1 + (x.h / 7) % 20, mins => (x.h / 3) % 600),
                 day0 - make_interval(mins => 30 + (x.h / 11) % 2000)),
           CASE WHEN x.status IN ('COMPLETED', 'NO_SHOW') THEN x.starts_at + interval '45 minutes'
                ELSE least(x.starts_at - make_interval(days => 1 + (x.h / 7) % 20, mins => (x.h / 3) % 600),
                           day0 - make_interval(mins => 30 + (x.h / 11) % 2000)) END
    FROM demo_appt x
    JOIN demo_doctor dd ON dd.n = x.d
    JOIN demo_patient dp ON dp.n = x.pn
    ORDER BY x.local_date, x.local_time, x.d;

    ---------------------------------------------------------------- time off
    -- Dr. Hernández is at a congress for three weekdays starting the 8th
    -- weekday from today; Dr. González took three days off two weeks ago.
    -- Appointments that fell inside were cancelled by the clinic.
    INSERT INTO time_off (doctor_id, during, reason, created_by, created_at)
    SELECT dd.doctor_id,
           tstzrange(dy.d::timestamp AT TIME ZONE tz, (dy.d + 3)::timestamp AT TIME ZONE tz, '[)'),
           t.reason, (SELECT id FROM users WHERE email = 'admin@clinic.test'),
           day0 - interval '20 days'
    FROM (VALUES (2, 8, 'Congreso Nacional de Dermatología'), (4, -10, 'Vacaciones')) AS t(n, offs, reason)
    JOIN demo_doctor dd ON dd.n = t.n
    JOIN demo_day dy ON dy.di = (SELECT di FROM demo_day WHERE d >= today ORDER BY d LIMIT 1) + t.offs
    ORDER BY t.n;

    UPDATE appointments a
    SET status = 'CANCELLED', notes = NULL,
        cancellation_reason = 'Cancelada por la clínica: el médico no está disponible.',
        created_by = a.created_by
    FROM time_off o
    WHERE o.doctor_id = a.doctor_id AND o.during && a.during AND a.status <> 'CANCELLED';
    -- The trigger stamped updated_at with now(); keep the data deterministic.
    UPDATE appointments a SET updated_at = least(a.starts_at, day0 - interval '19 days')
    FROM time_off o
    WHERE o.doctor_id = a.doctor_id AND o.during && a.during;

    ---------------------------------------------------------------- notifications
    -- A booking confirmation (sent) for every appointment, a cancellation
    -- notice (sent) for cancelled ones, a pending 24 h reminder for active
    -- appointments from the day after tomorrow on, SMS copies for patients
    -- who chose SMS, and one SMS the gateway refused.
    INSERT INTO notifications (user_id, appointment_id, channel, kind, subject, body, recipient, status,
                               attempts, last_error, scheduled_at, sent_at, delivery_key, created_at, reminder_offset_minutes)
    SELECT u.id, a.id, c.channel, k.kind,
           CASE k.kind WHEN 'BOOKING_CONFIRMATION' THEN 'Cita confirmada'
                       WHEN 'CANCELLED' THEN 'Cita cancelada'
                       ELSE 'Recordatorio de su cita' END,
           CASE k.kind WHEN 'BOOKING_CONFIRMATION' THEN 'Su cita con ' ELSE
                CASE k.kind WHEN 'CANCELLED' THEN 'Se canceló su cita con ' ELSE 'Le recordamos su cita con ' END END
               || 'Dr(a). ' || du.last_name || ' el ' || to_char(a.local_date, 'DD/MM/YYYY') || ' a las '
               || to_char(a.local_time, 'HH24:MI') || ' en Clínica Central.',
           CASE c.channel WHEN 'EMAIL' THEN u.email ELSE u.phone END,
           CASE WHEN k.kind = 'REMINDER' THEN 'PENDING' ELSE 'SENT' END,
           CASE WHEN k.kind = 'REMINDER' THEN 0 ELSE 1 END,
           NULL,
           CASE k.kind WHEN 'REMINDER' THEN a.starts_at - interval '24 hours'
                       WHEN 'CANCELLED' THEN a.updated_at ELSE a.created_at END,
           CASE k.kind WHEN 'REMINDER' THEN NULL
                       WHEN 'CANCELLED' THEN a.updated_at + interval '40 seconds'
                       ELSE a.created_at + interval '25 seconds' END,
           md5('demo-notification-' || a.id || '-' || k.kind || '-' || c.channel)::uuid,
           CASE k.kind WHEN 'CANCELLED' THEN a.updated_at ELSE a.created_at END,
           CASE k.kind WHEN 'REMINDER' THEN 1440 END
    FROM appointments a
    JOIN patients p ON p.id = a.patient_id
    JOIN users u ON u.id = p.user_id
    JOIN doctors d ON d.id = a.doctor_id
    JOIN users du ON du.id = d.user_id
    CROSS JOIN (VALUES ('BOOKING_CONFIRMATION'), ('CANCELLED'), ('REMINDER')) AS k(kind)
    CROSS JOIN (VALUES ('EMAIL'), ('SMS')) AS c(channel)
    WHERE (c.channel = 'EMAIL' AND u.notify_by_email OR c.channel = 'SMS' AND u.notify_by_sms)
      AND (k.kind = 'BOOKING_CONFIRMATION'
           OR k.kind = 'CANCELLED' AND a.status = 'CANCELLED'
           OR k.kind = 'REMINDER' AND a.status IN ('SCHEDULED', 'CONFIRMED') AND a.local_date >= today + 2)
    ORDER BY a.id, k.kind, c.channel;

    INSERT INTO notifications (user_id, appointment_id, channel, kind, subject, body, recipient, status,
                               attempts, last_error, scheduled_at, sent_at, delivery_key, created_at)
    SELECT u.id, NULL, 'SMS', 'CUSTOM', 'Aviso', 'Clínica Central: el estacionamiento estará cerrado el lunes.',
           '+52 55 0000 0000', 'FAILED', 5, 'HTTP 400 from SMS gateway: invalid destination number',
           day0 - interval '3 days', NULL, md5('demo-notification-failed-sms')::uuid, day0 - interval '3 days'
    FROM users u WHERE u.email = 'patient@clinic.test';

    ---------------------------------------------------------------- audit log
    INSERT INTO audit_log (at, actor_id, action, target_id, details, ip)
    SELECT e.at, (SELECT id FROM users WHERE email = e.actor), e.action, NULL, e.details::jsonb, e.ip
    FROM (VALUES
        (day0 - interval '390 days', 'superadmin@clinic.test', 'user.create',
            '{"email": "admin@clinic.test", "role": "ADMIN"}', '10.0.0.5', 1),
        (day0 - interval '30 days', 'superadmin@clinic.test', 'settings.update',
            '{"changed": ["bookingHorizonDays"]}', '10.0.0.5', 2),
        (day0 - interval '20 days', 'admin@clinic.test', 'doctor.time_off_add',
            '{"doctor": "dr.hernandez@clinic.test", "reason": "Congreso Nacional de Dermatología"}', '10.0.0.8', 3),
        (day0 - interval '2 days' - interval '7 hours', NULL, 'auth.login_failed',
            '{"email": "patient@clinic.test", "reason": "wrong_password"}', '203.0.113.7', 4),
        (day0 - interval '2 days' - interval '6 hours 59 minutes', 'patient@clinic.test', 'auth.login',
            '{}', '203.0.113.7', 5),
        (day0 - interval '1 day', 'superadmin@clinic.test', 'backup.create',
            '{"fileName": "clinic-demo.dump"}', '10.0.0.5', 6)
    ) AS e(at, actor, action, details, ip, ord)
    ORDER BY e.ord;

    INSERT INTO audit_log (at, actor_id, action, target_id, details, ip)
    SELECT a.created_at, a.created_by, 'appointment.book', NULL,
           jsonb_build_object('appointment', a.id, 'doctor', a.doctor_id, 'date', a.local_date,
                              'time', to_char(a.local_time, 'HH24:MI')),
           '192.0.2.' || (1 + a.id % 200)
    FROM appointments a
    ORDER BY a.created_at, a.id;

    INSERT INTO audit_log (at, actor_id, action, target_id, details, ip)
    SELECT a.updated_at, (SELECT id FROM users WHERE email = 'admin@clinic.test'),
           'appointment.status_change', NULL,
           jsonb_build_object('appointment', a.id, 'status', a.status), '10.0.0.8'
    FROM appointments a
    WHERE a.status <> 'SCHEDULED'
    ORDER BY a.updated_at, a.id;

    -- The demo patient holds three upcoming visits (above), the default limit of
    -- upcoming appointments a client may book online (issue #17): the demo clinic
    -- allows five, so patient@clinic.test can still try booking.
    UPDATE system_settings SET max_active_appointments_per_patient = GREATEST(max_active_appointments_per_patient, 5);

    RAISE NOTICE 'demo seed: % users, % doctors, % patients, % appointments',
        (SELECT count(*) FROM users), (SELECT count(*) FROM doctors),
        (SELECT count(*) FROM patients), (SELECT count(*) FROM appointments);
END
$seed$;
