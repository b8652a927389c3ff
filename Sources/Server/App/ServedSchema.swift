// The schema `clinic serve` answers with, for `clinic schema print`.
import Resolvers
import Schema

public enum ServedSchema {
    /// The embedded schema in canonical print form, applied directives included.
    public static func printed() throws -> String {
        printSchema(try SchemaBuilder.build(sdl: EmbeddedSchema.sdl), includeAppliedDirectives: true)
    }
}
