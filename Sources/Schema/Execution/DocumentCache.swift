// A bounded LRU cache of parsed and validated documents, so a repeated client
// query skips lexing, parsing and validation.
//
// Keyed by the query text itself, compared as UTF-8 bytes (see DocumentKey).
// An entry already holds the document's AST, which is larger than its text,
// so keeping the text costs at most as much again; hashing it (SipHash) is
// cheaper than the digest the cache used to compute, and a hit is confirmed
// by comparing bytes, not trusted to a digest.
import JSON
import QueryLanguage
import Synchronization

/// What the cache keeps for one query text.
public struct CachedDocument: Sendable {
    public var document: Document
    /// Validation errors of the document (empty when valid), so that invalid
    /// repeated queries are answered without validating again.
    public var validationErrors: [GraphQLError]
    /// What the NoSchemaIntrospection rule says of the document (where introspection is off).
    public var introspectionErrors: [GraphQLError]
    /// What is known of its operations per operation name and variable values.
    public let memo: OperationMemo
    /// Whether an operation of the document runs no resolver (`GraphQLService.runsNoResolver`).
    public let hasOperationWithoutResolvers: Bool
    /// `budget`: what the memos of all cached documents may hold together (nil: unbounded).
    public init(document: Document, validationErrors: [GraphQLError] = [], introspectionErrors: [GraphQLError] = [],
                budget: MemoBudget? = nil) {
        self.document = document; self.validationErrors = validationErrors; self.introspectionErrors = introspectionErrors
        memo = OperationMemo(budget: budget)
        hasOperationWithoutResolvers = document.operations.contains(where: GraphQLService.runsNoResolver)
    }
}

/// The bytes (estimated) that results and plans kept by the memos of all cached documents may
/// take together: without it, distinct documents and variable values sent by one client could
/// make the server keep results and plans without bound. A memo gives its share back when its
/// document leaves the cache.
public final class MemoBudget: Sendable {
    public let limit: Int
    private let used = Atomic<Int>(0)

    public init(limit: Int) { self.limit = limit }

    public var bytesInUse: Int { used.load(ordering: .relaxed) }

    func reserve(_ bytes: Int) -> Bool {
        var current = used.load(ordering: .relaxed)
        while current + bytes <= limit {
            let (exchanged, seen) = used.compareExchange(expected: current, desired: current + bytes, ordering: .relaxed)
            if exchanged { return true }
            current = seen
        }
        return false
    }

    func release(_ bytes: Int) { if bytes > 0 { used.subtract(bytes, ordering: .relaxed) } }
}

/// What is remembered of one document per operation name and variable values: the operation
/// limits' verdict (depth, cost, introspection depth: the same values always get the same one,
/// so a repeated request does not measure its document again), execution plans, and, for an
/// operation that runs no resolver (`__typename`, `__schema`, `__type` at its root), its result.
/// Results and plans are kept only within the `MemoBudget`.
public final class OperationMemo: Sendable {
    public struct Entry: Sendable {
        /// nil: not measured yet; `.some(nil)`: within the limits.
        public var verdict: GraphQLError??
        public var result: ExecutionResult?
        /// Execution plans not in use by a run (taken out while one runs; see `Executor`).
        var plans: [ExecutionPlan] = []
        init(verdict: GraphQLError?? = nil, result: ExecutionResult? = nil) { self.verdict = verdict; self.result = result }
    }
    private struct State {
        var entries: [String: Entry] = [:]
        /// Bytes reserved in the budget for the results and plans held.
        var held = 0
    }
    /// Plans kept per key: as many as runs of one document usually overlap (an event loop holds
    /// every request whose read is in flight, up to one per connection it serves).
    static let plansPerKey = 16
    /// Distinct operation names and variable values remembered per document.
    static let capacity = 32
    /// Longer keys (large variable values) are never remembered: measured every time.
    static let maxKeyBytes = 1024
    private let state = Mutex(State())
    private let budget: MemoBudget?

    public init(budget: MemoBudget? = nil) { self.budget = budget }

    deinit {
        let held = state.withLock { $0.held }
        budget?.release(held)
    }

