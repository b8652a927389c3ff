// The LRU document cache.
import XCTest
@testable import Schema
import QueryLanguage

final class ExecutionCacheTests: XCTestCase {
    func testTextsThatDifferInBytesAreDifferentKeysEvenWhenCanonicallyEquivalent() throws {
        let cache = DocumentCache(capacity: 4)
        let composed = "{ a(s: \"\u{E9}\") }", decomposed = "{ a(s: \"e\u{301}\") }"
        XCTAssertEqual(composed, decomposed, "Swift's String equality is canonical equivalence")
        cache.insert(composed, CachedDocument(document: try parse(composed)))
        XCTAssertNil(cache.get(decomposed))
        XCTAssertNotNil(cache.get(composed))
        XCTAssertNotNil(cache.get(String(decoding: Array(composed.utf8), as: UTF8.self)), "equal bytes, another String")
    }

    func testCacheReturnsStoredDocumentAndEvictsLeastRecentlyUsed() throws {
        let cache = DocumentCache(capacity: 2)
        let a = CachedDocument(document: try parse("{ a }"))
        let b = CachedDocument(document: try parse("{ b }"))
        let c = CachedDocument(document: try parse("{ c }"), validationErrors: [GraphQLError("bad", code: "GRAPHQL_VALIDATION_FAILED")])
        cache.insert("{ a }", a)
        cache.insert("{ b }", b)
        XCTAssertEqual(cache.get("{ a }")?.document, a.document)  // a is now most recent
        cache.insert("{ c }", c)  // evicts b
        XCTAssertNil(cache.get("{ b }"))
        XCTAssertEqual(cache.get("{ a }")?.document, a.document)
        XCTAssertEqual(cache.get("{ c }")?.validationErrors.first?.message, "bad")
        XCTAssertEqual(cache.count, 2)
        XCTAssertNil(cache.get("{ a } "), "a different text is a different key")
    }

    func testDocumentForQueryParsesOnceAndDoesNotCacheFailures() throws {
        let cache = DocumentCache(capacity: 10)
        var parses = 0
        for _ in 0..<5 {
            _ = try cache.document(for: "{ x }") { text in parses += 1; return CachedDocument(document: try parse(text)) }
        }
        XCTAssertEqual(parses, 1)
        for _ in 0..<2 {
            XCTAssertThrowsError(try cache.document(for: "{ x ") { text in parses += 1; return CachedDocument(document: try parse(text)) })
        }
        XCTAssertEqual(parses, 3)
        XCTAssertEqual(cache.count, 1)
    }

    func testCacheIsSafeUnderConcurrentUse() async throws {
        let cache = DocumentCache(capacity: 16)
        let docs = try (0..<40).map { i in (q: "{ f\(i) }", d: CachedDocument(document: try parse("{ f\(i) }"))) }
        await withTaskGroup(of: Void.self) { group in
            for t in 0..<8 {
                group.addTask {
                    for k in 0..<400 {
                        let (q, d) = docs[(k * 7 + t) % docs.count]
                        if let hit = cache.get(q) { XCTAssertEqual(hit.document, d.document) } else { cache.insert(q, d) }
                    }
                }
            }
        }
        XCTAssertLessThanOrEqual(cache.count, 16)
    }
}
