// Assembles the executable clinic schema: the SDL, the batch resolvers of
// every area, the custom scalars, and the @auth guards.
import Postgres
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
                                fieldGuard: fieldGuard, objectGuard: objectGuard)
    }
}
