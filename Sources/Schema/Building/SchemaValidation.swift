// Type validation (spec 3 "Type Validation", graphql-js `validateSchema`),
// run by the builder while it still has the SDL nodes for error locations.
import QueryLanguage

extension Builder {
    func fieldNode(_ type: String, _ field: String) -> FieldDefinition? {
        for n in typeNodes[type]?.all ?? [] {
            switch n {
            case .object(let d): if let f = d.fields.first(where: { $0.name.value == field }) { return f }
            case .interface(let d): if let f = d.fields.first(where: { $0.name.value == field }) { return f }
            default: break
            }
        }
        return nil
    }
    func inputFieldNode(_ type: String, _ field: String) -> InputValueDefinition? {
        for n in typeNodes[type]?.all ?? [] {
            if case .inputObject(let d) = n, let f = d.fields.first(where: { $0.name.value == field }) { return f }
        }
        return nil
    }
    func argNode(_ type: String, _ field: String, _ arg: String) -> InputValueDefinition? {
        fieldNode(type, field)?.arguments.first { $0.name.value == arg }
    }
    func typeLocs(_ name: String) -> [Location] { (typeNodes[name]?.all ?? []).map(\.loc) }
    func implementsNodes(_ type: String, _ iface: String) -> [Location] {
        var out: [Location] = []
        for n in typeNodes[type]?.all ?? [] {
            switch n {
            case .object(let d): out += d.interfaces.filter { $0.name.value == iface }.map(\.loc)
            case .interface(let d): out += d.interfaces.filter { $0.name.value == iface }.map(\.loc)
            default: break
            }
        }
        return out
    }
    func deprecatedLoc(_ n: InputValueDefinition?) -> [Location] {
        guard let n else { return [] }
        return n.directives.filter { $0.name.value == "deprecated" }.prefix(1).map(\.loc) + [n.type.loc]
    }

    mutating func validateName(_ name: String, _ loc: Location?) {
        if name.hasPrefix("__") {
            error("Name '\(name)' must not begin with '__', which is reserved by GraphQL introspection.", loc.map { [$0] } ?? [])
        }
    }

    func kindDescription(_ t: NamedTypeDefinition?) -> String { t?.name ?? "?" }

