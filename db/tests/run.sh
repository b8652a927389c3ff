#!/usr/bin/env bash
# Tests of the data model and the seeds against a real PostgreSQL.
#
# Usage: PGHOST=/path/to/socket-dir PGUSER=postgres db/tests/run.sh
# Needs a role that may CREATE DATABASE. Creates three throwaway databases
# (dropped at exit), applies every migration with `psql -1 -f` each, then:
#   A: demo seed twice (idempotence), the model's constraint tests, scale 1 on top
#   B, C: scale 1 each (determinism: per-table checksums must be equal),
#         B a second time (idempotence), with the load time printed
#   C_r: pg_restore of A's dump (round trip); C_x: seeds without their inputs,
#         then demo with the clinic in a DST time zone.
# Last line: "N passed, M failed"; exit status 1 when anything failed.
set -u

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
DB_DIR="$(dirname "$HERE")"
MAINT_DB="${PGMAINTDB:-postgres}"
SUFFIX="$$_$(date +%s)"
DB_A="clinic_model_test_a_$SUFFIX"
DB_B="clinic_model_test_b_$SUFFIX"
DB_C="clinic_model_test_c_$SUFFIX"

PASS=0
FAIL=0
pass() { PASS=$((PASS + 1)); echo "ok   - $1"; }
fail() { FAIL=$((FAIL + 1)); echo "FAIL - $1${2:+: $2}"; }

PSQL=(psql -X -q -v ON_ERROR_STOP=1 -v VERBOSITY=verbose)

cleanup() {
    for db in "$DB_A" "$DB_B" "$DB_C" "${DB_C}_x" "${DB_C}_r"; do
        "${PSQL[@]}" -d "$MAINT_DB" -c "DROP DATABASE IF EXISTS \"$db\"" >/dev/null 2>&1
    done
}
trap cleanup EXIT

# q DB SQL: prints the result unaligned, tuples only.
q() { "${PSQL[@]}" -At -d "$1" -c "$2" 2>&1; }

# expect_true NAME DB SQL: SQL must return exactly 't'.
expect_true() {
    local out; out="$(q "$2" "$3")"
    if [ "$out" = "t" ]; then pass "$1"; else fail "$1" "got: $out"; fi
}

# expect_ok NAME DB SQL: SQL succeeds (run inside a rolled-back transaction).
expect_ok() {
    local out
    if out="$("${PSQL[@]}" -d "$2" -c "BEGIN; $3; ROLLBACK;" 2>&1)"; then pass "$1"
    else fail "$1" "$out"; fi
}

# expect_error NAME DB SQLSTATE CONSTRAINT SQL: SQL fails with that SQLSTATE
# and an error naming that constraint ('-' for any); nothing is kept.
expect_error() {
    local name="$1" db="$2" state="$3" cons="$4" sql="$5" out
    if out="$("${PSQL[@]}" -d "$db" -c "BEGIN; $sql; ROLLBACK;" 2>&1)"; then
        fail "$name" "expected SQLSTATE $state, but it succeeded"
    elif ! grep -q "ERROR:  $state:" <<<"$out"; then
        fail "$name" "expected SQLSTATE $state, got: $(head -1 <<<"$out")"
    elif [ "$cons" != "-" ] && ! grep -q "$cons" <<<"$out"; then
        fail "$name" "expected constraint $cons, got: $(head -1 <<<"$out")"
    else
        pass "$name"
    fi
}

HASHES="CREATE TEMP TABLE seed_password_hashes (email text PRIMARY KEY, hash text NOT NULL);
INSERT INTO seed_password_hashes VALUES
 ('superadmin@clinic.test', '\$2b\$12\$testhashsuperadmin'),
 ('admin@clinic.test',      '\$2b\$12\$testhashadmin'),
 ('patient@clinic.test',    '\$2b\$12\$testhashpatient'),
 ('dr.garcia@clinic.test',  '\$2b\$12\$testhashdoctor'),
 ('bench-admin@clinic.test','\$2b\$12\$testhashbenchadmin'),
 ('*@bench.test',           '\$2b\$12\$testhashbenchpatient');"

seed_demo() { "${PSQL[@]}" -d "$1" -1 -c "$HASHES" -f "$DB_DIR/seed/demo.sql" 2>&1; }
seed_scale() {
    "${PSQL[@]}" -d "$1" -1 -c "SELECT set_config('clinic.scale', '$2', false)" -c "$HASHES" \
        -f "$DB_DIR/seed/scale.sql" 2>&1 >/dev/null
}

