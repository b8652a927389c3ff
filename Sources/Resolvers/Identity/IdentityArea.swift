// Accounts, sign-in and tokens: me, user, users and the account mutations.
import Postgres
import Schema

public enum IdentityArea {
    public static func register(_ r: inout ResolverRegistry) {
        r.root("Query.me") { _, ctx, _ in
            guard let viewer = ctx.viewer else { return .null }
            let user = try await ctx.read { conn in
                try conn.query("SELECT \(UserRow.columns) FROM users u WHERE u.id = $1", [.int(Int(viewer.userID))]).first.map(UserRow.init)
            }
            return user.map { .object($0, typeName: "User") } ?? .null
        }
    }
}
