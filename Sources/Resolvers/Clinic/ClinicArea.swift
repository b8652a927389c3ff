// Doctors, schedules, slots and appointments.
import Postgres
import Schema

public enum ClinicArea {
    public static func register(_ r: inout ResolverRegistry) {
    }
}