    mutating func validateTypes(_ schema: inout GraphQLSchema) {
        let s = schema
        // Root types.
        func opNode(_ op: OperationType) -> Location? {
            (schemaDefs + schemaExts).flatMap(\.operationTypes).first { $0.operation == op }?.type.loc
        }
        if !s.queryType.isEmpty, let t = s.types[s.queryType] {
            if case .object = t {} else {
                error("Query root type must be Object type, it cannot be \(s.queryType).", [opNode(.query) ?? typeLocs(s.queryType).first ?? .none])
            }
        }
        if let m = s.mutationType, let t = s.types[m] {
            if case .object = t {} else {
                error("Mutation root type must be Object type if provided, it cannot be \(m).", [opNode(.mutation) ?? typeLocs(m).first ?? .none])
            }
        }
        if let m = s.subscriptionType, let t = s.types[m] {
            if case .object = t {} else {
                error("Subscription root type must be Object type if provided, it cannot be \(m).", [opNode(.subscription) ?? typeLocs(m).first ?? .none])
            }
        }
        // Directives.
        for d in directiveDefs {
            validateName(d.name.value, d.loc)
            if d.locations.isEmpty { error("Directive @\(d.name.value) must include 1 or more locations.", [d.loc]) }
            for a in d.arguments {
                validateName(a.name.value, a.loc)
                let t = TypeRef(a.type)
                if !s.isInputTypeRef(t) {
                    error("The type of @\(d.name.value)(\(a.name.value):) must be Input Type but got: \(t).", [a.loc])
                }
                if t.isNonNull && a.defaultValue == nil && Builder.deprecation(a.directives) != nil {
                    error("Required argument @\(d.name.value)(\(a.name.value):) cannot be deprecated.", deprecatedLoc(a))
                }
            }
        }
        // Types.
        var circular = InputCircularRefs()
        for name in order {
            guard let t = s.types[name] else { continue }
            validateName(name, typeNodes[name]?.definition?.loc)
            switch t {
            case .object(let o):
                validateFields(s, name, o.fields)
                validateInterfaces(s, name, o.interfaces, o.fields)
            case .interface(let i):
                validateFields(s, name, i.fields)
                validateInterfaces(s, name, i.interfaces, i.fields)
            case .union(let u):
                if u.possibleTypes.isEmpty {
                    error("Union type \(name) must define one or more member types.", typeLocs(name))
                }
                var included: Set<String> = []
                for m in u.possibleTypes {
                    let nodes = typeNodes[name]!.all.flatMap { n -> [Location] in
                        if case .union(let d) = n { return d.types.filter { $0.name.value == m }.map(\.loc) }
                        return []
                    }
                    if case .object? = s.types[m] {
                        if included.contains(m) {
                            error("Union type \(name) can only include type \(m) once.", nodes)
                        } else { included.insert(m) }
                    } else {
                        error("Union type \(name) can only include Object types, it cannot include \(m).", nodes)
                    }
                }
            case .enumeration(let e):
                if e.values.isEmpty { error("Enum type \(name) must define one or more values.", typeLocs(name)) }
                for v in e.values {
                    var loc: Location?
                    for n in typeNodes[name]!.all { if case .enumeration(let d) = n, let x = d.values.first(where: { $0.name.value == v.name }) { loc = x.loc } }
                    validateName(v.name, loc)
                }
            case .inputObject(let io):
                if io.fields.isEmpty { error("Input Object type \(name) must define one or more fields.", typeLocs(name)) }
                for f in io.fields {
                    let node = inputFieldNode(name, f.name)
                    validateName(f.name, node?.loc)
                    if !s.isInputTypeRef(f.type) {
                        error("The type of \(name).\(f.name) must be Input Type but got: \(f.type).", node.map { [$0.type.loc] } ?? [])
                    }
                    if f.type.isNonNull && f.defaultValue == nil && f.deprecationReason != nil {
                        error("Required input field \(name).\(f.name) cannot be deprecated.", deprecatedLoc(node))
                    }
                }
                circular.check(name, s, &self)
            case .scalar: break
            }
        }
    }

    mutating func validateFields(_ s: GraphQLSchema, _ typeName: String, _ fields: [OutputField]) {
        if fields.isEmpty { error("Type \(typeName) must define one or more fields.", typeLocs(typeName)) }
        for f in fields {
            let node = fieldNode(typeName, f.name)
            validateName(f.name, node?.loc)
            if !s.isOutputTypeRef(f.type) {
                error("The type of \(typeName).\(f.name) must be Output Type but got: \(f.type).", node.map { [$0.type.loc] } ?? [])
            }
            for a in f.arguments {
                let an = node?.arguments.first { $0.name.value == a.name }
                validateName(a.name, an?.loc)
                if !s.isInputTypeRef(a.type) {
                    error("The type of \(typeName).\(f.name)(\(a.name):) must be Input Type but got: \(a.type).", an.map { [$0.type.loc] } ?? [])
                }
                if a.type.isNonNull && a.defaultValue == nil && a.deprecationReason != nil {
                    error("Required argument \(typeName).\(f.name)(\(a.name):) cannot be deprecated.", deprecatedLoc(an))
                }
            }
        }
    }

