// The clinic's one settings row.
import ClinicDomain
import Postgres

public enum SettingsStore {
    public static func setWaitlistHold(_ conn: Connection, minutes: Int) throws {
        _ = try conn.query("UPDATE system_settings SET waitlist_hold_minutes = $1", [.int(minutes)])
    }

    public static func load(_ conn: Connection) throws -> SettingsRow {
        let result = try conn.query("""
            SELECT clinic_name, time_zone, cancellation_window_hours, reminder_hours_before, booking_horizon_days,
                   default_slot_minutes, \(SettingsRow.ruleColumns) FROM system_settings
            """)
        guard let r = result.first else { throw PostgresError.decoding("system_settings has no row; run clinic migrate") }
        return try SettingsRow(r)
    }

    /// Changes the given settings (nil keeps one). A time zone PostgreSQL does
    /// not know fails its check constraint.
    public static func update(_ conn: Connection, clinicName: String?, timeZone: String?, cancellationWindowHours: Int?,
                              reminderHoursBefore: Int?, bookingHorizonDays: Int?, defaultSlotMinutes: Int?) throws {
        _ = try conn.query("""
            UPDATE system_settings SET clinic_name = COALESCE($1, clinic_name), time_zone = COALESCE($2, time_zone),
                   cancellation_window_hours = COALESCE($3::int, cancellation_window_hours),
                   reminder_hours_before = COALESCE($4::int, reminder_hours_before),
                   booking_horizon_days = COALESCE($5::int, booking_horizon_days),
                   default_slot_minutes = COALESCE($6::int, default_slot_minutes)
            """, [clinicName.map { .text($0) }, timeZone.map { .text($0) }, cancellationWindowHours.map { .int($0) },
                  reminderHoursBefore.map { .int($0) }, bookingHorizonDays.map { .int($0) }, defaultSlotMinutes.map { .int($0) }])
    }

    /// Sets the front desk's address for doctor alerts; nil removes it.
    public static func setFrontDeskEmail(_ conn: Connection, _ email: String?) throws {
        _ = try conn.query("UPDATE system_settings SET front_desk_email = $1", [email.map { .text($0) }])
    }

    /// Changes the booking-rule settings (nil keeps one); the reminder lists
    /// are stored longest first, and `reminder_hours_before` follows the longest.
    public static func updateBookingRules(_ conn: Connection, rules: BookingRules?, reminders: ReminderPlan?,
                                          doctorAlertHours: Int?) throws {
        _ = try conn.query("""
            UPDATE system_settings
               SET minimum_notice_minutes = COALESCE($1::int, minimum_notice_minutes),
                   max_active_appointments_per_patient = COALESCE($2::int, max_active_appointments_per_patient),
                   no_show_limit = COALESCE($3::int, no_show_limit),
                   email_reminder_offsets_minutes = COALESCE($4::int[], email_reminder_offsets_minutes),
                   sms_reminder_offsets_minutes = COALESCE($5::int[], sms_reminder_offsets_minutes),
                   reminder_hours_before = COALESCE($6::int, reminder_hours_before),
                   doctor_alert_hours = COALESCE($7::int, doctor_alert_hours),
                   one_per_doctor_per_day = COALESCE($8::boolean, one_per_doctor_per_day)
            """, [rules.map { .int($0.minimumNoticeMinutes) }, rules.map { .int($0.maxActiveAppointments) },
                  rules.map { .int($0.noShowLimit) }, reminders.map { .text("{" + $0.email.map(String.init).joined(separator: ",") + "}") },
                  reminders.map { .text("{" + $0.sms.map(String.init).joined(separator: ",") + "}") },
                  reminders?.longestHours.map { .int($0) }, doctorAlertHours.map { .int($0) }, rules.map { .bool($0.onePerDoctorPerDay) }])
    }
}
