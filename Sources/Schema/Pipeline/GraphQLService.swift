// The engine's one entry point: one GraphQL operation from source text to
// result — document cache, parse (with the size and token limits), validate,
// operation limits, execute. Documents that parsed and validated once are
// cached by their text. The HTTP server and the test harnesses both run
// requests through it, so what the tests see is what clients get.
import JSON
import QueryLanguage

/// One operation as a transport hands it over.
public struct GraphQLRequest: Sendable {
    public var query: String?
    public var operationName: String?
    public var variables: [String: JSON]
    public init(query: String?, operationName: String? = nil, variables: [String: JSON] = [:]) {
        self.query = query; self.operationName = operationName; self.variables = variables
    }
}

/// The outcome, with what a transport needs to pick a status code.
public struct GraphQLOutcome: Sendable {
    /// `requestError`: nothing was executed (no data), e.g. a syntax,
    /// validation or limit error; `executed`: the result has `data`.
    public enum Kind: Sendable { case executed, requestError }
    public var result: ExecutionResult
    public var kind: Kind
    /// "query", "mutation", "subscription", or "unknown" before parsing succeeded.
    public var operationType: String
    public var operationName: String?
    public init(result: ExecutionResult, kind: Kind, operationType: String, operationName: String?) {
        self.result = result; self.kind = kind; self.operationType = operationType; self.operationName = operationName
    }
}

public struct GraphQLService: Sendable {
    public static let maxDocumentBytes = 100 * 1024
    public static let maxTokens = 15_000
    /// The spec's rules, run once per document text (cached). Introspection
    /// depth runs with the operation-limit rules instead (QUERY_TOO_COMPLEX),
    /// per request: see checkLimits.
    static let rules = specifiedRules.filter { $0.name != "MaxIntrospectionDepth" }

    public let executable: ExecutableSchema
    public let executor: Executor
    public let limits: OperationLimits
    let cache: DocumentCache

    public init(executable: ExecutableSchema, limits: OperationLimits, cacheCapacity: Int = 1000) {
        self.executable = executable
        self.executor = Executor(schema: executable)
        self.limits = limits
        self.cache = DocumentCache(capacity: cacheCapacity)
    }

    public enum Prepared: Sendable {
        /// A valid document, with the errors it gets where introspection is not allowed and its
        /// operation limits' verdicts.
        case document(Document, introspectionErrors: [GraphQLError], limits: LimitVerdicts)
        case errors([GraphQLError])
    }

    /// Parses and validates, through the cache (validation verdicts are cached too).
    public func prepare(_ query: String) -> Prepared {
        if let cached = cache.get(query) {
            return cached.validationErrors.isEmpty
                ? .document(cached.document, introspectionErrors: cached.introspectionErrors, limits: cached.limitVerdicts)
                : .errors(cached.validationErrors)
        }
        if query.utf8.count > Self.maxDocumentBytes {
            return .errors([GraphQLError("Syntax Error: Document is larger than the limit of 100 KB.", code: "GRAPHQL_PARSE_FAILED")])
        }
        let document: Document
        do {
            document = try parse(query, options: ParseOptions(maxTokens: Self.maxTokens))
        } catch let e as GraphQLSyntaxError {
            return .errors([GraphQLError(e.message, code: "GRAPHQL_PARSE_FAILED", locations: [ErrorLocation(line: e.line, column: e.column)])])
        } catch {
            return .errors([GraphQLError("Syntax Error: \(error)", code: "GRAPHQL_PARSE_FAILED")])
        }
        let errors = validate(schema: executable.schema, document: document, rules: Self.rules, scalars: executable.scalars)
        let introspection = errors.isEmpty
            ? validate(schema: executable.schema, document: document, rules: [.noSchemaIntrospection], scalars: executable.scalars)
            : []
        let entry = CachedDocument(document: document, validationErrors: errors, introspectionErrors: introspection)
        cache.insert(query, entry)
        return errors.isEmpty ? .document(document, introspectionErrors: introspection, limits: entry.limitVerdicts) : .errors(errors)
    }

    /// Root mutation fields `request` would run (0 for a query, or when it does
    /// not parse or validate: `run` reports that), so that a batch can be
    /// bounded as a whole by the same limit as one operation.
    public func rootMutationFields(_ request: GraphQLRequest) -> Int {
        guard let query = request.query, case .document(let document, _, _) = prepare(query),
              document.operation(named: request.operationName)?.operation == .mutation else { return 0 }
        return rootFieldCount(document: document, operationName: request.operationName)
    }

    public func run(_ request: GraphQLRequest, context: any Sendable, allowIntrospection: Bool = true,
                    allowedOperations: Set<OperationType>? = nil) async -> GraphQLOutcome {
        guard let query = request.query else {
            return .init(result: ExecutionResult(data: nil, errors: [GraphQLError("The request has no query.", code: "BAD_REQUEST")]),
                         kind: .requestError, operationType: "unknown", operationName: request.operationName)
        }
        let document: Document
        let introspectionErrors: [GraphQLError]
        let limitVerdicts: LimitVerdicts
        switch prepare(query) {
        case .errors(let errors):
            return .init(result: ExecutionResult(data: nil, errors: errors), kind: .requestError, operationType: "unknown",
                         operationName: request.operationName)
        case .document(let d, let e, let l): document = d; introspectionErrors = e; limitVerdicts = l
        }
        let operation = document.operation(named: request.operationName)
        let opType = operation?.operation.rawValue ?? "unknown"
        if let op = operation, let allowed = allowedOperations, !allowed.contains(op.operation) {
            return .init(result: ExecutionResult(data: nil, errors: [GraphQLError("Only queries may be sent with GET; use POST for \(op.operation.rawValue)s.", code: "BAD_REQUEST")]),
                         kind: .requestError, operationType: opType, operationName: request.operationName)
        }
        if !allowIntrospection && !introspectionErrors.isEmpty {
            return .init(result: ExecutionResult(data: nil, errors: introspectionErrors), kind: .requestError, operationType: opType,
                         operationName: request.operationName)
        }
        let verdict = limitVerdicts.verdict(operationName: request.operationName, variables: request.variables) {
            checkLimits(schema: executable.schema, document: document, operationName: request.operationName,
                        variables: request.variables, limits: limits, scalars: executable.scalars)
        }
        if let error = verdict {
            return .init(result: ExecutionResult(data: nil, errors: [error]), kind: .requestError, operationType: opType,
                         operationName: request.operationName)
        }
        let result = await executor.execute(document: document, operationName: request.operationName,
                                            variables: request.variables, context: context)
        return .init(result: result, kind: result.hasData ? .executed : .requestError, operationType: opType,
                     operationName: request.operationName ?? operation?.name?.value)
    }
}
