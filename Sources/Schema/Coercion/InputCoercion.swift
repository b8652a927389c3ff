// Input coercion (spec 3.5, 3.10, 5.6, 6.1.2, 6.4.1), graphql-js's
// `coerceVariableValues`, `coerceInputValue`, `getArgumentValues` and
// `valueFromAST`, with graphql-js's messages. Errors carry code BAD_USER_INPUT.
import JSON
import QueryLanguage

/// A scalar's coercer: the caller's, else a built-in one, else nil (accept as is).
func coercer(_ name: String, _ scalars: [String: any ScalarCoercing]) -> (any ScalarCoercing)? {
    scalars[name] ?? BuiltinScalars.all[name]
}

private func printPath(_ path: [PathComponent]) -> String {
    path.map { c -> String in
        switch c {
        case .key(let k): return "." + k
        case .index(let i): return "[\(i)]"
        }
    }.joined()
}

/// Several input errors at once (an array cannot be a `Result` failure itself).
public struct CoercionErrors: Error, Sendable, Equatable {
    public var errors: [GraphQLError]
    public init(_ errors: [GraphQLError]) { self.errors = errors }
}

/// Coerces the request's variables against the operation's definitions (spec 6.1.2).
/// After `maxErrors` errors it stops with one "Too many errors" error, as graphql-js's
/// execute does (maxErrors: 50): each error quotes the value it is about, and an object
/// with n unknown fields would otherwise give n messages of n fields each.
public func coerceVariableValues(schema: GraphQLSchema, scalars: [String: any ScalarCoercing], definitions: [VariableDefinition],
                                 inputs: [String: JSON], maxErrors: Int = 50) -> Result<[String: JSON], CoercionErrors> {
    var coerced: [String: JSON] = [:]
    var errors: [GraphQLError] = []
    var tooManyErrors = false
    for def in definitions where !tooManyErrors {
        let name = def.variable.name.value
        let typeRef = TypeRef(def.type)
        let typeStr = printType(def.type)
        guard let named = schema.types[typeRef.namedType], named.isInputType else {
            errors.append(GraphQLError("Variable \"$\(name)\" expected value of type \"\(typeStr)\" which cannot be used as an input type.",
                                       code: "BAD_USER_INPUT", locations: errorLocations([def.type.loc]), extra: [("field", .string(name))]))
            continue
        }
        guard let value = inputs[name] else {
            if let d = def.defaultValue {
                if let v = valueFromAST(schema: schema, scalars: scalars, value: d, type: typeRef, variables: nil) { coerced[name] = v }
            } else if typeRef.isNonNull {
                errors.append(GraphQLError("Variable \"$\(name)\" of required type \"\(typeStr)\" was not provided.",
                                           code: "BAD_USER_INPUT", locations: errorLocations([def.loc]), extra: [("field", .string(name))]))
            }
            continue
        }
        if value == .null && typeRef.isNonNull {
            errors.append(GraphQLError("Variable \"$\(name)\" of non-null type \"\(typeStr)\" must not be null.",
                                       code: "BAD_USER_INPUT", locations: errorLocations([def.loc]), extra: [("field", .string(name))]))
            continue
        }
        var coercion = InputValueCoercion(schema: schema, scalars: scalars)
        let result = coercion.coerce(value, typeRef, [])
        for failure in coercion.failures {
            if errors.count >= maxErrors { tooManyErrors = true; break }
            var prefix = "Variable \"$\(name)\" got invalid value \(inspectJSON(failure.value))"
            if !failure.path.isEmpty { prefix += " at \"\(name)\(printPath(failure.path))\"" }
            errors.append(GraphQLError(prefix + "; " + failure.message, code: "BAD_USER_INPUT", locations: errorLocations([def.loc]),
                                       extra: [("field", .string(name + printPath(failure.path)))]))
        }
        if coercion.failures.isEmpty, let result { coerced[name] = result }
        // The other errors come one per variable; checked here, after adding, as graphql-js does on the next one.
        if errors.count > maxErrors { errors.removeLast(errors.count - maxErrors); tooManyErrors = true }
    }
    if tooManyErrors {
        errors.append(GraphQLError("Too many errors processing variables, error limit reached. Execution aborted.", code: "BAD_USER_INPUT"))
    }
    return errors.isEmpty ? .success(coerced) : .failure(CoercionErrors(errors))
}

