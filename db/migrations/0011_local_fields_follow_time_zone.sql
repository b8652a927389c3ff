-- 0011: an appointment's local_date and local_time are its instant (starts_at)
-- seen in the clinic's time zone. Booking computes them so; when the superadmin
-- changes the time zone, they are recomputed here, in the same transaction,
-- keeping every instant (what reminders, the double-booking guard and the
-- patient's calendar hold). Lists can then bound a date window by instants
-- (issue #21) and never disagree with the dates they filter on.

CREATE FUNCTION appointments_follow_time_zone() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE appointments
       SET local_date = (starts_at AT TIME ZONE NEW.time_zone)::date,
           local_time = (starts_at AT TIME ZONE NEW.time_zone)::time
     WHERE local_date IS DISTINCT FROM (starts_at AT TIME ZONE NEW.time_zone)::date
        OR local_time IS DISTINCT FROM (starts_at AT TIME ZONE NEW.time_zone)::time;
    RETURN NULL;
END $$;

CREATE TRIGGER system_settings_time_zone AFTER UPDATE OF time_zone ON system_settings
    FOR EACH ROW WHEN (OLD.time_zone IS DISTINCT FROM NEW.time_zone)
    EXECUTE FUNCTION appointments_follow_time_zone();

-- Rows written before this rule (a time zone changed earlier) are brought in line once.
UPDATE appointments a
   SET local_date = (a.starts_at AT TIME ZONE s.time_zone)::date,
       local_time = (a.starts_at AT TIME ZONE s.time_zone)::time
  FROM system_settings s
 WHERE a.local_date IS DISTINCT FROM (a.starts_at AT TIME ZONE s.time_zone)::date
    OR a.local_time IS DISTINCT FROM (a.starts_at AT TIME ZONE s.time_zone)::time;
