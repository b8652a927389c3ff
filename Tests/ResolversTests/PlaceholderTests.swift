import XCTest
@testable import Resolvers
final class ResolversPlaceholderTests: XCTestCase { func testModuleLinks() {} }