# One md5 per table over every row's text form, in id order.
CHECKSUM_SQL="SELECT string_agg(t || '=' || coalesce(h, 'empty'), ' ' ORDER BY t) FROM (
  SELECT 'users' t, md5(string_agg(x::text, '|' ORDER BY x.id)) h FROM users x UNION ALL
  SELECT 'patients', md5(string_agg(x::text, '|' ORDER BY x.id)) FROM patients x UNION ALL
  SELECT 'doctors', md5(string_agg(x::text, '|' ORDER BY x.id)) FROM doctors x UNION ALL
  SELECT 'working_hours', md5(string_agg(x::text, '|' ORDER BY x.id)) FROM working_hours x UNION ALL
  SELECT 'time_off', md5(string_agg(x::text, '|' ORDER BY x.id)) FROM time_off x UNION ALL
  SELECT 'appointments', md5(string_agg(x::text, '|' ORDER BY x.id)) FROM appointments x UNION ALL
  SELECT 'notifications', md5(string_agg(x::text, '|' ORDER BY x.id)) FROM notifications x UNION ALL
  SELECT 'audit_log', md5(string_agg(x::text, '|' ORDER BY x.id)) FROM audit_log x UNION ALL
  SELECT 'system_settings', md5(string_agg((x.clinic_name, x.time_zone, x.cancellation_window_hours,
         x.reminder_hours_before, x.booking_horizon_days, x.default_slot_minutes)::text, '|'))
  FROM system_settings x) s"

# Every appointment sits on its doctor's working-hours grid, lasts one slot,
# and its instants agree with its clinic-local date and time.
ON_GRID_SQL="SELECT count(*) = 0 FROM appointments a, system_settings s
 WHERE a.starts_at <> (a.local_date + a.local_time) AT TIME ZONE s.time_zone
    OR NOT EXISTS (SELECT 1 FROM working_hours w
                   WHERE w.doctor_id = a.doctor_id AND w.weekday = extract(isodow FROM a.local_date)
                     AND a.local_time >= w.start_time
                     AND a.local_time + make_interval(mins => w.slot_minutes) <= w.end_time
                     AND extract(epoch FROM a.local_time - w.start_time)::int % (w.slot_minutes * 60) = 0
                     AND a.ends_at - a.starts_at = make_interval(mins => w.slot_minutes))"
# No doctor and no patient has two appointments at once, whatever the status.
# (Each appointment against the one before it in time, per doctor and per patient.)
NO_OVERLAP_SQL="SELECT NOT EXISTS (SELECT 1 FROM (
     SELECT starts_at, lag(ends_at) OVER (PARTITION BY doctor_id ORDER BY starts_at, ends_at) AS prev_end
     FROM appointments) d WHERE d.prev_end > d.starts_at)
   AND NOT EXISTS (SELECT 1 FROM (
     SELECT starts_at, lag(ends_at) OVER (PARTITION BY patient_id ORDER BY starts_at, ends_at) AS prev_end
     FROM appointments) p WHERE p.prev_end > p.starts_at)"
TODAY_SQL="(SELECT (now() AT TIME ZONE time_zone)::date FROM system_settings)"

# ------------------------------------------------------------ migrations
for db in "$DB_A" "$DB_B" "$DB_C"; do
    if ! out="$("${PSQL[@]}" -d "$MAINT_DB" -c "CREATE DATABASE \"$db\"" 2>&1)"; then
        fail "create database $db" "$out"; echo "$PASS passed, $FAIL failed"; exit 1
    fi
    ok=1
    for f in "$DB_DIR"/migrations/[0-9][0-9][0-9][0-9]_*.sql; do
        if ! out="$("${PSQL[@]}" -d "$db" -1 -f "$f" 2>&1)"; then
            fail "migration $(basename "$f") applies on a fresh database" "$out"; ok=0; break
        fi
    done
    [ $ok = 1 ] && pass "all migrations apply on fresh database ${db%%_[0-9]*}"
done

# ------------------------------------------------------------ settings
expect_true "settings has exactly one row with the defaults" "$DB_A" \
  "SELECT count(*) = 1 AND bool_and(time_zone = 'America/Mexico_City' AND cancellation_window_hours = 24
          AND reminder_hours_before = 24 AND default_slot_minutes = 30) FROM system_settings"
expect_error "settings rejects a second row" "$DB_A" 23505 system_settings_pkey \
  "INSERT INTO system_settings DEFAULT VALUES"
expect_error "settings rejects a row keyed false" "$DB_A" 23514 system_settings_single_row \
  "INSERT INTO system_settings (id) VALUES (false)"
expect_error "settings rejects an unknown time zone" "$DB_A" 23514 - \
  "UPDATE system_settings SET time_zone = 'Mars/Olympus_Mons'"
expect_ok "settings accepts an IANA time zone" "$DB_A" \
  "UPDATE system_settings SET time_zone = 'Europe/Madrid'"