/// Coerces a JSON value to an input type (graphql-js `coerceInputValue`).
/// Returns nil with `failures` filled when the value is invalid.
public func coerceInputValue(schema: GraphQLSchema, scalars: [String: any ScalarCoercing], value: JSON, type: TypeRef) -> Result<JSON, CoercionErrors> {
    var c = InputValueCoercion(schema: schema, scalars: scalars)
    let r = c.coerce(value, type, [])
    if c.failures.isEmpty, let r { return .success(r) }
    return .failure(CoercionErrors(c.failures.map { f in
        GraphQLError(f.message, code: "BAD_USER_INPUT", extra: f.path.isEmpty ? [] : [("field", .string(String(printPath(f.path).dropFirst())))])
    }))
}

struct InputValueCoercion {
    struct Failure { var path: [PathComponent]; var value: JSON; var message: String }
    let schema: GraphQLSchema
    let scalars: [String: any ScalarCoercing]
    var failures: [Failure] = []

    init(schema: GraphQLSchema, scalars: [String: any ScalarCoercing]) { self.schema = schema; self.scalars = scalars }

    mutating func fail(_ path: [PathComponent], _ value: JSON, _ message: String) {
        failures.append(Failure(path: path, value: value, message: message))
    }

    mutating func coerce(_ value: JSON, _ type: TypeRef, _ path: [PathComponent]) -> JSON? {
        switch type {
        case .nonNull(let inner):
            if value != .null { return coerce(value, inner, path) }
            fail(path, value, "Expected non-nullable type \"\(type)\" not to be null.")
            return nil
        case .list(let item):
            if value == .null { return .null }
            if case .array(let items) = value {
                var out: [JSON] = []
                var ok = true
                for (i, v) in items.enumerated() {
                    if let c = coerce(v, item, path + [.index(i)]) { out.append(c) } else { ok = false }
                }
                return ok ? .array(out) : nil
            }
            return coerce(value, item, path).map { .array([$0]) }
        case .named(let name):
            if value == .null { return .null }
            switch schema.types[name] {
            case .inputObject(let io)?:
                guard case .object(let members) = value else {
                    fail(path, value, "Expected type \"\(name)\" to be an object.")
                    return nil
                }
                var out: [(String, JSON)] = []
                var ok = true
                for f in io.fields {
                    guard let fv = members.first(where: { $0.0 == f.name })?.1 else {
                        if let d = f.defaultValue {
                            if let dv = valueFromAST(schema: schema, scalars: scalars, value: d, type: f.type, variables: nil) { out.append((f.name, dv)) }
                        } else if f.type.isNonNull {
                            fail(path, value, "Field \"\(f.name)\" of required type \"\(f.type)\" was not provided.")
                            ok = false
                        }
                        continue
                    }
                    if let c = coerce(fv, f.type, path + [.key(f.name)]) { out.append((f.name, c)) } else { ok = false }
                }
                for (k, _) in members where io.field(k) == nil {
                    let s = suggestionList(k, io.fields.map(\.name))
                    fail(path, value, "Field \"\(k)\" is not defined by type \"\(name)\"." + didYouMeanQuoted(s))
                    ok = false
                }
                return ok ? .object(out) : nil
            case .enumeration(let e)?:
                guard case .string(let s) = value else {
                    let str = inspectJSON(value)
                    fail(path, value, "Enum \"\(name)\" cannot represent non-string value: \(str)." + didYouMeanQuoted(suggestionList(str, e.values.map(\.name)), subMessage: "the enum value"))
                    return nil
                }
                guard e.value(s) != nil else {
                    fail(path, value, "Value \"\(s)\" does not exist in \"\(name)\" enum." + didYouMeanQuoted(suggestionList(s, e.values.map(\.name)), subMessage: "the enum value"))
                    return nil
                }
                return .string(s)
            case .scalar?:
                guard let c = coercer(name, scalars) else { return value }
                do { return try c.parseValue(value) } catch let f as CoercionFailure {
                    fail(path, value, f.message)
                } catch {
                    fail(path, value, "Expected type \"\(name)\". \(error)")
                }
                return nil
            default:
                fail(path, value, "Expected type \"\(name)\".")
                return nil
            }
        }
    }
}