    mutating func validateInterfaces(_ s: GraphQLSchema, _ typeName: String, _ interfaces: [String], _ fields: [OutputField]) {
        var seen: Set<String> = []
        for iface in interfaces {
            guard case .interface(let it)? = s.types[iface] else {
                error("Type \(typeName) must only implement Interface types, it cannot implement \(iface).", implementsNodes(typeName, iface))
                continue
            }
            if typeName == iface {
                error("Type \(typeName) cannot implement itself because it would create a circular reference.", implementsNodes(typeName, iface))
            }
            if seen.contains(iface) {
                error("Type \(typeName) can only implement \(iface) once.", implementsNodes(typeName, iface))
                continue
            }
            seen.insert(iface)
            // Ancestors.
            for transitive in it.interfaces where !interfaces.contains(transitive) {
                let msg = transitive == typeName
                    ? "Type \(typeName) cannot implement \(iface) because it would create a circular reference."
                    : "Type \(typeName) must implement \(transitive) because it is implemented by \(iface)."
                error(msg, implementsNodes(iface, transitive) + implementsNodes(typeName, iface))
            }
            // Fields.
            for ifield in it.fields {
                guard let tfield = fields.first(where: { $0.name == ifield.name }) else {
                    error("Interface field \(iface).\(ifield.name) expected but \(typeName) does not provide it.",
                          (fieldNode(iface, ifield.name).map { [$0.loc] } ?? []) + typeLocs(typeName))
                    continue
                }
                if !s.isTypeSubTypeOf(tfield.type, ifield.type) {
                    error("Interface field \(iface).\(ifield.name) expects type \(ifield.type) but \(typeName).\(ifield.name) is type \(tfield.type).",
                          [fieldNode(iface, ifield.name)?.type.loc, fieldNode(typeName, ifield.name)?.type.loc].compactMap { $0 })
                }
                for iarg in ifield.arguments {
                    guard let targ = tfield.argument(iarg.name) else {
                        error("Interface field argument \(iface).\(ifield.name)(\(iarg.name):) expected but \(typeName).\(ifield.name) does not provide it.",
                              [argNode(iface, ifield.name, iarg.name)?.loc, fieldNode(typeName, ifield.name)?.loc].compactMap { $0 })
                        continue
                    }
                    if targ.type != iarg.type {
                        error("Interface field argument \(iface).\(ifield.name)(\(iarg.name):) expects type \(iarg.type) but \(typeName).\(ifield.name)(\(iarg.name):) is type \(targ.type).",
                              [argNode(iface, ifield.name, iarg.name)?.type.loc, argNode(typeName, ifield.name, iarg.name)?.type.loc].compactMap { $0 })
                    }
                }
                for targ in tfield.arguments where ifield.argument(targ.name) == nil && targ.type.isNonNull && targ.defaultValue == nil {
                    error("Object field \(typeName).\(ifield.name) includes required argument \(targ.name) that is missing from the Interface field \(iface).\(ifield.name).",
                          [argNode(typeName, ifield.name, targ.name)?.loc, fieldNode(iface, ifield.name)?.loc].compactMap { $0 })
                }
            }
        }
    }
}

/// Non-null input object cycles (graphql-js InputObjectCircularRefsValidator).
struct InputCircularRefs {
    var visited: Set<String> = []
    var path: [(String, String)] = []   // (type, field)
    var indexByType: [String: Int] = [:]

    mutating func check(_ name: String, _ s: GraphQLSchema, _ b: inout Builder) {
        if visited.contains(name) { return }
        visited.insert(name)
        indexByType[name] = path.count
        guard case .inputObject(let io)? = s.types[name] else { return }
        for f in io.fields {
            if case .nonNull(.named(let inner)) = f.type, case .inputObject? = s.types[inner] {
                path.append((name, f.name))
                if let cycle = indexByType[inner] {
                    let slice = path[cycle...]
                    b.error("Cannot reference Input Object '\(inner)' within itself through a series of non-null fields: '\(slice.map(\.1).joined(separator: "."))'.",
                            slice.compactMap { b.inputFieldNode($0.0, $0.1)?.loc })
                } else {
                    check(inner, s, &b)
                }
                path.removeLast()
            }
        }
        indexByType[name] = nil
    }
}
