// SHA-256 and the LRU document cache.
import XCTest
@testable import Schema
import QueryLanguage

final class ExecutionCacheTests: XCTestCase {
    func testSHA256MatchesFIPSVectors() {
        XCTAssertEqual(SHA256.hash("").description, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(SHA256.hash("abc").description, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(SHA256.hash("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq").description,
                       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        XCTAssertEqual(SHA256.hash(String(repeating: "a", count: 1000)).description,
                       "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
        // Lengths around the padding boundary all differ and are stable.
        let digests = Set((50...70).map { SHA256.hash(String(repeating: "x", count: $0)) })
        XCTAssertEqual(digests.count, 21)
        XCTAssertEqual(SHA256.hash("é😀"), SHA256.hash([0xC3, 0xA9, 0xF0, 0x9F, 0x98, 0x80]))
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
