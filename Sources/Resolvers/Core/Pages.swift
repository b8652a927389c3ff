// Relay connections over keyset pages: `edges`, `nodes` and `pageInfo` come
// from the rows already fetched; `totalCount` is counted only when selected.
import JSON
import Schema

struct EdgeObject: FieldReadable {
    var cursor: String
    var node: any Sendable
    func readField(_ field: String) -> ResolvedValue? {
        switch field {
        case "cursor": return .string(cursor)
        case "node": return .object(node, typeName: nil)
        default: return nil
        }
    }
}

struct PageInfoObject: FieldReadable {
    var hasNextPage: Bool
    var hasPreviousPage: Bool
    var startCursor: String?
    var endCursor: String?
    func readField(_ field: String) -> ResolvedValue? {
        switch field {
        case "hasNextPage": return .bool(hasNextPage)
        case "hasPreviousPage": return .bool(hasPreviousPage)
        case "startCursor": return .optionalString(startCursor)
        case "endCursor": return .optionalString(endCursor)
        default: return nil
        }
    }
}

struct ConnectionObject: FieldReadable {
    var edges: [EdgeObject]
    var pageInfo: PageInfoObject
    /// nil when `totalCount` was not selected (and so not counted).
    var totalCount: Int?

    /// - Parameters:
    ///   - rows: up to `page.fetchLimit` rows in order.
    ///   - cursor: the cursor of a row.
    init<R: Sendable>(rows: [R], page: PageRequest, totalCount: Int?, cursor: (R) -> String) {
        let (pageRows, hasNext) = page.page(of: rows)
        edges = pageRows.map { EdgeObject(cursor: cursor($0), node: $0) }
        // first: 0 returns no edges; hasNextPage still tells whether any item exists.
        pageInfo = PageInfoObject(hasNextPage: hasNext, hasPreviousPage: page.after != nil,
                                  startCursor: edges.first?.cursor, endCursor: edges.last?.cursor)
        self.totalCount = totalCount
    }

    func readField(_ field: String) -> ResolvedValue? {
        switch field {
        case "edges": return .list(edges.map { .object($0, typeName: nil) })
        case "nodes": return .list(edges.map { .object($0.node, typeName: nil) })
        case "pageInfo": return .object(pageInfo, typeName: nil)
        case "totalCount": return totalCount.map { .int($0) } ?? .int(0)
        default: return nil
        }
    }
}

extension PageRequest {
    /// Reads `first`/`after` or throws BAD_USER_INPUT naming the argument.
    static func from(_ arguments: [String: JSON], scope: String, keyKinds: [CursorKeyKind]? = nil, defaultFirst: Int = 20) throws -> PageRequest {
        do throws(PageArgumentError) {
            return try PageRequest(arguments: arguments, scope: scope, keyKinds: keyKinds, defaultFirst: defaultFirst)
        } catch {
            throw ClinicError.badInput(error.message, field: error.argument)
        }
    }
}
