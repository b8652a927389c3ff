// Field- and type-level authorization, declared in schema.graphql with
// @auth(requires: [...]) and enforced here, in one place, for every field.
//
// - A rule on a field is checked against the parent object (for root fields:
//   against the viewer alone) before the field's resolver runs.
// - A rule on a type is checked against every object of that type a field
//   returns, before any of its fields resolve.
// - SELF and TREATING_DOCTOR are relationships between the viewer and a row,
//   answered by the row itself from columns loaded with it (`Owned`): never
//   a query per object.
import ClinicDomain
import QueryLanguage
import Schema

enum AuthRule: String, Sendable, CaseIterable {
    case ANYONE, AUTHENTICATED, SELF, TREATING_DOCTOR, ADMIN, SUPERADMIN
}

/// A row that knows how it relates to a viewer.
protocol Owned: Sendable {
    /// The viewer is the user the data belongs to.
    func isSelf(_ viewer: Viewer) -> Bool
    /// The viewer is a doctor attending this data's appointment or patient.
    func isTreatedBy(_ viewer: Viewer) -> Bool
}

struct AuthorizationPolicy: Sendable {
    /// "Type.field" → any-of rules.
    let fieldRules: [String: [AuthRule]]
    /// The same by type, then field (looked up per object without building "Type.field").
    private let rulesByType: [String: [String: [AuthRule]]]
    /// Type name → any-of rules.
    let typeRules: [String: [AuthRule]]

    init(schema: GraphQLSchema) {
        var fields: [String: [AuthRule]] = [:]
        var byType: [String: [String: [AuthRule]]] = [:]
        var types: [String: [AuthRule]] = [:]
        for (name, type) in schema.types where !name.hasPrefix("__") {
            if let rules = Self.rules(type.directives) { types[name] = rules }
            for field in type.fields ?? [] {
                if let rules = Self.rules(field.directives) {
                    fields["\(name).\(field.name)"] = rules
                    byType[name, default: [:]][field.name] = rules
                }
            }
        }
        fieldRules = fields
        rulesByType = byType
        typeRules = types
    }

    static func rules(_ directives: [AppliedDirective]) -> [AuthRule]? {
        guard let auth = directives.first(where: { $0.name == "auth" }),
              case .list(let items, _)? = auth.arguments["requires"] else { return nil }
        return items.compactMap { if case .enumValue(let v, _) = $0 { return AuthRule(rawValue: v) }; return nil }
    }

    /// Whether `viewer` satisfies any of `rules` for `subject` (nil subject: a root field).
    static func allows(_ rules: [AuthRule], viewer: Viewer?, subject: (any Sendable)?) -> Bool {
        // Any rule that holds allows: those decided by the viewer alone first, so that staff
        // never pay for the cast to `Owned` that SELF and TREATING_DOCTOR need.
        for rule in rules {
            switch rule {
            case .ANYONE: return true
            case .AUTHENTICATED: if viewer != nil { return true }
            case .ADMIN: if viewer?.isStaff == true { return true }
            case .SUPERADMIN: if viewer?.isSuperadmin == true { return true }
            case .SELF, .TREATING_DOCTOR: continue
            }
        }
        for rule in rules {
            switch rule {
            case .ANYONE, .AUTHENTICATED, .ADMIN, .SUPERADMIN: continue
            case .SELF, .TREATING_DOCTOR:
                guard let viewer else { continue }
                guard let owned = subject as? Owned else {
                    // Root operations: who owns the target is decided on the
                    // object the operation reaches (its type rule and the SQL
                    // visibility filter); here it only takes a signed-in caller.
                    if subject == nil { return true }
                    continue
                }
                if rule == .SELF ? owned.isSelf(viewer) : owned.isTreatedBy(viewer) { return true }
            }
        }
        return false
    }

    static func denial(viewer: Viewer?, what: String) -> GraphQLError {
        let verb = what.hasPrefix("Mutation.") ? "call" : "read"
        return viewer == nil ? ClinicError.unauthenticated("You must be signed in to \(verb) \(what).")
                             : ClinicError.forbidden("You are not allowed to \(verb) \(what).")
    }

    /// Whether `Type.field` has a rule that can deny anyone (not ANYONE).
    func restricts(_ type: String, _ field: String) -> Bool {
        guard let rules = rulesByType[type]?[field] else { return false }
        return !rules.contains(.ANYONE)
    }

    /// Checks `Type.field`'s rule for one subject; nil when allowed.
    func checkField(_ type: String, _ field: String, viewer: Viewer?, subject: (any Sendable)?) -> GraphQLError? {
        guard let rules = rulesByType[type]?[field] else { return nil }
        return Self.allows(rules, viewer: viewer, subject: subject) ? nil : Self.denial(viewer: viewer, what: "\(type).\(field)")
    }

    /// Checks a type's rule for one object; nil when allowed.
    func checkObject(_ type: String, viewer: Viewer?, object: any Sendable) -> GraphQLError? {
        guard let rules = typeRules[type] else { return nil }
        return Self.allows(rules, viewer: viewer, subject: object) ? nil : Self.denial(viewer: viewer, what: "this \(type)")
    }
}
