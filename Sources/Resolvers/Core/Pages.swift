// Relay connections over keyset pages: `edges`, `nodes` and `pageInfo` come
// from the rows already fetched; `totalCount` is counted only when selected.
import JSON
import Schema

/// The rows of one page, and how to make a row's cursor: made only when a cursor is read (a
/// cursor is a few allocations; most clients select `node` alone).
final class PageRows: Sendable {
    let nodes: [any Sendable]
    let cursorOf: @Sendable (Int) -> String
    init(nodes: [any Sendable], cursorOf: @escaping @Sendable (Int) -> String) { self.nodes = nodes; self.cursorOf = cursorOf }
}

struct EdgeObject: FieldReadable {
    let page: PageRows
    let index: Int
    func readField(_ field: String) -> ResolvedValue? {
        switch field {
        case "cursor": return .string(page.cursorOf(index))
        case "node": return .object(page.nodes[index], typeName: nil)
        default: return nil
        }
    }
}

struct PageInfoObject: FieldReadable {
    var hasNextPage: Bool
    var hasPreviousPage: Bool
    let page: PageRows
    func readField(_ field: String) -> ResolvedValue? {
        switch field {
        case "hasNextPage": return .bool(hasNextPage)
        case "hasPreviousPage": return .bool(hasPreviousPage)
        case "startCursor": return .optionalString(page.nodes.isEmpty ? nil : page.cursorOf(0))
        case "endCursor": return .optionalString(page.nodes.isEmpty ? nil : page.cursorOf(page.nodes.count - 1))
        default: return nil
        }
    }
}

struct ConnectionObject: FieldReadable {
    let page: PageRows
    var pageInfo: PageInfoObject
    /// nil when `totalCount` was not selected (and so not counted).
    var totalCount: Int?

    /// - Parameters:
    ///   - rows: up to `page.fetchLimit` rows in order.
    ///   - cursor: the cursor of a row.
    init<R: Sendable>(rows: [R], page: PageRequest, totalCount: Int?, cursor: @escaping @Sendable (R) -> String) {
        let (pageRows, hasNext) = page.page(of: rows)
        let rows = Array(pageRows)
        self.page = PageRows(nodes: rows, cursorOf: { cursor(rows[$0]) })
        // first: 0 returns no edges; hasNextPage still tells whether any item exists.
        pageInfo = PageInfoObject(hasNextPage: hasNext, hasPreviousPage: page.after != nil, page: self.page)
        self.totalCount = totalCount
    }

    func readField(_ field: String) -> ResolvedValue? {
        switch field {
        case "edges": return .list(page.nodes.indices.map { .object(EdgeObject(page: page, index: $0), typeName: nil) })
        case "nodes": return .list(page.nodes.map { .object($0, typeName: nil) })
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
