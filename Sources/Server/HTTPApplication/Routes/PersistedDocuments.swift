// Documents sent by hash: automatic persisted queries (Apollo's protocol:
// `extensions.persistedQuery = {version: 1, sha256Hash}` over POST and GET; a
// hash the server has not seen is PERSISTED_QUERY_NOT_FOUND and the client
// sends the document with its hash once) and the trusted-documents mode
// (TRUSTED_DOCUMENTS=manifest.json: only the manifest's documents run, by hash
// or by text; staff may send others when TRUSTED_DOCUMENTS_STAFF_AD_HOC=true).
import Crypto
import Foundation
import JSON
import Synchronization

/// `extensions.persistedQuery` of one operation.
struct PersistedQueryReference: Sendable, Equatable {
    /// 64 lowercase hex digits.
    var sha256Hash: String

    /// nil when there is no `persistedQuery`; the refusal when it is malformed.
    static func read(extensions: JSON?) -> Result<PersistedQueryReference?, GraphQLRequestReading.MalformedOperation> {
        guard case .object(let members)? = extensions,
              let pq = members.first(where: { $0.0 == "persistedQuery" })?.1, pq != .null else { return .success(nil) }
        func malformed(_ m: String) -> Result<PersistedQueryReference?, GraphQLRequestReading.MalformedOperation> {
            .failure(GraphQLRequestReading.MalformedOperation(message: m))
        }
        guard case .object(let fields) = pq else { return malformed("extensions.persistedQuery must be an object.") }
        let version = fields.first(where: { $0.0 == "version" })?.1
        guard version == .int(1) else { return malformed("Unsupported persisted query version; only version 1 is supported.") }
        guard case .string(let hash)? = fields.first(where: { $0.0 == "sha256Hash" })?.1,
              hash.utf8.count == 64, hash.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) }) else {
            return malformed("extensions.persistedQuery.sha256Hash must be 64 lowercase hexadecimal digits.")
        }
        return .success(PersistedQueryReference(sha256Hash: hash))
    }
}

public final class PersistedDocuments: Sendable {
    /// The documents a trusted-documents manifest registers, by hash (nil: automatic mode).
    let trusted: [String: String]?
    /// In trusted mode, whether staff may also send documents outside the manifest.
    let staffAdHoc: Bool
    /// Automatic mode: documents registered by clients, at most `capacity`, oldest dropped first.
    private let registered = Mutex<(documents: [String: String], order: [String], head: Int)>(([:], [], 0))
    let capacity: Int
    /// Documents larger than this are run but not kept.
    static let maxDocumentBytes = 64 * 1024

    public init(trusted: [String: String]? = nil, staffAdHoc: Bool = false, capacity: Int = 10_000) {
        self.trusted = trusted; self.staffAdHoc = staffAdHoc; self.capacity = max(1, capacity)
    }

    /// Reads a manifest: a JSON object from SHA-256 hex to document, or Apollo's persisted-query
    /// manifest (`{"operations": [{"id", "body"}]}`); every hash is checked against its document.
    public static func loadManifest(path: String) throws -> [String: String] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigurationError("TRUSTED_DOCUMENTS=\(path): cannot read the file")
        }
        let json: JSON
        do { json = try JSONParser.parse(Array(data)) } catch {
            throw ConfigurationError("TRUSTED_DOCUMENTS=\(path): not valid JSON")
        }
        guard case .object(let members) = json else { throw ConfigurationError("TRUSTED_DOCUMENTS=\(path): expected a JSON object") }
        var pairs: [(String, JSON)] = members
        if case .array(let operations)? = members.first(where: { $0.0 == "operations" })?.1 {
            pairs = operations.compactMap { op in
                guard case .string(let id)? = op["id"], let body = op["body"] else { return nil }
                return (id, body)
            }
        }
        var manifest: [String: String] = [:]
        for (hash, value) in pairs {
            guard case .string(let document) = value else {
                throw ConfigurationError("TRUSTED_DOCUMENTS=\(path): the entry \(hash) is not a string")
            }
            guard hash == Self.hash(document) else {
                throw ConfigurationError("TRUSTED_DOCUMENTS=\(path): \(hash) is not the SHA-256 of its document")
            }
            manifest[hash] = document
        }
        return manifest
    }

    static func hash(_ document: String) -> String { Hex.encode(SHA256.hash(document)) }

    /// What to run, or why not.
    enum Resolution: Equatable {
        case run(String)
        case refuse(status: Int, code: String, message: String)
    }

    /// The document of one operation: `query` as sent, `reference` from its extensions.
    func resolve(query: String?, reference: PersistedQueryReference?, isStaff: Bool) -> Resolution {
        if let trusted {
            if let reference {
                guard let document = trusted[reference.sha256Hash] else { return Self.notFound }
                if let query, query != document { return Self.mismatch }
                return .run(document)
            }
            guard let query else { return .refuse(status: 400, code: "BAD_REQUEST", message: "The request has no query.") }
            if staffAdHoc && isStaff { return .run(query) }
            if trusted[Self.hash(query)] != nil { return .run(query) }
            return .refuse(status: 400, code: "PERSISTED_QUERY_NOT_IN_LIST",
                           message: "Only registered documents may be sent to this server; send a trusted document's sha256Hash.")
        }
        guard let reference else {
            guard let query else { return .refuse(status: 400, code: "BAD_REQUEST", message: "The request has no query.") }
            return .run(query)
        }
        guard let query else {
            let document = registered.withLock { $0.documents[reference.sha256Hash] }
            return document.map(Resolution.run) ?? Self.notFound
        }
        guard Self.hash(query) == reference.sha256Hash else { return Self.mismatch }
        if query.utf8.count <= Self.maxDocumentBytes { register(query, hash: reference.sha256Hash) }
        return .run(query)
    }

    static let notFound = Resolution.refuse(status: 200, code: "PERSISTED_QUERY_NOT_FOUND", message: "PersistedQueryNotFound")
    static let mismatch = Resolution.refuse(status: 400, code: "BAD_REQUEST", message: "provided sha does not match query")

    private func register(_ document: String, hash: String) {
        let capacity = self.capacity
        registered.withLock { state in
            guard state.documents[hash] == nil else { return }
            if state.documents.count >= capacity {
                // A ring of insertion order: the oldest registration goes first.
                let oldest = state.order[state.head]
                state.documents[oldest] = nil
                state.order[state.head] = hash
                state.head = (state.head + 1) % capacity
            } else {
                state.order.append(hash)
            }
            state.documents[hash] = document
        }
    }
}
