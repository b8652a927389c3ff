// Where an appointment stands. SCHEDULED and CONFIRMED hold their slot
// (the database's exclusion constraint covers exactly these); the rest are
// final.

public enum AppointmentStatus: String, Sendable, CaseIterable {
    case SCHEDULED, CONFIRMED, COMPLETED, CANCELLED, NO_SHOW
    public var isActive: Bool { self == .SCHEDULED || self == .CONFIRMED }
}
