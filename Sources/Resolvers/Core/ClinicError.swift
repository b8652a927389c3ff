// The errors a user can cause, with the codes INTERFACE.md assigns. Resolvers
// throw these; the executor puts them at the field's path.
import JSON
import Schema

enum ClinicError {
    static func badInput(_ message: String, field: String? = nil) -> GraphQLError {
        GraphQLError(message, code: "BAD_USER_INPUT", extra: field.map { [("field", JSON.string($0))] } ?? [])
    }
    static func notFound(_ message: String) -> GraphQLError { GraphQLError(message, code: "NOT_FOUND") }
    static func conflict(_ message: String) -> GraphQLError { GraphQLError(message, code: "CONFLICT") }
    static func forbidden(_ message: String = "You do not have permission to do this.") -> GraphQLError {
        GraphQLError(message, code: "FORBIDDEN")
    }
    static func unauthenticated(_ message: String = "You must be signed in to do this.") -> GraphQLError {
        GraphQLError(message, code: "UNAUTHENTICATED")
    }
    static func rateLimited(retryAfter: Int) -> GraphQLError {
        GraphQLError("Too many attempts; try again in \(retryAfter) seconds.", code: "RATE_LIMITED",
                     extra: [("retryAfter", .int(retryAfter))])
    }
    /// A statement waited for a lock held elsewhere (a restore, a migration, a long transaction) or
    /// ran longer than a request's statements may; a write among them was rolled back.
    static func databaseBusy() -> GraphQLError {
        GraphQLError("The database is busy with other work and did not answer in time; nothing was changed. Try again in a moment.",
                     code: "SERVICE_UNAVAILABLE", extra: [("retryAfter", .int(1))])
    }
    /// The primary database does not answer. A change whose connection was lost while it
    /// committed may have been saved, so a write says so.
    static func databaseUnavailable(writing: Bool) -> GraphQLError {
        GraphQLError(writing ? "The database is unavailable for a moment; the change may not have been saved. Check, then try again."
                             : "The database is unavailable for a moment; try again.",
                     code: "SERVICE_UNAVAILABLE", extra: [("retryAfter", .int(1))])
    }
    static func `internal`() -> GraphQLError { GraphQLError("Internal server error", code: "INTERNAL_SERVER_ERROR") }
}
