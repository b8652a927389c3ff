// The response (spec 7.1) straight to JSON bytes, in field order:
// `{"data":…,"errors":[…],"extensions":{…}}` — `data` only when present,
// `errors` only when non-empty, `extensions` only when non-empty.

public extension GraphQLError {
    /// The error as a response error object: message, locations, path, extensions.
    var responseJSON: JSON {
        var members: [(String, JSON)] = [("message", .string(message))]
        if !locations.isEmpty {
            members.append(("locations", .array(locations.map { .object([("line", .int($0.line)), ("column", .int($0.column))]) })))
        }
        if let path {
            members.append(("path", .array(path.map {
                switch $0 { case .key(let k): return .string(k); case .index(let i): return .int(i) }
            })))
        }
        if !extensions.isEmpty { members.append(("extensions", .object(extensions))) }
        return .object(members)
    }
}

import JSON
import Synchronization

/// The executor's finished response tree: cell 0 is `data`. Serialized
/// directly by `jsonBytes()`; turned into a `JSON` value only when asked.
final class ResultCells: Sendable {
    let cells: [Cell]
    private let memo = Mutex<JSON?>(nil)
    init(cells: [Cell]) { self.cells = cells }

    /// `data` as a JSON value (built once).
    var json: JSON {
        if let j = memo.withLock({ $0 }) { return j }
        let j = cells.isEmpty ? JSON.null : json(0)
        memo.withLock { $0 = j }
        return j
    }

    private func json(_ c: Int) -> JSON {
        switch cells[c].value {
        case .pending, .null: return .null
        case .leaf(let j): return j
        case .object(let shape, let first):
            var members: [(String, JSON)] = []
            members.reserveCapacity(shape.keys.count)
            for (i, k) in shape.keys.enumerated() { members.append((k, json(first + i))) }
            return .object(members)
        case .list(let first, let count):
            var items: [JSON] = []
            items.reserveCapacity(count)
            for i in 0..<count { items.append(json(first + i)) }
            return .array(items)
        }
    }

    /// `data` as JSON text, straight from the cells.
    func write(into out: inout [UInt8]) {
        if cells.isEmpty { JSONWriter.writeNull(into: &out); return }
        cells.withUnsafeBufferPointer { buf in ResultCells.write(buf, 0, into: &out) }
    }

    private static func write(_ cells: UnsafeBufferPointer<Cell>, _ c: Int, into out: inout [UInt8]) {
        switch cells[c].value {
        case .pending, .null: JSONWriter.writeNull(into: &out)
        case .leaf(let j): JSONWriter.write(j, into: &out)
        case .object(let shape, let first):
            out.append(UInt8(ascii: "{"))
            shape.encoded.withUnsafeBufferPointer { keys in
                shape.offsets.withUnsafeBufferPointer { offsets in
                    for i in 0..<(offsets.count - 1) {
                        if i > 0 { out.append(UInt8(ascii: ",")) }
                        out.append(contentsOf: UnsafeBufferPointer(rebasing: keys[offsets[i]..<offsets[i + 1]]))
                        write(cells, first + i, into: &out)
                    }
                }
            }
            out.append(UInt8(ascii: "}"))
        case .list(let first, let count):
            out.append(UInt8(ascii: "["))
            for i in 0..<count {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                write(cells, first + i, into: &out)
            }
            out.append(UInt8(ascii: "]"))
        }
    }
}

public extension ExecutionResult {
    /// The response as JSON (same order as `jsonBytes()`).
    var responseJSON: JSON {
        var members: [(String, JSON)] = []
        if let data { members.append(("data", data)) }
        if !errors.isEmpty { members.append(("errors", .array(errors.map(\.responseJSON)))) }
        if !extensions.isEmpty { members.append(("extensions", .object(extensions))) }
        return .object(members)
    }

    func jsonBytes() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        out.append(UInt8(ascii: "{"))
        var first = true
        func key(_ k: StaticString) {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            out.append(UInt8(ascii: "\""))
            out.append(contentsOf: UnsafeBufferPointer(start: k.utf8Start, count: k.utf8CodeUnitCount))
            out.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
        }
        switch storage {
        case .value(let data?):
            key("data")
            JSONWriter.write(data, into: &out)
        case .value(nil): break
        case .cells(let cells):
            key("data")
            out.reserveCapacity(cells.cells.count * 16)
            cells.write(into: &out)
        }
        if !errors.isEmpty {
            key("errors")
            JSONWriter.write(.array(errors.map(\.responseJSON)), into: &out)
        }
        if !extensions.isEmpty {
            key("extensions")
            JSONWriter.write(.object(extensions), into: &out)
        }
        out.append(UInt8(ascii: "}"))
        return out
    }
}
