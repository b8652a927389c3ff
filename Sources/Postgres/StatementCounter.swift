import Synchronization

/// Counts statements sent to PostgreSQL. A request (or a test) creates one and
/// passes it to the pool; every query, script, COPY, BEGIN, COMMIT and ROLLBACK
/// run for it adds one. Statement preparation (PQprepare, done once per
/// connection and SQL text) is not counted, so the count does not depend on
/// which pooled connection served the request.
public final class StatementCounter: Sendable {
    private let value = Atomic<Int>(0)

    public init() {}

    public var count: Int { value.load(ordering: .relaxed) }

    public func increment(by amount: Int = 1) { value.add(amount, ordering: .relaxed) }

    /// Returns the count and sets it back to zero.
    @discardableResult
    public func reset() -> Int { value.exchange(0, ordering: .relaxed) }
}
