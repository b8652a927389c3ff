// libFuzzer harness: variable coercion (Sources/Schema/Coercion/InputCoercion.swift)
// against the clinic's schema (schema.graphql, embedded as EmbeddedSchema.sdl)
// with the clinic's own custom scalars (Date, Time, DateTime, Decimal).
//
// Input: the first line is an operation's variable definitions, e.g.
//   ($f: AppointmentFilter, $d: [Date!]! = ["2026-01-01"])
// and the rest a JSON object of variable values. Coercion runs on the
// definitions unvalidated (stricter than the server, which validates the
// document first): it must succeed or return BAD_USER_INPUT errors, never
// trap, and coercing a coerced value again must give it back unchanged.
import ClinicScalars
import JSON
import QueryLanguage
import Schema

let clinicSchema: GraphQLSchema = {
    do { return try SchemaBuilder.build(sdl: EmbeddedSchema.sdl) } catch { fatalError("the clinic schema does not build: \(error)") }
}()

/// Builds the schema before the first input, so its one-time allocations are not
/// counted against an input by libFuzzer's leak check.
@_cdecl("LLVMFuzzerInitialize")
public func initialize(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>) -> CInt {
    _ = clinicSchema
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    let newline = bytes.firstIndex(of: UInt8(ascii: "\n")) ?? size
    let definitionsText = String(decoding: UnsafeBufferPointer(rebasing: bytes[0..<newline]), as: UTF8.self)
    let variablesBytes = newline < size ? Array(bytes[(newline + 1)...]) : Array("{}".utf8)

    guard let document = try? parse("query Fuzz" + definitionsText + " { __typename }"),
          let operation = document.operations.first,
          case .object(let members)? = try? JSONParser.parse(variablesBytes)
    else { return 0 }
    let inputs = Dictionary(members, uniquingKeysWith: { _, last in last })

    switch coerceVariableValues(schema: clinicSchema, scalars: ClinicScalars.all,
                                definitions: operation.variableDefinitions, inputs: inputs) {
    case .failure(let failure):
        if failure.errors.isEmpty { fatalError("coercion failed without an error") }
        for error in failure.errors where error.code != "BAD_USER_INPUT" {
            fatalError("coercion error without BAD_USER_INPUT: \(error)")
        }
    case .success(let coerced):
        // A coerced value is in the scalars' canonical form; coercing it again is the identity.
        // Only for unique variable names: with `($a: Role = ADMIN, $a: Float)`, which validation
        // rejects, the second $a meets the first one's value.
        let names = operation.variableDefinitions.map(\.variable.name.value)
        guard Set(names).count == names.count else { return 0 }
        let again = coerceVariableValues(schema: clinicSchema, scalars: ClinicScalars.all,
                                         definitions: operation.variableDefinitions, inputs: coerced)
        guard case .success(let twice) = again, twice == coerced else {
            fatalError("coercion is not idempotent:\n\(coerced)\n\(again)")
        }
    }
    return 0
}
