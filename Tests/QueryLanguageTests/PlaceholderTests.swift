import XCTest
@testable import QueryLanguage
final class QueryLanguagePlaceholderTests: XCTestCase { func testModuleLinks() {} }