expect_error "settings rejects a negative cancellation window" "$DB_A" 23514 system_settings_cancellation_window_check \
  "UPDATE system_settings SET cancellation_window_hours = -1"

# ------------------------------------------------------------ demo seed
if out="$(seed_demo "$DB_A")"; then pass "demo seed loads"; else fail "demo seed loads" "$out"; fi
SUM1="$(q "$DB_A" "$CHECKSUM_SQL")"
if out="$(seed_demo "$DB_A")"; then pass "demo seed runs a second time"; else fail "demo seed runs a second time" "$out"; fi
SUM2="$(q "$DB_A" "$CHECKSUM_SQL")"
if [ -n "$SUM1" ] && [ "$SUM1" = "$SUM2" ]; then pass "demo seed is idempotent (checksums unchanged)"
else fail "demo seed is idempotent (checksums unchanged)" "$SUM1 vs $SUM2"; fi

expect_true "demo accounts have exactly the contract's emails and roles" "$DB_A" \
  "SELECT array_agg(email || ':' || role ORDER BY email) = ARRAY['admin@clinic.test:ADMIN',
     'dr.garcia@clinic.test:CLIENT','patient@clinic.test:CLIENT','superadmin@clinic.test:SUPERADMIN']
   FROM users WHERE email LIKE '%@clinic.test' AND email IN
     ('superadmin@clinic.test','admin@clinic.test','patient@clinic.test','dr.garcia@clinic.test')"
expect_true "demo accounts get the runner's password hashes" "$DB_A" \
  "SELECT count(*) = 4 FROM users u JOIN (VALUES ('superadmin@clinic.test','\$2b\$12\$testhashsuperadmin'),
     ('admin@clinic.test','\$2b\$12\$testhashadmin'),('patient@clinic.test','\$2b\$12\$testhashpatient'),
     ('dr.garcia@clinic.test','\$2b\$12\$testhashdoctor')) h(e, x) ON u.email = h.e AND u.password_hash = h.x"
expect_true "demo has 8 doctors, 40 patients, 300 appointments" "$DB_A" \
  "SELECT (SELECT count(*) FROM doctors) = 8 AND (SELECT count(*) FROM patients) = 40
      AND (SELECT count(*) FROM appointments) = 300"
expect_true "dr.garcia@clinic.test is a doctor and patient@clinic.test a patient" "$DB_A" \
  "SELECT EXISTS (SELECT 1 FROM doctors d JOIN users u ON u.id = d.user_id WHERE u.email = 'dr.garcia@clinic.test')
      AND EXISTS (SELECT 1 FROM patients p JOIN users u ON u.id = p.user_id WHERE u.email = 'patient@clinic.test')"
expect_true "the demo patient has past and upcoming appointments with Dr. García" "$DB_A" \
  "SELECT count(*) FILTER (WHERE a.local_date < $TODAY_SQL) >= 2 AND count(*) FILTER (WHERE a.local_date >= $TODAY_SQL
          AND a.status IN ('SCHEDULED','CONFIRMED')) >= 2
   FROM appointments a JOIN patients p ON p.id = a.patient_id JOIN users u ON u.id = p.user_id
   JOIN doctors d ON d.id = a.doctor_id JOIN users du ON du.id = d.user_id
   WHERE u.email = 'patient@clinic.test' AND du.email = 'dr.garcia@clinic.test'"
expect_true "demo appointments cover every status" "$DB_A" \
  "SELECT count(DISTINCT status) = 5 FROM appointments"
expect_true "demo past appointments are final and future ones active or cancelled" "$DB_A" \
  "SELECT bool_and(CASE WHEN local_date < $TODAY_SQL THEN status IN ('COMPLETED','NO_SHOW','CANCELLED')
                   ELSE status IN ('SCHEDULED','CONFIRMED','CANCELLED') END) FROM appointments"
expect_true "demo appointments are on the working-hours grid" "$DB_A" "$ON_GRID_SQL"
expect_true "demo appointments never overlap for a doctor or a patient" "$DB_A" "$NO_OVERLAP_SQL"
expect_true "every demo doctor has Mon-Fri working hours" "$DB_A" \
  "SELECT bool_and(n = 5) FROM (SELECT d.id, count(w.*) FILTER (WHERE w.weekday <= 5) n
   FROM doctors d LEFT JOIN working_hours w ON w.doctor_id = d.id GROUP BY d.id) x"
expect_true "no active demo appointment falls in time off" "$DB_A" \
  "SELECT (SELECT count(*) FROM time_off) > 0 AND NOT EXISTS (SELECT 1 FROM appointments a JOIN time_off o
     ON o.doctor_id = a.doctor_id AND o.during && a.during WHERE a.status IN ('SCHEDULED','CONFIRMED'))"
