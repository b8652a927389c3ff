// The clinic's one settings row.
import ClinicDomain
import Postgres

public enum SettingsStore {
    public static func load(_ conn: Connection) throws -> SettingsRow {
        let result = try conn.query("""
            SELECT clinic_name, time_zone, cancellation_window_hours, reminder_hours_before, booking_horizon_days,
                   default_slot_minutes FROM system_settings
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
}
