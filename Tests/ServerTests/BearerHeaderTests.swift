// GraphQLRequestReading.bearerToken: the Authorization header's forms, the usual one read
// without splitting and every other one as before.
@testable import Server
import XCTest

final class BearerHeaderTests: XCTestCase {
    func read(_ header: String?) -> String {
        switch GraphQLRequestReading.bearerToken(header) {
        case .absent: return "absent"
        case .malformed: return "malformed"
        case .token(let t): return "token:" + t
        }
    }

    func testTheHeaderForms() {
        XCTAssertEqual(read(nil), "absent")
        XCTAssertEqual(read("Bearer abc.def"), "token:abc.def")
        XCTAssertEqual(read("bearer abc"), "token:abc")
        XCTAssertEqual(read("BEARER   abc"), "token:abc")
        XCTAssertEqual(read("Bearer  abc"), "token:abc")
        XCTAssertEqual(read("Bearer ü"), "token:ü")
        for bad in ["Bearer", "Bearer ", "Bearer a b", "Basic abc", "Bearerabc", "", "abc"] {
            XCTAssertEqual(read(bad), "malformed", bad)
        }
    }
}