expect_true "demo has notifications in every status and audit entries" "$DB_A" \
  "SELECT (SELECT count(DISTINCT status) FROM notifications) = 3 AND (SELECT count(*) FROM audit_log) > 0"

# ------------------------------------------------------------ exclusion constraints
# Helper for the tests below: an appointment for the n-th doctor and patient
# on a Sunday far beyond any seeded data.
"${PSQL[@]}" -d "$DB_A" -c "
CREATE FUNCTION test_appt(doctor_n int, patient_n int, at text, minutes int, st text DEFAULT 'SCHEDULED')
RETURNS bigint LANGUAGE sql AS \$\$
  INSERT INTO appointments (patient_id, doctor_id, local_date, local_time, starts_at, ends_at, status)
  SELECT (SELECT id FROM patients ORDER BY id OFFSET patient_n - 1 LIMIT 1),
         (SELECT id FROM doctors ORDER BY id OFFSET doctor_n - 1 LIMIT 1),
         DATE '2030-01-06', at::time,
         (DATE '2030-01-06' + at::time) AT TIME ZONE 'America/Mexico_City',
         (DATE '2030-01-06' + at::time) AT TIME ZONE 'America/Mexico_City' + make_interval(mins => minutes),
         st
  RETURNING id
\$\$;" >/dev/null

expect_error "a doctor cannot hold two active appointments in the same slot" "$DB_A" 23P01 appointments_doctor_no_overlap \
  "SELECT test_appt(1, 1, '10:00', 30); SELECT test_appt(1, 2, '10:00', 30)"
expect_error "overlapping slots of different lengths collide for a doctor" "$DB_A" 23P01 appointments_doctor_no_overlap \
  "SELECT test_appt(1, 1, '10:00', 30); SELECT test_appt(1, 2, '10:20', 20)"
expect_error "a CONFIRMED appointment blocks a SCHEDULED one" "$DB_A" 23P01 appointments_doctor_no_overlap \
  "SELECT test_appt(1, 1, '10:00', 30, 'CONFIRMED'); SELECT test_appt(1, 2, '10:15', 30)"
expect_error "a doctor's buffer after an appointment is kept free (0017)" "$DB_A" 23P01 appointments_doctor_no_overlap \
  "CREATE TEMP TABLE x AS SELECT test_appt(1, 1, '10:00', 30) AS id;
   UPDATE appointments SET buffer_after_minutes = 15 WHERE id = (SELECT id FROM x); SELECT test_appt(1, 2, '10:40', 30)"
expect_ok "just past the buffer is free" "$DB_A" \
  "CREATE TEMP TABLE x AS SELECT test_appt(1, 1, '10:00', 30) AS id;
   UPDATE appointments SET buffer_after_minutes = 15 WHERE id = (SELECT id FROM x); SELECT test_appt(1, 2, '10:45', 30)"
expect_ok "back-to-back appointments of a doctor are allowed (half-open ranges)" "$DB_A" \
  "SELECT test_appt(1, 1, '10:00', 30); SELECT test_appt(1, 2, '10:30', 30)"
expect_ok "two doctors may see different patients at the same time" "$DB_A" \
  "SELECT test_appt(1, 1, '10:00', 30); SELECT test_appt(2, 2, '10:00', 30)"
expect_error "a patient cannot hold two active appointments that overlap" "$DB_A" 23P01 appointments_patient_no_overlap \
  "SELECT test_appt(1, 1, '10:00', 30); SELECT test_appt(2, 1, '10:15', 30)"
expect_ok "a CANCELLED appointment does not block its range" "$DB_A" \
  "SELECT test_appt(1, 1, '10:00', 30, 'CANCELLED'); SELECT test_appt(1, 2, '10:00', 30)"
expect_ok "cancelling frees the range for rebooking" "$DB_A" \
  "CREATE TEMP TABLE x AS SELECT test_appt(1, 1, '10:00', 30) AS id;
   UPDATE appointments SET status = 'CANCELLED' WHERE id = (SELECT id FROM x);
   SELECT test_appt(1, 2, '10:00', 30); SELECT test_appt(3, 1, '10:00', 30)"
expect_ok "COMPLETED and NO_SHOW appointments do not block" "$DB_A" \
  "SELECT test_appt(1, 1, '10:00', 30, 'COMPLETED'); SELECT test_appt(1, 2, '10:00', 30, 'NO_SHOW');
   SELECT test_appt(1, 3, '10:00', 30)"
expect_error "reactivating a cancelled appointment over a taken range is rejected" "$DB_A" 23P01 appointments_doctor_no_overlap \
  "CREATE TEMP TABLE x AS SELECT test_appt(1, 1, '10:00', 30, 'CANCELLED') AS id;
   SELECT test_appt(1, 2, '10:00', 30);
   UPDATE appointments SET status = 'SCHEDULED' WHERE id = (SELECT id FROM x)"
