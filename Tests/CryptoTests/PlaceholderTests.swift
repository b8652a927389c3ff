import XCTest
@testable import Crypto
final class CryptoPlaceholderTests: XCTestCase { func testModuleLinks() {} }
