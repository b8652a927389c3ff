// Accounts, sign-in and tokens: me, user, users and the account mutations.
// Who may call what is declared with @auth in schema.graphql and enforced by
// the AuthorizationPolicy guards; resolvers here only decide row visibility
// in their SQL (`user(id:)`) and the rules of the operations themselves
// (e.g. only a superadmin grants staff roles).
import ClinicStore
import Schema

enum IdentityArea {
    static func register(_ r: inout ResolverRegistry) {
        r.root("Query.me") { _, ctx, selection in
            guard let viewer = ctx.viewer else { return .null }
            // The patient profile in the same statement when the selection reads it; the user's names
            // only, and the profile's identity only, when nothing else of them is asked.
            let withPatient = selection.selectedFields.contains("patient")
            let names = selection.selectedFields.isSubset(of: UserRow.namesFields)
            let identity = withPatient && selection.selectsOnly(PatientRow.identityFields, under: "patient")
            // Only names and access, and of the patient profile (of a viewer who is not a doctor,
            // whose rules would read its treating doctors) only its identity: all known from the
            // token's check (the web client's `Viewer` query, a patient's dashboard).
            if let state = ctx.viewerState, selection.selectedFields.isSubset(of: UserRow.viewerStateFields),
               !withPatient || (identity && viewer.doctorID == nil) {
                let user = UserRow.names(of: state, userID: viewer.userID)
                if withPatient, let patientID = state.patientID {
                    user.patient = PatientRow.identity(id: patientID, userID: viewer.userID)
                }
                return .object(user, typeName: "User")
            }
            let user = try await ctx.read { conn in
                try withPatient ? UserStore.liveUserWithPatient(conn, viewer.userID, names: names, patientIdentity: identity, viewer: viewer)
                                : UserManagement.loadUser(conn, id: viewer.userID)
            }
            return user.map { .object($0, typeName: "User") } ?? .null
        }
        AccountMutations.register(&r)
        UserManagement.register(&r)
        FrontDesk.register(&r)
    }
}
