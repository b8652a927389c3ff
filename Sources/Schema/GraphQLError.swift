// The error shape of the GraphQL response (spec 7.1.2), shared by validation,
// coercion and execution.
import JSON
import QueryLanguage

public enum PathComponent: Sendable, Equatable {
    case key(String)
    case index(Int)
}

public struct ErrorLocation: Sendable, Equatable {
    public var line: Int
    public var column: Int
    public init(line: Int, column: Int) { self.line = line; self.column = column }
    public init(_ loc: Location) { self.line = loc.line; self.column = loc.column }
}

public struct GraphQLError: Error, Sendable, Equatable {
    public var message: String
    public var locations: [ErrorLocation]
    /// Present for field errors: response keys and list indices from the root.
    public var path: [PathComponent]?
    /// `code` first by convention, then anything else (`field`, `retryAfter`, …).
    public var extensions: [(String, JSON)]

    public init(message: String, locations: [ErrorLocation] = [], path: [PathComponent]? = nil, extensions: [(String, JSON)] = []) {
        self.message = message; self.locations = locations; self.path = path; self.extensions = extensions
    }
    public init(_ message: String, code: String, locations: [ErrorLocation] = [], path: [PathComponent]? = nil, extra: [(String, JSON)] = []) {
        self.init(message: message, locations: locations, path: path, extensions: [("code", .string(code))] + extra)
    }

    public var code: String? {
        if case .string(let c)? = extensions.first(where: { $0.0 == "code" })?.1 { return c }
        return nil
    }

    public static func == (lhs: GraphQLError, rhs: GraphQLError) -> Bool {
        lhs.message == rhs.message && lhs.locations == rhs.locations && lhs.path == rhs.path
            && JSON.object(lhs.extensions) == JSON.object(rhs.extensions)
    }
}
