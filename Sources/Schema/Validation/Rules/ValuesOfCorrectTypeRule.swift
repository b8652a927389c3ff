// Spec 5.6.1 Values of Correct Type, 5.6.2 Input Object Field Names,
// 5.6.4 Input Object Required Fields.
import QueryLanguage

final class ValuesOfCorrectTypeRule: RuleVisitor {
    /// >0 while inside a list/object value this rule skips (graphql-js returns SKIP).
    var skipDepth = 0
    init(_ c: ValidationContext) { super.init(c, [.value, .objectField]) }

    override func enterValue(_ v: ValueNode) {
        if skipDepth > 0 {
            if isComposite(v) { skipDepth += 1 }
            return
        }
        let s = context.schema
        switch v {
        case .list:
            // The walker already pushed the item type: the list's own type is the parent input type.
            let t = context.parentInputType?.nullable
            if case .list? = t { return }
            isValidValueNode(v, context.inputType)
            skipDepth = 1
        case .object(let fields, _):
            guard let named = context.inputType?.namedType, case .inputObject(let io)? = s.types[named] else {
                isValidValueNode(v, context.inputType)
                skipDepth = 1
                return
            }
            for f in io.fields where f.type.isNonNull && f.defaultValue == nil {
                if !fields.contains(where: { $0.name.value == f.name }) {
                    report("Field \"\(io.name).\(f.name)\" of required type \"\(f.type)\" was not provided.", [v.loc])
                }
            }
        case .null(let l):
            if let t = context.inputType, t.isNonNull {
                report("Expected value of type \"\(t)\", found null.", [l])
            }
        case .variable:
            break
        default:
            isValidValueNode(v, context.inputType)
        }
    }

    func isComposite(_ v: ValueNode) -> Bool {
        switch v { case .list, .object: return true; default: return false }
    }

    override func leaveValue(_ v: ValueNode) {
        if skipDepth > 0 && isComposite(v) { skipDepth -= 1 }
    }

    override func enterObjectField(_ f: ObjectField) {
        if skipDepth > 0 { return }
        guard context.inputType == nil, let p = context.parentInputType?.namedType, case .inputObject(let io)? = context.schema.types[p] else { return }
        let s = suggestionList(f.name.value, io.fields.map(\.name))
        report("Field \"\(f.name.value)\" is not defined by type \"\(io.name)\"." + didYouMeanQuoted(s), [f.loc])
    }

    func isValidValueNode(_ node: ValueNode, _ locationType: TypeRef?) {
        guard let locationType else { return }
        let named = locationType.namedType
        switch context.schema.types[named] {
        case .enumeration(let e)?:
            let str = printValue(node)
            if case .enumValue(let n, _) = node {
                if e.value(n) == nil {
                    report("Value \"\(str)\" does not exist in \"\(e.name)\" enum." + didYouMeanQuoted(suggestionList(str, e.values.map(\.name)), subMessage: "the enum value"), [node.loc])
                }
            } else {
                report("Enum \"\(e.name)\" cannot represent non-enum value: \(str)." + didYouMeanQuoted(suggestionList(str, e.values.map(\.name)), subMessage: "the enum value"), [node.loc])
            }
        case .scalar?:
            if let builtin = BuiltinScalars.all[named] {
                do { _ = try builtin.parseLiteral(node) } catch let f as CoercionFailure {
                    report(f.message, [node.loc])
                } catch {}
            } else if let custom = context.scalars[named] {
                do { _ = try custom.parseLiteral(node) } catch let f as CoercionFailure {
                    report("Expected value of type \"\(locationType)\", found \(printValue(node)); \(f.message)", [node.loc])
                } catch {
                    report("Expected value of type \"\(locationType)\", found \(printValue(node)); \(error)", [node.loc])
                }
            }
        default:
            report("Expected value of type \"\(locationType)\", found \(printValue(node)).", [node.loc])
        }
    }
}

