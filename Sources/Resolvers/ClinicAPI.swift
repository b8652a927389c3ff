// Assembles the executable clinic schema: the SDL, the batch resolvers of
// every area, the custom scalars, and the @auth guards.
import JSON
import QueryLanguage
import Schema

/// Collects resolvers; each area of the clinic adds its own.
public struct ResolverRegistry {
    public typealias Resolve = @Sendable (FieldBatch, RequestContext) async throws -> [ResolvedValue]
    public typealias ResolveRoot = @Sendable (_ arguments: [String: JSON], RequestContext, FieldBatch) async throws -> ResolvedValue

    var resolvers: [String: BatchResolver] = [:]

    public init() {}

    /// A field resolved for every parent of a level at once.
    public mutating func batch(_ key: String, _ body: @escaping Resolve) {
        precondition(resolvers[key] == nil, "resolver \(key) registered twice")
        resolvers[key] = { batch in
            guard let ctx = batch.context as? RequestContext else { throw ClinicError.internal() }
            if let field = ArgumentText.pathOfNUL(in: batch.arguments) {
                throw ClinicError.badInput("\(field) must not contain the NUL character (U+0000)", field: field)
            }
            do {
                return try await body(batch, ctx)
            } catch let e as GraphQLError {
                throw e
            } catch {
                ctx.services.log("resolver \(key) failed (request \(ctx.requestID)): \(error)")
                throw ClinicError.internal()
            }
        }
    }

    /// A root field (one parent).
    public mutating func root(_ key: String, _ body: @escaping ResolveRoot) {
        batch(key) { batch, ctx in
            [try await body(batch.arguments, ctx, batch)]
        }
    }

    /// Parents of type `P`, one value per parent.
    public mutating func each<P: Sendable>(_ key: String, _ type: P.Type,
                                           _ body: @escaping @Sendable (P, [String: JSON], RequestContext) async throws -> ResolvedValue) {
        batch(key) { batch, ctx in
            var out: [ResolvedValue] = []
            out.reserveCapacity(batch.parents.count)
            for parent in batch.parents {
                guard let p = parent as? P else { out.append(.null); continue }
                do { out.append(try await body(p, batch.arguments, ctx)) } catch let e as GraphQLError { out.append(.error(e)) }
            }
            return out
        }
    }
}

/// Every argument a resolver reads passes here first. PostgreSQL's text types
/// cannot hold U+0000, so a string with one would fail deep in SQL as an
/// internal error; it is refused as bad input, naming the argument, before any
/// resolver runs (one place, whatever the field).
enum ArgumentText {
    /// The path (`input.email`, `ids[2]`) of the first string holding U+0000, or nil.
    static func pathOfNUL(in arguments: [String: JSON]) -> String? {
        for (name, value) in arguments.sorted(by: { $0.key < $1.key }) {
            if let path = pathOfNUL(in: value, at: name) { return path }
        }
        return nil
    }

    static func pathOfNUL(in value: JSON, at path: String) -> String? {
        switch value {
        case .string(let s):
            return s.utf8.contains(0) ? path : nil
        case .array(let items):
            for (i, item) in items.enumerated() {
                if let p = pathOfNUL(in: item, at: "\(path)[\(i)]") { return p }
            }
            return nil
        case .object(let members):
            for (key, member) in members {
                if let p = pathOfNUL(in: member, at: "\(path).\(key)") { return p }
            }
            return nil
        case .null, .bool, .int, .double:
            return nil
        }
    }
}

public enum ClinicAPI {
    /// The schema the server serves, built from the embedded schema.graphql.
    public static func buildSchema() throws -> GraphQLSchema {
        try SchemaBuilder.build(sdl: EmbeddedSchema.sdl)
    }

    public static func makeExecutableSchema(areas: [@Sendable (inout ResolverRegistry) -> Void]) throws -> ExecutableSchema {
        let schema = try buildSchema()
        let policy = AuthorizationPolicy(schema: schema)
        var registry = ResolverRegistry()
        for area in areas { area(&registry) }
        let roots: Set<String> = [schema.queryType, schema.mutationType].compactMap { $0 }.reduce(into: []) { $0.insert($1) }
        let fieldGuard: FieldGuard = { batch in
            let viewer = (batch.context as? RequestContext)?.viewer
            if roots.contains(batch.typeName) {
                let denial = policy.checkField(batch.typeName, batch.fieldName, viewer: viewer, subject: nil)
                return Array(repeating: denial, count: batch.parents.count)
            }
            return batch.parents.map { policy.checkField(batch.typeName, batch.fieldName, viewer: viewer, subject: $0) }
        }
        let objectGuard: ObjectGuard = { typeName, objects, context in
            let viewer = (context as? RequestContext)?.viewer
            guard policy.typeRules[typeName] != nil else { return Array(repeating: nil, count: objects.count) }
            return objects.map { policy.checkObject(typeName, viewer: viewer, object: $0) }
        }
        return ExecutableSchema(schema: schema, resolvers: registry.resolvers, scalars: ClinicScalars.all,
                                fieldGuard: fieldGuard, fieldGuardApplies: { policy.restricts($0, $1) },
                                objectGuard: objectGuard, objectGuardApplies: { policy.typeRules[$0] != nil })
    }
}
