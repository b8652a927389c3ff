// Input values as the executor needs them: argument literals (with variables
// substituted and defaults applied) and request variables, both to the
// internal JSON form that resolvers receive. The document is validated
// before execution, so literal errors here are rare; they still become
// ordinary errors, never crashes.
import QueryLanguage

enum VariableCoercionResult {
    case values([String: JSON])
    case errors([GraphQLError])
}

struct InputCoercionError: Error {
    var message: String
}

struct ExecutionValues {
    let schema: GraphQLSchema
    let scalars: [String: any ScalarCoercing]

    // MARK: Arguments

    /// CoerceArgumentValues (spec 6.4.1): absent optional arguments without a
    /// default stay absent.
    func argumentValues(definitions: [InputValue], node: Field, variables: [String: JSON]) throws -> [String: JSON] {
        var result: [String: JSON] = [:]
        for def in definitions {
            let argNode = node.arguments.first { $0.name.value == def.name }
            if let argNode {
                if case .variable(let v) = argNode.value {
                    if let value = variables[v.name.value] {
                        if value == .null && def.type.isNonNull {
                            throw InputCoercionError(message: "Argument \"\(def.name)\" of non-null type \"\(def.type)\" must not be null.")
                        }
                        result[def.name] = value
                        continue
                    }
                    if let d = def.defaultValue { result[def.name] = try literal(d, def.type, variables: [:]) ; continue }
                    if def.type.isNonNull {
                        throw InputCoercionError(message: "Argument \"\(def.name)\" of required type \"\(def.type)\" was provided the variable \"$\(v.name.value)\" which was not provided a runtime value.")
                    }
                    continue
                }
                let value = try literal(argNode.value, def.type, variables: variables)
                result[def.name] = value
            } else if let d = def.defaultValue {
                result[def.name] = try literal(d, def.type, variables: [:])
            } else if def.type.isNonNull {
                throw InputCoercionError(message: "Argument \"\(def.name)\" of required type \"\(def.type)\" was not provided.")
            }
        }
        return result
    }

    /// valueFromAST: a literal of `type` to its internal JSON form.
    func literal(_ node: ValueNode, _ type: TypeRef, variables: [String: JSON]) throws -> JSON {
        if case .variable(let v) = node {
            return variables[v.name.value] ?? .null
        }
        switch type {
        case .nonNull(let inner):
            if case .null = node { throw InputCoercionError(message: "Expected non-nullable type \"\(type)\" not to be null.") }
            return try literal(node, inner, variables: variables)
        case .list(let item):
            if case .null = node { return .null }
            if case .list(let items, _) = node {
                return .array(try items.map { try literal($0, item, variables: variables) })
            }
            return .array([try literal(node, item, variables: variables)])
        case .named(let name):
            if case .null = node { return .null }
            guard let def = schema.types[name] else { throw InputCoercionError(message: "Unknown type \"\(name)\".") }
            switch def {
            case .inputObject(let io):
                guard case .object(let fields, _) = node else {
                    throw InputCoercionError(message: "Expected value of type \"\(name)\", found \(node).")
                }
                var members: [(String, JSON)] = []
                for f in io.fields {
                    if let fn = fields.first(where: { $0.name.value == f.name }) {
                        if case .variable(let v) = fn.value, variables[v.name.value] == nil {
                            if let d = f.defaultValue { members.append((f.name, try literal(d, f.type, variables: [:]))) }
                            else if f.type.isNonNull { throw InputCoercionError(message: "Field \"\(name).\(f.name)\" of required type \"\(f.type)\" was not provided.") }
                            continue
                        }
                        members.append((f.name, try literal(fn.value, f.type, variables: variables)))
                    } else if let d = f.defaultValue {
                        members.append((f.name, try literal(d, f.type, variables: [:])))
                    } else if f.type.isNonNull {
                        throw InputCoercionError(message: "Field \"\(name).\(f.name)\" of required type \"\(f.type)\" was not provided.")
                    }
                }
                return .object(members)
            case .enumeration(let e):
                if case .enumValue(let v, _) = node, e.value(v) != nil { return .string(v) }
                throw InputCoercionError(message: "Enum \"\(name)\" cannot represent non-enum value.")
            case .scalar:
                if let custom = scalars[name] {
                    do { return try custom.parseLiteral(node) } catch let f as CoercionFailure {
                        throw InputCoercionError(message: f.message)
                    }
                }
                return try builtinLiteral(node, name)
            default:
                throw InputCoercionError(message: "Type \"\(name)\" is not an input type.")
            }
        }
    }