    /// The key of an operation name and variable values; nil when too long to remember.
    public static func key(operationName: String?, variables: [String: JSON]) -> String? {
        var key = operationName ?? ""
        key += "\u{0}"
        if !variables.isEmpty {
            key += JSON.object(variables.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }).serializedString
        }
        return key.utf8.count <= maxKeyBytes ? key : nil
    }

    public func entry(_ key: String) -> Entry? { state.withLock { $0.entries[key] } }

    /// Changes the entry of `key` (a new one while fewer than `capacity` are kept).
    public func update(_ key: String, _ change: (inout Entry) -> Void) {
        state.withLock { s in
            if var e = s.entries[key] {
                change(&e)
                s.entries[key] = e
            } else if s.entries.count < Self.capacity {
                var e = Entry(verdict: nil, result: nil)
                change(&e)
                s.entries[key] = e
            }
        }
    }

    /// The limits' verdict for `key` (nil: not measured yet) and a kept plan (taken out), in one lock.
    func begin(_ key: String) -> (verdict: GraphQLError??, plan: ExecutionPlan?) {
        let (verdict, plan): (GraphQLError??, ExecutionPlan?) = state.withLock { s in
            guard let i = s.entries.index(forKey: key) else { return (nil, nil) }
            let plan = s.entries.values[i].plans.popLast()
            if let plan { s.held -= plan.estimatedBytes }
            return (s.entries.values[i].verdict, plan)
        }
        if let plan { budget?.release(plan.estimatedBytes) }
        return (verdict, plan)
    }

    func verdict(_ key: String) -> GraphQLError?? { state.withLock { $0.entries[key]?.verdict } }

    func result(_ key: String) -> ExecutionResult? { state.withLock { $0.entries[key]?.result } }

    /// Keeps `result` for `key` when the budget has room for its `bytes`.
    func keepResult(_ result: ExecutionResult, bytes: Int, _ key: String) {
        keep(bytes, key) { e in
            guard e.result == nil else { return false }
            e.result = result
            return true
        }
    }

    func putPlan(_ plan: ExecutionPlan, _ key: String) {
        keep(plan.estimatedBytes, key) { e in
            guard e.plans.count < Self.plansPerKey else { return false }
            e.plans.append(plan)
            return true
        }
    }

    /// Runs `add` on the entry of `key` with `bytes` reserved in the budget; the reservation is
    /// given back when `add` keeps nothing (false) or there is no entry.
    private func keep(_ bytes: Int, _ key: String, _ add: (inout Entry) -> Bool) {
        if let budget, !budget.reserve(bytes) { return }
        let kept = state.withLock { s -> Bool in
            guard let i = s.entries.index(forKey: key), add(&s.entries.values[i]) else { return false }
            s.held += bytes
            return true
        }
        if !kept { budget?.release(bytes) }
    }
}

public final class DocumentCache: Sendable {
    public let capacity: Int
    private let state: Mutex<LRU>

    public init(capacity: Int = 1000) {
        self.capacity = max(1, capacity)
        self.state = Mutex(LRU())
    }

    /// The cached entry for `query`, marking it most recently used.
    public func get(_ query: String) -> CachedDocument? {
        let key = DocumentKey(query)
        return state.withLock { $0.get(key) }
    }

    public func insert(_ query: String, _ entry: CachedDocument) {
        let key = DocumentKey(query)
        let capacity = self.capacity
        state.withLock { $0.insert(key, entry, capacity: capacity) }
    }

    /// The cached entry, or `make(query)` stored and returned. `make` runs
    /// outside the lock (two racing misses may both run it; the last wins).
    /// A thrown error (e.g. a syntax error) is not cached.
    public func document(for query: String, make: (String) throws -> CachedDocument) rethrows -> CachedDocument {
        let key = DocumentKey(query)
        if let hit = state.withLock({ $0.get(key) }) { return hit }
        let entry = try make(query)
        let capacity = self.capacity
        state.withLock { $0.insert(key, entry, capacity: capacity) }
        return entry
    }

    public var count: Int { state.withLock { $0.index.count } }

    public func removeAll() { state.withLock { $0 = LRU() } }
}

/// A query text that hashes and compares as its UTF-8 bytes. Not String's own
/// equality: that is Unicode canonical equivalence, under which two documents
/// whose string values differ in bytes (`"é"` precomposed or not) would share
/// one parsed document.
struct DocumentKey: Hashable, Sendable {
    let text: String

    init(_ text: String) {
        var t = text
        t.makeContiguousUTF8()
        self.text = t
    }

    func hash(into hasher: inout Hasher) {
        var t = text
        t.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
    }

    static func == (a: DocumentKey, b: DocumentKey) -> Bool {
        var x = a.text, y = b.text
        return x.withUTF8 { p in y.withUTF8 { q in p.count == q.count && p.elementsEqual(q) } }
    }
}

/// Doubly linked list over an array of nodes plus an index; O(1) operations.
private struct LRU: Sendable {
    struct Node: Sendable {
        var key: DocumentKey
        var value: CachedDocument
        var prev: Int
        var next: Int
    }
    var nodes: [Node] = []
    var index: [DocumentKey: Int] = [:]
    var head = -1  // most recent
    var tail = -1  // least recent

    mutating func unlink(_ i: Int) {
        let p = nodes[i].prev, n = nodes[i].next
        if p >= 0 { nodes[p].next = n } else { head = n }
        if n >= 0 { nodes[n].prev = p } else { tail = p }
        nodes[i].prev = -1; nodes[i].next = -1
    }

    mutating func pushFront(_ i: Int) {
        nodes[i].prev = -1
        nodes[i].next = head
        if head >= 0 { nodes[head].prev = i }
        head = i
        if tail < 0 { tail = i }
    }

    mutating func get(_ key: DocumentKey) -> CachedDocument? {
        guard let i = index[key] else { return nil }
        if head != i { unlink(i); pushFront(i) }
        return nodes[i].value
    }

    mutating func insert(_ key: DocumentKey, _ value: CachedDocument, capacity: Int) {
        if let i = index[key] {
            nodes[i].value = value
            if head != i { unlink(i); pushFront(i) }
            return
        }
        let slot: Int
        if nodes.count < capacity {
            slot = nodes.count
            nodes.append(Node(key: key, value: value, prev: -1, next: -1))
        } else {
            // Reuse the least recently used node.
            slot = tail
            unlink(slot)
            index[nodes[slot].key] = nil
            nodes[slot].key = key
            nodes[slot].value = value
        }
        index[key] = slot
        pushFront(slot)
    }
}
