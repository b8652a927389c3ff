// What the per-patient booking rules (issue #17) need to know, counted under
// the patient's row lock so that two parallel bookings of one patient count
// one after the other: neither can slip past the limit the other just reached.
import ClinicDomain
import Postgres

public enum PatientStandingStore {
    /// Locks the patient row (FOR UPDATE) for the rest of the transaction;
    /// false when there is no such patient.
    public static func lock(_ conn: Connection, _ patientID: Int64) throws -> Bool {
        try conn.query("SELECT 1 FROM patients WHERE id = $1 FOR UPDATE", [.int(Int(patientID))]).first != nil
    }

    /// Active future appointments, whether one with `doctorID` falls on the
    /// clinic-local `date`, and no-shows in the last 12 months, in one
    /// statement. `excluding`: the appointment being rescheduled.
    public static func standing(_ conn: Connection, patientID: Int64, doctorID: Int64, date: LocalDate, now: Instant,
                                excluding: Int64?) throws -> BookingRules.PatientStanding {
        let r = try conn.query("""
            SELECT count(*) FILTER (WHERE a.status IN ('SCHEDULED', 'CONFIRMED') AND a.starts_at > $2) AS active_future,
                   count(*) FILTER (WHERE a.status IN ('SCHEDULED', 'CONFIRMED') AND a.doctor_id = $3
                                      AND a.local_date = $4::date) AS same_day,
                   count(*) FILTER (WHERE a.status = 'NO_SHOW'
                                      AND a.starts_at > $2::timestamptz - make_interval(months => $6::int)) AS no_shows
              FROM appointments a
             WHERE a.patient_id = $1 AND a.id <> $5
            """, [.int(Int(patientID)), now.postgresValue, .int(Int(doctorID)), .text(date.iso), .int(Int(excluding ?? -1)),
                  .int(BookingRules.noShowLookbackMonths)])
        guard let row = r.first else { return .init(activeFuture: 0, sameDoctorSameDay: false, recentNoShows: 0) }
        return .init(activeFuture: try row.int("active_future"), sameDoctorSameDay: try row.int("same_day") > 0,
                     recentNoShows: try row.int("no_shows"))
    }
}
