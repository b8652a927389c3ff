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
            // The patient profile in the same statement when the selection reads it.
            let withPatient = selection.selectedFields.contains("patient")
            let user = try await ctx.read { conn in
                try withPatient ? UserStore.liveUserWithPatient(conn, viewer.userID) : UserManagement.loadUser(conn, id: viewer.userID)
            }
            return user.map { .object($0, typeName: "User") } ?? .null
        }
        AccountMutations.register(&r)
        UserManagement.register(&r)
        FrontDesk.register(&r)
    }
}