/// A literal (or variable) → internal value for `type` (graphql-js `valueFromAST`).
/// nil means invalid (or a missing variable). `variables` are coerced variable values.
public func valueFromAST(schema: GraphQLSchema, scalars: [String: any ScalarCoercing], value: ValueNode, type: TypeRef, variables: [String: JSON]?) -> JSON? {
    if case .variable(let v) = value {
        guard let vv = variables?[v.name.value] else { return nil }
        if vv == .null && type.isNonNull { return nil }
        return vv
    }
    switch type {
    case .nonNull(let inner):
        if case .null = value { return nil }
        return valueFromAST(schema: schema, scalars: scalars, value: value, type: inner, variables: variables)
    case .list(let item):
        if case .null = value { return .null }
        if case .list(let items, _) = value {
            var out: [JSON] = []
            for i in items {
                if case .variable(let v) = i, variables?[v.name.value] == nil {
                    if item.isNonNull { return nil }
                    out.append(.null)
                    continue
                }
                guard let c = valueFromAST(schema: schema, scalars: scalars, value: i, type: item, variables: variables) else { return nil }
                out.append(c)
            }
            return .array(out)
        }
        return valueFromAST(schema: schema, scalars: scalars, value: value, type: item, variables: variables).map { .array([$0]) }
    case .named(let name):
        if case .null = value { return .null }
        switch schema.types[name] {
        case .inputObject(let io)?:
            guard case .object(let fields, _) = value else { return nil }
            var out: [(String, JSON)] = []
            for f in io.fields {
                let node = fields.first { $0.name.value == f.name }
                var missing = node == nil
                if let n = node, case .variable(let v) = n.value, variables?[v.name.value] == nil { missing = true }
                if missing {
                    if let d = f.defaultValue {
                        guard let dv = valueFromAST(schema: schema, scalars: scalars, value: d, type: f.type, variables: nil) else { return nil }
                        out.append((f.name, dv))
                    } else if f.type.isNonNull { return nil }
                    continue
                }
                guard let c = valueFromAST(schema: schema, scalars: scalars, value: node!.value, type: f.type, variables: variables) else { return nil }
                out.append((f.name, c))
            }
            return .object(out)
        case .enumeration(let e)?:
            guard case .enumValue(let s, _) = value, e.value(s) != nil else { return nil }
            return .string(s)
        case .scalar?:
            if let c = coercer(name, scalars) {
                // Nested variables inside a custom scalar literal are substituted first.
                return try? c.parseLiteral(substituteVariables(value, variables))
            }
            return valueFromASTUntyped(value, variables)
        default:
            return nil
        }
    }
}

private func substituteVariables(_ v: ValueNode, _ variables: [String: JSON]?) -> ValueNode {
    switch v {
    case .list(let items, let l): return .list(items.map { substituteVariables($0, variables) }, l)
    case .object(let fields, let l):
        return .object(fields.map { ObjectField(name: $0.name, value: substituteVariables($0.value, variables), loc: $0.loc) }, l)
    case .variable(let x):
        guard let j = variables?[x.name.value] else { return .null(x.loc) }
        return jsonToValueNode(j, x.loc)
    default: return v
    }
}