expect_error "rescheduling onto a taken range is rejected" "$DB_A" 23P01 appointments_doctor_no_overlap \
  "CREATE TEMP TABLE x AS SELECT test_appt(1, 1, '11:00', 30) AS id; SELECT test_appt(1, 2, '10:00', 30);
   UPDATE appointments SET starts_at = starts_at - interval '50 minutes', ends_at = ends_at - interval '50 minutes'
   WHERE id = (SELECT id FROM x)"

# The race the constraint exists for: two transactions booking the same slot
# at once. The second waits for the first and fails once it commits.
"${PSQL[@]}" -d "$DB_A" -c "BEGIN; SELECT test_appt(4, 4, '12:00', 30); SELECT pg_sleep(3); COMMIT;" >/dev/null 2>&1 &
RACER=$!
for _ in $(seq 1 100); do
    [ "$(q "$DB_A" "SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'PgSleep' AND datname = current_database()")" = "1" ] && break
    sleep 0.1
done
expect_error "a concurrent booking of the same slot fails once the first commits" "$DB_A" 23P01 appointments_doctor_no_overlap \
  "SELECT test_appt(4, 5, '12:10', 30)"
wait "$RACER"
expect_true "the first concurrent booking kept its slot" "$DB_A" \
  "SELECT count(*) = 1 FROM appointments WHERE local_date = '2030-01-06' AND local_time = '12:00'"
q "$DB_A" "DELETE FROM appointments WHERE local_date = '2030-01-06'" >/dev/null

# ------------------------------------------------------------ check constraints
expect_error "appointment status must be one of the five" "$DB_A" 23514 appointments_status_check \
  "SELECT test_appt(1, 1, '10:00', 30, 'PENDING')"
expect_error "appointment must end after it starts" "$DB_A" 23514 appointments_starts_before_ends \
  "SELECT test_appt(1, 1, '10:00', 0)"
expect_error "appointment reason is at most 1000 characters" "$DB_A" 23514 appointments_reason_length \
  "UPDATE appointments SET reason = repeat('x', 1001) WHERE id = (SELECT min(id) FROM appointments)"
expect_ok "appointment reason of 1000 characters is fine" "$DB_A" \
  "UPDATE appointments SET reason = repeat('é', 1000) WHERE id = (SELECT min(id) FROM appointments)"
expect_error "appointment notes are at most 10000 characters" "$DB_A" 23514 appointments_notes_length \
  "UPDATE appointments SET notes = repeat('x', 10001) WHERE id = (SELECT min(id) FROM appointments)"
expect_error "emails are stored lowercased" "$DB_A" 23514 users_email_lowercase \
  "INSERT INTO users (email, password_hash, first_name, last_name) VALUES ('Ana@Example.com', '!', 'Ana', 'Ruiz')"
expect_error "emails are unique" "$DB_A" 23505 users_email_key \
  "INSERT INTO users (email, password_hash, first_name, last_name) VALUES ('admin@clinic.test', '!', 'Ana', 'Ruiz')"
expect_error "an email needs one @ and a dotted domain" "$DB_A" 23514 users_email_shape \
  "INSERT INTO users (email, password_hash, first_name, last_name) VALUES ('ana@localhost', '!', 'Ana', 'Ruiz')"
expect_error "first names are at most 100 characters" "$DB_A" 23514 users_first_name_length \
  "INSERT INTO users (email, password_hash, first_name, last_name) VALUES ('ana@example.com', '!', repeat('a', 101), 'Ruiz')"
expect_error "role must be CLIENT, ADMIN or SUPERADMIN" "$DB_A" 23514 users_role_check \
  "INSERT INTO users (email, password_hash, first_name, last_name, role) VALUES ('ana@example.com', '!', 'Ana', 'Ruiz', 'ROOT')"
expect_error "locale must be es or en" "$DB_A" 23514 users_locale_check \
  "INSERT INTO users (email, password_hash, first_name, last_name, locale) VALUES ('ana@example.com', '!', 'Ana', 'Ruiz', 'fr')"
expect_error "a deleted user cannot be active" "$DB_A" 23514 users_deleted_inactive \
  "UPDATE users SET deleted_at = now() WHERE email = 'admin@clinic.test'"
expect_true "updated_at is stamped on update" "$DB_A" \
  "BEGIN; UPDATE users SET first_name = 'Laura' WHERE email = 'admin@clinic.test';
   SELECT updated_at = now() FROM users WHERE email = 'admin@clinic.test'; ROLLBACK;"
