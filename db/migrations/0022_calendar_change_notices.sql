-- 0022: every commit that changes what a free-slot list shows notifies the channel
-- `clinic_calendar`, so each server process drops what it keeps of it at once, whoever made the
-- change (another process, `clinic` commands, SQL by hand). Payloads:
--   'b<doctor id>'  that doctor's busy ranges changed (appointments, time off, waitlist holds);
--   'c'             booking configuration changed (a doctor's availability or buffers, working
--                   hours, clinic closures) or a table was truncated: drop everything.
-- PostgreSQL sends a transaction's notifications when it commits (none when it rolls back), one
-- per distinct payload, in commit order.

CREATE FUNCTION calendar_busy_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM pg_notify('clinic_calendar', 'b' || OLD.doctor_id);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM pg_notify('clinic_calendar', 'b' || NEW.doctor_id);
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION calendar_config_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('clinic_calendar', 'c');
    RETURN NULL;
END $$;

COMMENT ON FUNCTION calendar_busy_changed() IS
    'AFTER row trigger: notifies clinic_calendar with ''b'' || doctor_id (old and new row) so servers drop the doctor''s kept free slots.';
COMMENT ON FUNCTION calendar_config_changed() IS
    'AFTER trigger: notifies clinic_calendar with ''c'' so servers drop every kept calendar.';

-- Busy ranges. Updates that leave the range, the status and the doctor alone (notes, reason,
-- reminders) notify nobody.
CREATE TRIGGER appointments_calendar_insert_delete AFTER INSERT OR DELETE ON appointments
    FOR EACH ROW EXECUTE FUNCTION calendar_busy_changed();
CREATE TRIGGER appointments_calendar_update AFTER UPDATE ON appointments
    FOR EACH ROW WHEN ((OLD.doctor_id, OLD.status, OLD.blocked) IS DISTINCT FROM (NEW.doctor_id, NEW.status, NEW.blocked))
    EXECUTE FUNCTION calendar_busy_changed();
CREATE TRIGGER time_off_calendar AFTER INSERT OR UPDATE OR DELETE ON time_off
    FOR EACH ROW EXECUTE FUNCTION calendar_busy_changed();
CREATE TRIGGER waitlist_offers_calendar_insert_delete AFTER INSERT OR DELETE ON waitlist_offers
    FOR EACH ROW EXECUTE FUNCTION calendar_busy_changed();
CREATE TRIGGER waitlist_offers_calendar_update AFTER UPDATE ON waitlist_offers
    FOR EACH ROW WHEN ((OLD.doctor_id, OLD.status, OLD.held, OLD.patient_id) IS DISTINCT FROM (NEW.doctor_id, NEW.status, NEW.held, NEW.patient_id))
    EXECUTE FUNCTION calendar_busy_changed();

-- Configuration: one notice per statement is enough, since it drops everything.
CREATE TRIGGER doctors_calendar AFTER INSERT OR DELETE ON doctors
    FOR EACH STATEMENT EXECUTE FUNCTION calendar_config_changed();
CREATE TRIGGER doctors_calendar_update AFTER UPDATE OF is_available, buffer_before_minutes, buffer_after_minutes ON doctors
    FOR EACH STATEMENT EXECUTE FUNCTION calendar_config_changed();
CREATE TRIGGER working_hours_calendar AFTER INSERT OR UPDATE OR DELETE ON working_hours
    FOR EACH STATEMENT EXECUTE FUNCTION calendar_config_changed();
CREATE TRIGGER clinic_closures_calendar AFTER INSERT OR UPDATE OR DELETE ON clinic_closures
    FOR EACH STATEMENT EXECUTE FUNCTION calendar_config_changed();

-- TRUNCATE fires no row triggers.
CREATE TRIGGER appointments_calendar_truncate AFTER TRUNCATE ON appointments
    FOR EACH STATEMENT EXECUTE FUNCTION calendar_config_changed();
CREATE TRIGGER time_off_calendar_truncate AFTER TRUNCATE ON time_off
    FOR EACH STATEMENT EXECUTE FUNCTION calendar_config_changed();
CREATE TRIGGER waitlist_offers_calendar_truncate AFTER TRUNCATE ON waitlist_offers
    FOR EACH STATEMENT EXECUTE FUNCTION calendar_config_changed();
CREATE TRIGGER doctors_calendar_truncate AFTER TRUNCATE ON doctors
    FOR EACH STATEMENT EXECUTE FUNCTION calendar_config_changed();
CREATE TRIGGER working_hours_calendar_truncate AFTER TRUNCATE ON working_hours
    FOR EACH STATEMENT EXECUTE FUNCTION calendar_config_changed();
CREATE TRIGGER clinic_closures_calendar_truncate AFTER TRUNCATE ON clinic_closures
    FOR EACH STATEMENT EXECUTE FUNCTION calendar_config_changed();
