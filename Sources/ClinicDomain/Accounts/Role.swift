// What an account may do: clients book for themselves; staff (ADMIN,
// SUPERADMIN) run the clinic; only a superadmin manages staff accounts.

public enum Role: String, Sendable, CaseIterable {
    case CLIENT, ADMIN, SUPERADMIN
    public var isStaff: Bool { self != .CLIENT }
}
