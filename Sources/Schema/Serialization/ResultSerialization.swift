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
        if let data {
            key("data")
            JSONWriter.write(data, into: &out)
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
