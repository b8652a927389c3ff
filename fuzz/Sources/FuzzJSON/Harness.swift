// libFuzzer harness: the JSON parser (Sources/JSON/JSONParser.swift).
//
// Any bytes must parse or throw JSONParseError, never trap; a value that
// parses must serialize to JSON that parses back to the same value. Numbers
// compare as JSON numbers (IEEE doubles), not by case: the serializer prints
// doubles as JavaScript does (1.0 → "1", 1.7623922337203686e17 →
// "176239223372036860"), which reads back as an .int that converts to the
// same double. That is the intended wire form, not a round-trip failure.
import JSON

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let value = try? JSONParser.parse(bytes) else { return 0 }
    let serialized = value.serialized()
    let reparsed: JSON
    do {
        reparsed = try JSONParser.parse(serialized)
    } catch {
        fatalError("serialized JSON does not parse again: \(error)\n\(String(decoding: serialized, as: UTF8.self))")
    }
    if !sameValue(value, reparsed) {
        fatalError("serialize → parse changed the value\n\(value)\n\(reparsed)")
    }
    // Serializing the reparsed value must give the same bytes (a fixed point).
    if reparsed.serialized() != serialized {
        fatalError("serialization is not a fixed point: \(String(decoding: serialized, as: UTF8.self))")
    }
    return 0
}

/// JSON equality with an .int and a .double equal when the int converts to that double.
func sameValue(_ a: JSON, _ b: JSON) -> Bool {
    switch (a, b) {
    case (.int(let x), .double(let y)), (.double(let y), .int(let x)):
        return Double(x) == y
    case (.array(let xs), .array(let ys)):
        return xs.count == ys.count && zip(xs, ys).allSatisfy { sameValue($0, $1) }
    case (.object(let xs), .object(let ys)):
        return xs.count == ys.count && zip(xs, ys).allSatisfy { $0.0 == $1.0 && sameValue($0.1, $1.1) }
    default:
        return a == b
    }
}