    private func builtinLiteral(_ node: ValueNode, _ name: String) throws -> JSON {
        switch (name, node) {
        case ("Int", .int(let text, _)):
            if let i = Int32(text) { return .int(Int(i)) }
            throw InputCoercionError(message: "Int cannot represent non 32-bit signed integer value: \(text)")
        case ("Float", .int(let text, _)), ("Float", .float(let text, _)):
            if let d = Double(text), d.isFinite { return .double(d) }
            throw InputCoercionError(message: "Float cannot represent non numeric value: \(text)")
        case ("String", .string(let s, _, _)): return .string(s)
        case ("ID", .string(let s, _, _)): return .string(s)
        case ("ID", .int(let text, _)): return .string(text)
        case ("Boolean", .boolean(let b, _)): return .bool(b)
        case (_, .int(let text, _)) where !["Int", "Float", "String", "ID", "Boolean"].contains(name):
            return Int(text).map(JSON.int) ?? .double(Double(text) ?? 0)
        case (_, .float(let text, _)) where !["Int", "Float", "String", "ID", "Boolean"].contains(name):
            return .double(Double(text) ?? 0)
        case (_, .string(let s, _, _)) where !["Int", "Float", "String", "ID", "Boolean"].contains(name):
            return .string(s)
        case (_, .boolean(let b, _)) where !["Int", "Float", "String", "ID", "Boolean"].contains(name):
            return .bool(b)
        case (_, .enumValue(let v, _)) where !["Int", "Float", "String", "ID", "Boolean"].contains(name):
            return .string(v)
        case (_, .list(let items, _)) where !["Int", "Float", "String", "ID", "Boolean"].contains(name):
            return .array(try items.map { try builtinLiteral($0, name) })
        case (_, .object(let fields, _)) where !["Int", "Float", "String", "ID", "Boolean"].contains(name):
            return .object(try fields.map { ($0.name.value, try builtinLiteral($0.value, name)) })
        default:
            throw InputCoercionError(message: "\(name) cannot represent value: \(printLiteralBrief(node))")
        }
    }

    private func printLiteralBrief(_ node: ValueNode) -> String {
        switch node {
        case .int(let t, _), .float(let t, _): return t
        case .string(let s, _, _): return JSON.string(s).serializedString
        case .boolean(let b, _): return b ? "true" : "false"
        case .null: return "null"
        case .enumValue(let v, _): return v
        case .variable(let v): return "$" + v.name.value
        case .list: return "[...]"
        case .object: return "{...}"
        }
    }

    // MARK: Variables

