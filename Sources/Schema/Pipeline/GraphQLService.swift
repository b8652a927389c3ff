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

    /// What the cached documents may keep in results and execution plans together (see `MemoBudget`).
    public let memoBudget: MemoBudget

    public init(executable: ExecutableSchema, limits: OperationLimits, cacheCapacity: Int = 1000,
                memoBudgetBytes: Int = 16 << 20) {
        self.executable = executable
        self.executor = Executor(schema: executable)
        self.limits = limits
        self.cache = DocumentCache(capacity: cacheCapacity)
        self.memoBudget = MemoBudget(limit: memoBudgetBytes)
    }

    public enum Prepared: Sendable {
        /// A valid document, with what is cached of it (the errors it gets where introspection is
        /// not allowed, its operations' limit verdicts and static results).
        case document(CachedDocument)
        case errors([GraphQLError])
    }

    /// Parses and validates, through the cache (validation verdicts are cached too).
    public func prepare(_ query: String) -> Prepared {
        if let cached = cache.get(query) {
            return cached.validationErrors.isEmpty ? .document(cached) : .errors(cached.validationErrors)
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
        let entry = CachedDocument(document: document, validationErrors: errors, introspectionErrors: introspection, budget: memoBudget)
        cache.insert(query, entry)
        return errors.isEmpty ? .document(entry) : .errors(errors)
    }

    /// Root mutation fields `request` would run (0 for a query, or when it does
    /// not parse or validate: `run` reports that), so that a batch can be
    /// bounded as a whole by the same limit as one operation.
    public func rootMutationFields(_ request: GraphQLRequest) -> Int {
        guard let query = request.query, case .document(let cached) = prepare(query),
              cached.document.operation(named: request.operationName)?.operation == .mutation else { return 0 }
        return rootFieldCount(document: cached.document, operationName: request.operationName)
    }

    /// `document`: the request's cached document when the caller already looked it up (`lookUp`).
    public func run(_ request: GraphQLRequest, context: any Sendable, allowIntrospection: Bool = true,
                    allowedOperations: Set<OperationType>? = nil, document: CachedDocument? = nil) async -> GraphQLOutcome {
        let cached: CachedDocument
        switch document.map(Admission.document) ?? admit(request) {
        case .outcome(let outcome): return outcome
        case .document(let c): cached = c
        }
        let key = OperationMemo.key(operationName: request.operationName, variables: request.variables)
        let plan: ExecutionPlan?
        switch gate(request, cached, key: key, allowIntrospection: allowIntrospection, allowedOperations: allowedOperations,
                    measure: true) {
        case .outcome(let outcome)?: return outcome
        case nil: plan = nil
        case .execute(let p)?: plan = p
        }
        let operation = cached.document.operation(named: request.operationName)
        let result = await executor.execute(document: cached.document, operationName: request.operationName,
                                            variables: request.variables, context: context,
                                            plans: key.map { (cached.memo, $0, plan) })
        if let key, result.errors.isEmpty, result.hasData, let operation, Self.runsNoResolver(operation) {
            cached.memo.keepResult(result, bytes: result.jsonBytes().count, key)
        }
        return .init(result: result, kind: result.hasData ? .executed : .requestError, operationType: operation?.operation.rawValue ?? "unknown",
                     operationName: request.operationName ?? operation?.name?.value)
    }

    /// What `run` would answer, when it is known without executing or measuring anything: the
    /// document is cached and the answer is a request error (syntax, validation, the operation type
    /// not allowed, introspection not allowed, a limit measured for these variables of a document
    /// with an operation that runs no resolver), or the operation runs no
    /// resolver and an earlier run with the same variables remembered its result. nil: `run` it.
    /// Runs no resolver, so it depends on nothing of the caller but `allowIntrospection`.
    public func knownOutcome(_ request: GraphQLRequest, allowIntrospection: Bool = true,
                             allowedOperations: Set<OperationType>? = nil) -> GraphQLOutcome? {
        if case .known(let outcome) = lookUp(request, allowIntrospection: allowIntrospection, allowedOperations: allowedOperations) {
            return outcome
        }
        return nil
    }

    public enum Lookup: Sendable {
        /// What `run` would answer (see `knownOutcome`).
        case known(GraphQLOutcome)
        /// It must run; with its cached document, when there is one, to hand to `run`.
        case run(CachedDocument?)
    }

    /// `knownOutcome`, or the cached document for `run` (one lookup in the cache per request).
    public func lookUp(_ request: GraphQLRequest, allowIntrospection: Bool = true,
                       allowedOperations: Set<OperationType>? = nil) -> Lookup {
        guard let query = request.query else { return .known(Self.noQuery(request)) }
        guard let cached = cache.get(query) else { return .run(nil) }
        guard cached.validationErrors.isEmpty else {
            return .known(.init(result: ExecutionResult(data: nil, errors: cached.validationErrors), kind: .requestError,
                                operationType: "unknown", operationName: request.operationName))
        }
        guard let key = OperationMemo.key(operationName: request.operationName, variables: request.variables) else { return .run(cached) }
        switch gate(request, cached, key: key, allowIntrospection: allowIntrospection, allowedOperations: allowedOperations,
                    measure: false) {
        case .outcome(let outcome)?: return .known(outcome)
        case nil: return .run(cached)
        case .execute?:
            guard let result = cached.memo.result(key),
                  let operation = cached.document.operation(named: request.operationName) else { return .run(cached) }
            return .known(.init(result: result, kind: .executed, operationType: operation.operation.rawValue,
                                operationName: request.operationName ?? operation.name?.value))
        }
    }

    /// An operation whose root selections are all `__typename`, `__schema` or `__type` (no
    /// directives, no fragments): its result depends on the schema and the variables alone.
    static func runsNoResolver(_ operation: OperationDefinition) -> Bool {
        guard operation.operation == .query, operation.directives.isEmpty else { return false }
        return operation.selectionSet.selections.allSatisfy { selection in
            guard case .field(let f) = selection, f.directives.isEmpty else { return false }
            return f.name.value == "__typename" || f.name.value == "__schema" || f.name.value == "__type"
        }
    }

    private enum Admission {
        case outcome(GraphQLOutcome)
        case document(CachedDocument)
    }

    /// The query present, parsed and valid.
    private func admit(_ request: GraphQLRequest) -> Admission {
        guard let query = request.query else { return .outcome(Self.noQuery(request)) }
        switch prepare(query) {
        case .errors(let errors):
            return .outcome(.init(result: ExecutionResult(data: nil, errors: errors), kind: .requestError, operationType: "unknown",
                                  operationName: request.operationName))
        case .document(let cached):
            return .document(cached)
        }
    }

    private static func noQuery(_ request: GraphQLRequest) -> GraphQLOutcome {
        .init(result: ExecutionResult(data: nil, errors: [GraphQLError("The request has no query.", code: "BAD_REQUEST")]),
              kind: .requestError, operationType: "unknown", operationName: request.operationName)
    }

    private enum Gate {
        case outcome(GraphQLOutcome)
        /// With the plan an earlier run kept, when `measure` is true and there is one.
        case execute(ExecutionPlan?)
    }

    /// The checks between a valid document and its execution: the operation type allowed,
    /// introspection, the operation limits. nil: the limits are not measured yet and `measure` is false.
    private func gate(_ request: GraphQLRequest, _ cached: CachedDocument, key: String?, allowIntrospection: Bool,
                      allowedOperations: Set<OperationType>?, measure: Bool) -> Gate? {
        let document = cached.document
        let operation = document.operation(named: request.operationName)
        let opType = operation?.operation.rawValue ?? "unknown"
        func refuse(_ errors: [GraphQLError]) -> Gate {
            .outcome(.init(result: ExecutionResult(data: nil, errors: errors), kind: .requestError, operationType: opType,
                           operationName: request.operationName))
        }
        if let op = operation, let allowed = allowedOperations, !allowed.contains(op.operation) {
            return refuse([GraphQLError("Only queries may be sent with GET; use POST for \(op.operation.rawValue)s.", code: "BAD_REQUEST")])
        }
        if !allowIntrospection && !cached.introspectionErrors.isEmpty {
            return refuse(cached.introspectionErrors)
        }
        let verdict: GraphQLError?
        var plan: ExecutionPlan?
        if measure {
            // The verdict and a kept plan in one visit of the memo.
            let (known, kept) = key.map { cached.memo.begin($0) } ?? (nil, nil)
            plan = kept
            if let known {
                verdict = known
            } else {
                verdict = checkLimits(schema: executable.schema, document: document, operationName: request.operationName,
                                      variables: request.variables, limits: limits, scalars: executable.scalars)
                if let key { cached.memo.update(key) { $0.verdict = .some(verdict) } }
            }
        } else {
            // A document whose every operation reads data is run: its limits are checked there
            // (the memo is not visited twice per request).
            guard cached.hasOperationWithoutResolvers, let key, let known = cached.memo.verdict(key) else { return nil }
            verdict = known
        }
        if let error = verdict {
            if let plan, let key { cached.memo.putPlan(plan, key) }
            return refuse([error])
        }
        return .execute(plan)
    }
}
