import XCTest
@testable import Schema
final class SchemaPlaceholderTests: XCTestCase { func testModuleLinks() {} }