expect_error "a user has at most one patient profile" "$DB_A" 23505 patients_user_id_key \
  "INSERT INTO patients (user_id, date_of_birth) SELECT user_id, date_of_birth FROM patients ORDER BY id LIMIT 1"
expect_error "gender must be one of the four" "$DB_A" 23514 patients_gender_check \
  "UPDATE patients SET gender = 'X' WHERE id = (SELECT min(id) FROM patients)"
expect_error "address is at most 500 characters" "$DB_A" 23514 patients_address_length \
  "UPDATE patients SET address = repeat('a', 501) WHERE id = (SELECT min(id) FROM patients)"
expect_error "medical history is at most 10000 characters" "$DB_A" 23514 patients_medical_history_length \
  "UPDATE patients SET medical_history = repeat('a', 10001) WHERE id = (SELECT min(id) FROM patients)"
expect_error "consultation fee cannot be negative" "$DB_A" 23514 doctors_consultation_fee_check \
  "UPDATE doctors SET consultation_fee = -1 WHERE id = (SELECT min(id) FROM doctors)"
expect_error "experience years cannot be negative" "$DB_A" 23514 doctors_experience_years_check \
  "UPDATE doctors SET experience_years = -1 WHERE id = (SELECT min(id) FROM doctors)"
expect_error "license numbers are unique" "$DB_A" 23505 doctors_license_number_key \
  "UPDATE doctors SET license_number = (SELECT max(license_number) FROM doctors) WHERE id = (SELECT min(id) FROM doctors)"
expect_error "working hours weekday is 1..7" "$DB_A" 23514 working_hours_weekday_check \
  "INSERT INTO working_hours (doctor_id, weekday, start_time, end_time) SELECT min(id), 8, '08:00', '12:00' FROM doctors"
expect_error "working hours start before they end" "$DB_A" 23514 working_hours_start_before_end \
  "INSERT INTO working_hours (doctor_id, weekday, start_time, end_time) SELECT min(id), 7, '12:00', '08:00' FROM doctors"
expect_error "slot length must divide the working-hours range" "$DB_A" 23514 working_hours_slot_divides_range \
  "INSERT INTO working_hours (doctor_id, weekday, start_time, end_time, slot_minutes) SELECT min(id), 7, '08:00', '09:00', 25 FROM doctors"
expect_error "working-hours ranges of one weekday cannot overlap" "$DB_A" 23P01 working_hours_no_overlap \
  "INSERT INTO working_hours (doctor_id, weekday, start_time, end_time) SELECT min(id), 1, '16:00', '18:00' FROM doctors"
expect_ok "several non-overlapping ranges per weekday are allowed" "$DB_A" \
  "INSERT INTO working_hours (doctor_id, weekday, start_time, end_time) SELECT min(id), 7, '08:00', '12:00' FROM doctors;
   INSERT INTO working_hours (doctor_id, weekday, start_time, end_time) SELECT min(id), 7, '12:00', '14:00' FROM doctors"
expect_error "time off must be a bounded range" "$DB_A" 23514 time_off_during_bounded \
  "INSERT INTO time_off (doctor_id, during) SELECT min(id), tstzrange(now(), NULL) FROM doctors"
expect_error "notification kind must be a NotificationKind" "$DB_A" 23514 notifications_kind_check \
  "INSERT INTO notifications (user_id, channel, kind, recipient) SELECT min(id), 'EMAIL', 'SPAM', 'a@b.c' FROM users"
expect_error "notification channel must be EMAIL or SMS" "$DB_A" 23514 notifications_channel_check \
  "INSERT INTO notifications (user_id, channel, kind, recipient) SELECT min(id), 'FAX', 'CUSTOM', 'a@b.c' FROM users"
expect_error "a SENT notification has a sent time" "$DB_A" 23514 notifications_sent_has_time \
  "INSERT INTO notifications (user_id, channel, kind, recipient, status) SELECT min(id), 'EMAIL', 'CUSTOM', 'a@b.c', 'SENT' FROM users"
expect_error "one pending reminder per appointment and channel" "$DB_A" 23505 notifications_one_pending_reminder \
  "INSERT INTO notifications (user_id, appointment_id, channel, kind, recipient, reminder_offset_minutes)
   SELECT 1, a.id, 'EMAIL', 'REMINDER', 'a@b.c', 1440 FROM (SELECT min(id) id FROM appointments) a, generate_series(1, 2)"
expect_ok "reminders at two offsets of one appointment and channel may both be pending" "$DB_A" \
  "INSERT INTO notifications (user_id, appointment_id, channel, kind, recipient, reminder_offset_minutes)
   SELECT 1, a.id, 'EMAIL', 'REMINDER', 'a@b.c', o FROM (SELECT min(id) id FROM appointments) a, unnest(ARRAY[1440, 120]) o"
