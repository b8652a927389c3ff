import XCTest
import Foundation
@testable import Crypto

final class PasswordHasherTests: XCTestCase {
    let cheap = PasswordHasher(cost: .low)

    func testHashesWithYescryptAndVerifies() throws {
        let hash = try cheap.hash("correct horse battery staple")
        XCTAssertTrue(hash.hasPrefix("$y$j75$"), hash)
        XCTAssertTrue(cheap.verify("correct horse battery staple", against: hash))
    }

    func testRejectsWrongPassword() throws {
        let hash = try cheap.hash("correct horse battery staple")
        XCTAssertFalse(cheap.verify("correct horse battery stapler", against: hash))
        XCTAssertFalse(cheap.verify("", against: hash))
        XCTAssertFalse(cheap.verify("Correct horse battery staple", against: hash))
    }

    func testSaltsEachHash() throws {
        XCTAssertNotEqual(try cheap.hash("same password twice"), try cheap.hash("same password twice"))
    }

    func testLongPasswordsAreNotTruncated() throws {
        // 200 bytes that differ only at byte 150: bcrypt would cut both at 72 and call them equal.
        let a = String(repeating: "a", count: 200)
        let b = String(repeating: "a", count: 150) + "b" + String(repeating: "a", count: 49)
        XCTAssertEqual(a.utf8.count, 200); XCTAssertEqual(b.utf8.count, 200)
        let hash = try cheap.hash(a)
        XCTAssertTrue(cheap.verify(a, against: hash))
        XCTAssertFalse(cheap.verify(b, against: hash))
    }

    func testNFKCNormalizationOnLinux() {
        XCTAssertEqual(PasswordHasher.normalize("ｐａｓｓ"), "pass")
        XCTAssertEqual(PasswordHasher.normalize("ﬁ"), "fi")
        XCTAssertEqual(PasswordHasher.normalize("e\u{301}").unicodeScalars.count, 1)  // composed é
    }

    func testNFKCEquivalentPasswordsVerify() throws {
        let hash = try cheap.hash("ｐａｓｓword with ﬁsh")
        XCTAssertTrue(cheap.verify("password with fish", against: hash))
        let composed = try cheap.hash("caf\u{e9} au lait, s'il vous pla\u{ee}t")
        XCTAssertTrue(cheap.verify("cafe\u{301} au lait, s'il vous plai\u{302}t", against: composed))
    }

    func testMalformedOrForeignStoredHashNeverVerifies() throws {
        XCTAssertFalse(cheap.verify("anything", against: ""))
        XCTAssertFalse(cheap.verify("anything", against: "*"))
        XCTAssertFalse(cheap.verify("anything", against: "$y$"))
        XCTAssertFalse(cheap.verify("anything", against: "$y$j75$garbage"))
        // A DES crypt of "anything" is valid for crypt but not accepted here.
        XCTAssertFalse(cheap.verify("anything", against: "abJnggxhB/yWI"))
        let hash = try cheap.hash("anything at all here")
        XCTAssertFalse(cheap.verify("anything at all here", against: String(hash.dropLast())))
        XCTAssertFalse(cheap.verify("anything at all here", against: hash + "A"))
    }

    func testRefusesPasswordsCryptCannotTake() {
        XCTAssertThrowsError(try cheap.hash("nul\u{0}inside the password")) {
            XCTAssertEqual($0 as? CryptoError, .unsupportedPassword)
        }
        XCTAssertThrowsError(try cheap.hash(String(repeating: "x", count: 512))) {
            XCTAssertEqual($0 as? CryptoError, .unsupportedPassword)
        }
        XCTAssertNoThrow(try cheap.hash(String(repeating: "x", count: 511)))
    }

    func testDummyHashesMatchTheirCost() throws {
        // The embedded dummy hashes must use the same parameters as real hashes of each cost.
        for cost in [PasswordHasher.Cost.low, .standard] {
            XCTAssertTrue(cost.dummyHash.hasPrefix("$y$"))
            XCTAssertFalse(PasswordHasher(cost: cost).needsRehash(cost.dummyHash))
        }
        XCTAssertFalse(cheap.needsRehash(try cheap.hash("some password here")))
    }

    func testHashesAndVerifiesConcurrentlyFromManyThreads() {
        // crypt_rn with a per-call crypt_data: no shared state between threads.
        let hasher = cheap
        let results = UnsafeMutableBufferPointer<Bool>.allocate(capacity: 8)
        defer { results.deallocate() }
        results.initialize(repeating: false)
        nonisolated(unsafe) let out = results
        DispatchQueue.concurrentPerform(iterations: 8) { i in
            let password = "thread \(i) has its own password"
            guard let hash = try? hasher.hash(password) else { return }
            out[i] = hasher.verify(password, against: hash) && !hasher.verify(password + "!", against: hash)
        }
        XCTAssertEqual(Array(results), [Bool](repeating: true, count: 8))
    }

    func testNeedsRehashWhenCostDiffers() throws {
        let weak = try cheap.hash("some password here")
        XCTAssertTrue(PasswordHasher(cost: .standard).needsRehash(weak))
        XCTAssertTrue(cheap.needsRehash("garbage"))
    }

    private func seconds(_ body: () -> Void) -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    func testMeasuresHashAndVerifyTimeAndDummyVerifyIsComparable() throws {
        let strong = PasswordHasher()
        var hash = ""
        let hashTime = seconds { hash = try! strong.hash("a perfectly fine passphrase") }
        XCTAssertTrue(hash.hasPrefix("$y$j9T$"), hash)
        // Best of three to damp noise from other builds on the machine.
        var verifyTime = Double.infinity, dummyTime = Double.infinity
        for _ in 0..<3 {
            verifyTime = min(verifyTime, seconds { XCTAssertFalse(strong.verify("a wrong passphrase!", against: hash)) })
            dummyTime = min(dummyTime, seconds { strong.dummyVerify("a wrong passphrase!") })
        }
        let lowTime = seconds { _ = cheap.verify("x", against: cheap.Cost_lowDummy) }
        print(String(format: "yescrypt standard: hash %.1f ms, verify %.1f ms, dummyVerify %.1f ms; low verify %.2f ms",
                     hashTime * 1e3, verifyTime * 1e3, dummyTime * 1e3, lowTime * 1e3))
        XCTAssertLessThan(dummyTime, verifyTime * 2)
        XCTAssertLessThan(verifyTime, dummyTime * 2)
        XCTAssertTrue(strong.verify("a perfectly fine passphrase", against: hash))
    }
}

private extension PasswordHasher {
    var Cost_lowDummy: String { Cost.low.dummyHash }
}
