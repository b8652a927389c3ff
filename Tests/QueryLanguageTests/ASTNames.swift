@testable import QueryLanguage

/// Every `Name` node of a document as (line, column, value), sorted: compared
/// with graphql-core's name locations in the differential test.
func allNames(_ doc: Document) -> [[String]] {
    var out: [Name] = []
    func value(_ v: ValueNode) {
        switch v {
        case .variable(let x): out.append(x.name)
        case .list(let items, _): items.forEach(value)
        case .object(let fields, _): for f in fields { out.append(f.name); value(f.value) }
        default: break
        }
    }
    func directives(_ ds: [Directive]) {
        for d in ds { out.append(d.name); for a in d.arguments { out.append(a.name); value(a.value) } }
    }
    func type(_ t: TypeReference) { out.append(t.namedType.name) }
    func selections(_ s: SelectionSet) {
        for sel in s.selections {
            switch sel {
            case .field(let f):
                if let a = f.alias { out.append(a) }
                out.append(f.name)
                for a in f.arguments { out.append(a.name); value(a.value) }
                directives(f.directives)
                if let ss = f.selectionSet { selections(ss) }
            case .fragmentSpread(let fs):
                out.append(fs.name); directives(fs.directives)
            case .inlineFragment(let i):
                if let t = i.typeCondition { out.append(t.name) }
                directives(i.directives); selections(i.selectionSet)
            }
        }
    }
    func inputValues(_ ivs: [InputValueDefinition]) {
        for iv in ivs {
            out.append(iv.name); type(iv.type)
            if let d = iv.defaultValue { value(d) }
            directives(iv.directives)
        }
    }
    func fields(_ fs: [FieldDefinition]) {
        for f in fs { out.append(f.name); inputValues(f.arguments); type(f.type); directives(f.directives) }
    }
    for def in doc.definitions {
        switch def {
        case .operation(let o):
            if let n = o.name { out.append(n) }
            for v in o.variableDefinitions {
                out.append(v.variable.name); type(v.type)
                if let d = v.defaultValue { value(d) }
                directives(v.directives)
            }
            directives(o.directives); selections(o.selectionSet)
        case .fragment(let f):
            out.append(f.name); out.append(f.typeCondition.name); directives(f.directives); selections(f.selectionSet)
        case .schema(let s):
            directives(s.directives); for o in s.operationTypes { out.append(o.type.name) }
        case .directive(let d):
            out.append(d.name); inputValues(d.arguments); out.append(contentsOf: d.locations)
        case .type(let t):
            switch t {
            case .scalar(let d): out.append(d.name); directives(d.directives)
            case .object(let d): out.append(d.name); out.append(contentsOf: d.interfaces.map(\.name)); directives(d.directives); fields(d.fields)
            case .interface(let d): out.append(d.name); out.append(contentsOf: d.interfaces.map(\.name)); directives(d.directives); fields(d.fields)
            case .union(let d): out.append(d.name); directives(d.directives); out.append(contentsOf: d.types.map(\.name))
            case .enumeration(let d):
                out.append(d.name); directives(d.directives)
                for v in d.values { out.append(v.name); directives(v.directives) }
            case .inputObject(let d): out.append(d.name); directives(d.directives); inputValues(d.fields)
            }
        }
    }
    return out.map { (n: Name) -> (Int, Int, String) in (n.loc.line, n.loc.column, n.value) }
        .sorted { ($0.0, $0.1, $0.2) < ($1.0, $1.1, $1.2) }
        .map { ["\($0.0)", "\($0.1)", $0.2] }
}