private func jsonToValueNode(_ j: JSON, _ loc: Location) -> ValueNode {
    switch j {
    case .null: return .null(loc)
    case .bool(let b): return .boolean(b, loc)
    case .int(let i): return .int(String(i), loc)
    case .double(let d): return .float(formatDouble(d), loc)
    case .string(let s): return .string(s, block: false, loc)
    case .array(let a): return .list(a.map { jsonToValueNode($0, loc) }, loc)
    case .object(let o): return .object(o.map { ObjectField(name: Name(value: $0.0, loc: loc), value: jsonToValueNode($0.1, loc), loc: loc) }, loc)
    }
}

/// A literal without a type (graphql-js `valueFromASTUntyped`).
public func valueFromASTUntyped(_ value: ValueNode, _ variables: [String: JSON]? = nil) -> JSON? {
    switch value {
    case .null: return .null
    case .int(let s, _): if let i = Int(s) { return .int(i) }; return Double(s).map { .double($0) }
    case .float(let s, _): return Double(s).map { .double($0) }
    case .string(let s, _, _): return .string(s)
    case .boolean(let b, _): return .bool(b)
    case .enumValue(let s, _): return .string(s)
    case .list(let items, _): return .array(items.map { valueFromASTUntyped($0, variables) ?? .null })
    case .object(let fields, _):
        return .object(fields.compactMap { f in valueFromASTUntyped(f.value, variables).map { (f.name.value, $0) } })
    case .variable(let v): return variables?[v.name.value]
    }
}

/// Coerces a field's (or directive's) arguments (graphql-js `getArgumentValues`):
/// defaults applied, absent optional arguments left out, `null` kept.
/// `location` is the field or directive node, for "not provided" errors.
public func coerceArgumentValues(schema: GraphQLSchema, scalars: [String: any ScalarCoercing], definitions: [InputValue],
                                 arguments: [Argument], variables: [String: JSON], location: Location) -> Result<[String: JSON], GraphQLError> {
    var coerced: [String: JSON] = [:]
    for def in definitions {
        let name = def.name
        guard let arg = arguments.first(where: { $0.name.value == name }) else {
            if let d = def.defaultValue {
                if let v = valueFromAST(schema: schema, scalars: scalars, value: d, type: def.type, variables: nil) { coerced[name] = v }
            } else if def.type.isNonNull {
                return .failure(GraphQLError("Argument \"\(name)\" of required type \"\(def.type)\" was not provided.",
                                             code: "BAD_USER_INPUT", locations: errorLocations([location])))
            }
            continue
        }
        var isNull = false
        if case .null = arg.value { isNull = true }
        if case .variable(let v) = arg.value {
            guard let vv = variables[v.name.value] else {
                if let d = def.defaultValue {
                    if let dv = valueFromAST(schema: schema, scalars: scalars, value: d, type: def.type, variables: nil) { coerced[name] = dv }
                } else if def.type.isNonNull {
                    return .failure(GraphQLError("Argument \"\(name)\" of required type \"\(def.type)\" was provided the variable \"$\(v.name.value)\" which was not provided a runtime value.",
                                                 code: "BAD_USER_INPUT", locations: errorLocations([arg.value.loc])))
                }
                continue
            }
            isNull = vv == .null
        }
        if isNull && def.type.isNonNull {
            return .failure(GraphQLError("Argument \"\(name)\" of non-null type \"\(def.type)\" must not be null.",
                                         code: "BAD_USER_INPUT", locations: errorLocations([arg.value.loc])))
        }
        guard let v = valueFromAST(schema: schema, scalars: scalars, value: arg.value, type: def.type, variables: variables) else {
            return .failure(GraphQLError("Argument \"\(name)\" has invalid value \(printValue(arg.value)).",
                                         code: "BAD_USER_INPUT", locations: errorLocations([arg.value.loc])))
        }
        coerced[name] = v
    }
    return .success(coerced)
}