    /// CoerceVariableValues (spec 6.1.2). Errors carry code BAD_USER_INPUT.
    func variableValues(definitions: [VariableDefinition], inputs: [String: JSON]) -> VariableCoercionResult {
        var coerced: [String: JSON] = [:]
        var errors: [GraphQLError] = []
        for def in definitions {
            let name = def.variable.name.value
            let type = TypeRef(def.type)
            let loc = [ErrorLocation(def.loc)]
            guard schema.types[type.namedType]?.isInputType == true else {
                errors.append(GraphQLError("Variable \"$\(name)\" expected value of type \"\(type)\" which cannot be used as an input type.", code: "BAD_USER_INPUT", locations: loc))
                continue
            }
            guard let value = inputs[name] else {
                if let d = def.defaultValue {
                    do { coerced[name] = try literal(d, type, variables: [:]) } catch let e as InputCoercionError {
                        errors.append(GraphQLError("Variable \"$\(name)\" has invalid default value: \(e.message)", code: "BAD_USER_INPUT", locations: loc))
                    } catch {}
                } else if type.isNonNull {
                    errors.append(GraphQLError("Variable \"$\(name)\" of required type \"\(type)\" was not provided.", code: "BAD_USER_INPUT", locations: loc))
                }
                continue
            }
            if value == .null && type.isNonNull {
                errors.append(GraphQLError("Variable \"$\(name)\" of non-null type \"\(type)\" must not be null.", code: "BAD_USER_INPUT", locations: loc))
                continue
            }
            do {
                coerced[name] = try input(value, type, path: "")
            } catch let e as InputCoercionError {
                errors.append(GraphQLError("Variable \"$\(name)\" got invalid value \(JSONWriter.inspect(value))\(e.message)", code: "BAD_USER_INPUT", locations: loc))
            } catch {
                errors.append(GraphQLError("Variable \"$\(name)\" got invalid value.", code: "BAD_USER_INPUT", locations: loc))
            }
        }
        return errors.isEmpty ? .values(coerced) : .errors(errors)
    }

    /// coerceInputValue for a JSON variable value. Messages continue
    /// "Variable "$x" got invalid value …" like graphql-js.
    func input(_ value: JSON, _ type: TypeRef, path: String) throws -> JSON {
        let at = path.isEmpty ? "" : " at \"value\(path)\""
        switch type {
        case .nonNull(let inner):
            if value == .null { throw InputCoercionError(message: "\(at); Expected non-nullable type \"\(type)\" not to be null.") }
            return try input(value, inner, path: path)
        case .list(let item):
            if value == .null { return .null }
            if case .array(let items) = value {
                var out: [JSON] = []
                out.reserveCapacity(items.count)
                for (i, v) in items.enumerated() { out.append(try input(v, item, path: path + "[\(i)]")) }
                return .array(out)
            }
            return .array([try input(value, item, path: path)])
        case .named(let name):
            if value == .null { return .null }
            switch schema.types[name] {
            case .inputObject(let io)?:
                guard case .object(let members) = value else {
                    throw InputCoercionError(message: "\(at); Expected type \"\(name)\" to be an object.")
                }
                var out: [(String, JSON)] = []
                for f in io.fields {
                    if let m = members.last(where: { $0.0 == f.name }) {
                        out.append((f.name, try input(m.1, f.type, path: path + ".\(f.name)")))
                    } else if let d = f.defaultValue {
                        out.append((f.name, try literal(d, f.type, variables: [:])))
                    } else if f.type.isNonNull {
                        throw InputCoercionError(message: "\(at); Field \"\(f.name)\" of required type \"\(f.type)\" was not provided.")
                    }
                }
                for (k, _) in members where io.field(k) == nil {
                    throw InputCoercionError(message: "\(at); Field \"\(k)\" is not defined by type \"\(name)\".")
                }
                return .object(out)
            case .enumeration(let e)?:
                if case .string(let s) = value, e.value(s) != nil { return value }
                throw InputCoercionError(message: "\(at); Value \(JSONWriter.inspect(value)) does not exist in \"\(name)\" enum.")
            case .scalar?:
                if let custom = scalars[name] {
                    do { return try custom.parseValue(value) } catch let f as CoercionFailure {
                        throw InputCoercionError(message: "\(at); \(f.message)")
                    }
                }
                if let v = BuiltinScalarCoercion.parseValue(name, value) { return v }
                throw InputCoercionError(message: "\(at); \(BuiltinScalarCoercion.inputMessage(name, value))")
            default:
                throw InputCoercionError(message: "\(at); Type \"\(name)\" is not an input type.")
            }
        }
    }
}

extension JSONWriter {
    /// graphql-js `inspect`-like rendering for messages (JSON text, strings quoted).
    static func inspect(_ value: JSON) -> String { value.serializedString }
}