expect_error "a refresh token's successor seal is 32 bytes" "$DB_A" 23514 refresh_tokens_successor_seal_length \
  "INSERT INTO refresh_tokens (user_id, token_hash, expires_at, successor_seal)
   SELECT min(id), sha256('y'), now() + interval '1 day', '\\x00'::bytea FROM users"
expect_error "refresh tokens store a 32-byte SHA-256" "$DB_A" 23514 refresh_tokens_token_hash_sha256 \
  "INSERT INTO refresh_tokens (user_id, token_hash, expires_at) SELECT min(id), '\\x00'::bytea, now() + interval '1 day' FROM users"
expect_error "refresh token hashes are unique" "$DB_A" 23505 refresh_tokens_token_hash_key \
  "INSERT INTO refresh_tokens (user_id, token_hash, expires_at)
   SELECT (SELECT min(id) FROM users), sha256('x'), now() + interval '1 day' FROM generate_series(1, 2)"
expect_error "reset tokens store a 32-byte SHA-256" "$DB_A" 23514 password_reset_tokens_token_hash_sha256 \
  "INSERT INTO password_reset_tokens (user_id, token_hash, expires_at) SELECT min(id), '\\x01'::bytea, now() + interval '1 hour' FROM users"
expect_error "audit action is required and at most 100 characters" "$DB_A" 23514 audit_log_action_length \
  "INSERT INTO audit_log (action) VALUES (repeat('a', 101))"
expect_error "backup sizes are not negative" "$DB_A" 23514 backups_size_bytes_check \
  "INSERT INTO backups (file_name, size_bytes) VALUES ('x.dump', -1)"

# ------------------------------------------------------------ scale seed
start=$(date +%s%N)
if out="$(seed_scale "$DB_B" 1)"; then
    ms=$(( ($(date +%s%N) - start) / 1000000 ))
    pass "scale 1 seed loads"
    echo "     scale 1 seed took ${ms} ms (20,000 appointments; load average $(cut -d' ' -f1 /proc/loadavg))"
else
    fail "scale 1 seed loads" "$out"
fi
if out="$(seed_scale "$DB_C" 1)"; then pass "scale 1 seed loads into a second database"
else fail "scale 1 seed loads into a second database" "$out"; fi
SUM_B="$(q "$DB_B" "$CHECKSUM_SQL")"
SUM_C="$(q "$DB_C" "$CHECKSUM_SQL")"
if [ -n "$SUM_B" ] && [ "$SUM_B" = "$SUM_C" ]; then pass "scale seed is deterministic (same checksums in both databases)"
else fail "scale seed is deterministic (same checksums in both databases)" "$SUM_B vs $SUM_C"; fi
if out="$(seed_scale "$DB_B" 1)"; then pass "scale seed runs a second time"; else fail "scale seed runs a second time" "$out"; fi
if [ "$SUM_B" = "$(q "$DB_B" "$CHECKSUM_SQL")" ]; then pass "scale seed is idempotent"
else fail "scale seed is idempotent"; fi

expect_true "scale 1 has 10 doctors, 1000 patients, 20000 appointments" "$DB_B" \
  "SELECT (SELECT count(*) FROM doctors) = 10 AND (SELECT count(*) FROM patients) = 1000
      AND (SELECT count(*) FROM appointments) = 20000"
expect_true "scale appointments lie within 180 days of today" "$DB_B" \
  "SELECT min(local_date) >= $TODAY_SQL - 180 AND max(local_date) <= $TODAY_SQL + 180
      AND min(local_date) < $TODAY_SQL - 170 AND max(local_date) > $TODAY_SQL + 170 FROM appointments"
expect_true "scale appointments are on the working-hours grid" "$DB_B" "$ON_GRID_SQL"
expect_true "scale appointments never overlap for a doctor or a patient" "$DB_B" "$NO_OVERLAP_SQL"
expect_true "scale appointments cover every status, past final and future open" "$DB_B" \
  "SELECT count(DISTINCT status) = 5 AND bool_and(CASE WHEN local_date < $TODAY_SQL
     THEN status IN ('COMPLETED','NO_SHOW','CANCELLED') ELSE status IN ('SCHEDULED','CONFIRMED','CANCELLED') END)
   FROM appointments"
expect_true "bench accounts: bench-admin is ADMIN, patient1..100 share the bench hash, others locked" "$DB_B" \
  "SELECT (SELECT role = 'ADMIN' AND password_hash = '\$2b\$12\$testhashbenchadmin' FROM users WHERE email = 'bench-admin@clinic.test')
      AND (SELECT count(*) = 100 FROM users WHERE email LIKE 'patient%@bench.test' AND password_hash = '\$2b\$12\$testhashbenchpatient')
      AND (SELECT password_hash = '\$2b\$12\$testhashbenchpatient' FROM users WHERE email = 'patient100@bench.test')
      AND (SELECT password_hash = '!' FROM users WHERE email = 'patient101@bench.test')"
