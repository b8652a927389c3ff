// Who is asking. Built once per request from a verified access token and
// one cached lookup of the user's current state.

public struct Viewer: Sendable, Equatable {
    public var userID: Int64
    public var role: Role
    /// The patient profile of this user, when there is one.
    public var patientID: Int64?
    /// The doctor this user is, when there is one.
    public var doctorID: Int64?
    public init(userID: Int64, role: Role, patientID: Int64?, doctorID: Int64?) {
        self.userID = userID; self.role = role; self.patientID = patientID; self.doctorID = doctorID
    }
    public var isStaff: Bool { role.isStaff }
    public var isSuperadmin: Bool { role == .SUPERADMIN }
}