expect_true "bench patient1 has upcoming appointments" "$DB_B" \
  "SELECT count(*) >= 3 FROM appointments a JOIN patients p ON p.id = a.patient_id JOIN users u ON u.id = p.user_id
   WHERE u.email = 'patient1@bench.test' AND a.local_date >= $TODAY_SQL AND a.status IN ('SCHEDULED','CONFIRMED')"
if out="$(seed_scale "$DB_A" 1)"; then pass "scale seed loads on top of demo data"
else fail "scale seed loads on top of demo data" "$out"; fi
expect_true "demo and scale data coexist" "$DB_A" \
  "SELECT (SELECT count(*) FROM appointments) = 20300 AND (SELECT count(*) FROM doctors) = 18"
# The model survives pg_dump -Fc / pg_restore (generated columns, exclusion
# constraints, triggers, the settings row), as createBackup/clinic restore need.
DB_R="${DB_C}_r"
DUMP="$(mktemp /tmp/clinic-model-test.XXXXXX)"
if "${PSQL[@]}" -d "$MAINT_DB" -c "CREATE DATABASE \"$DB_R\"" >/dev/null 2>&1 \
   && out="$(pg_dump -Fc -d "$DB_A" -f "$DUMP" 2>&1 && pg_restore --exit-on-error -d "$DB_R" "$DUMP" 2>&1)"; then
    if [ "$(q "$DB_A" "$CHECKSUM_SQL")" = "$(q "$DB_R" "$CHECKSUM_SQL")" ]; then
        pass "pg_dump/pg_restore round trip keeps every table identical"
    else fail "pg_dump/pg_restore round trip keeps every table identical" "checksums differ"; fi
    expect_error "the restored database still rejects double booking" "$DB_R" 23P01 _no_overlap \
      "INSERT INTO appointments (patient_id, doctor_id, local_date, local_time, starts_at, ends_at)
       SELECT patient_id, doctor_id, local_date, local_time, starts_at, ends_at FROM appointments
       WHERE status = 'SCHEDULED' ORDER BY id LIMIT 1"
else
    fail "pg_dump/pg_restore round trip keeps every table identical" "$out"
fi
rm -f "$DUMP"
"${PSQL[@]}" -d "$MAINT_DB" -c "DROP DATABASE IF EXISTS \"$DB_R\"" >/dev/null 2>&1

out="$("${PSQL[@]}" -d "$DB_C" -c "SELECT set_config('clinic.scale', '', false)" -c "$HASHES" -f "$DB_DIR/seed/scale.sql" 2>&1)"
if grep -q "set clinic.scale" <<<"$out"; then pass "scale seed without clinic.scale fails with a clear message"
else fail "scale seed without clinic.scale fails with a clear message" "$out"; fi
DB_X="${DB_C}_x"
out="$("${PSQL[@]}" -d "$MAINT_DB" -c "CREATE DATABASE \"$DB_X\"" 2>&1)"
for f in "$DB_DIR"/migrations/[0-9][0-9][0-9][0-9]_*.sql; do "${PSQL[@]}" -d "$DB_X" -1 -f "$f" >/dev/null 2>&1; done
out="$("${PSQL[@]}" -d "$DB_X" -f "$DB_DIR/seed/demo.sql" 2>&1)"
if grep -q "seed_password_hashes" <<<"$out" && [ "$(q "$DB_X" "SELECT count(*) FROM users")" = "0" ]; then
    pass "demo seed without seed_password_hashes fails clearly and writes nothing"
else fail "demo seed without seed_password_hashes fails clearly and writes nothing" "$out"; fi

# The seeds follow the settings' zone: in a zone with daylight saving time
# the demo still lands on the local grid (starts_at = local date+time there).
"${PSQL[@]}" -d "$DB_X" -c "UPDATE system_settings SET time_zone = 'Australia/Sydney'" >/dev/null 2>&1
if out="$(seed_demo "$DB_X")"; then pass "demo seed loads with the clinic in Australia/Sydney"
else fail "demo seed loads with the clinic in Australia/Sydney" "$out"; fi
expect_true "demo appointments in Australia/Sydney are on the local grid" "$DB_X" "$ON_GRID_SQL"
expect_true "demo appointments in Australia/Sydney never overlap" "$DB_X" "$NO_OVERLAP_SQL"
"${PSQL[@]}" -d "$MAINT_DB" -c "DROP DATABASE IF EXISTS \"$DB_X\"" >/dev/null 2>&1

echo "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
