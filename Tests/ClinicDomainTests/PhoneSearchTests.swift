// How staff searches and the duplicate check read phone numbers (issue #16).
@testable import ClinicDomain
import XCTest

final class PhoneSearchTests: XCTestCase {
    func testDigitsIgnoreEverySeparator() {
        XCTAssertEqual(PhoneNumber.digits("+52 (55) 1234-5678"), "525512345678")
        XCTAssertEqual(PhoneNumber.digits("+52 55 1234 5678"), PhoneNumber.digits("+52.55.12345678"))
        XCTAssertEqual(PhoneNumber.digits("sin número"), "")
        XCTAssertEqual(PhoneNumber.digits("٣٤٥ 12"), "12", "only ASCII digits count, as in phone_digits() of 0014")
    }

    func testOnlyPhoneLikeTextWithThreeDigitsSearchesPhones() {
        for text in ["1234", "55 12", "+52 (55)", "5512-34", "123"] {
            XCTAssertTrue(PhoneNumber.looksLikePhoneSearch(text), text)
        }
        for text in ["12", "+5", "Finder1", "ana 555", "user12@example.test", "", "   "] {
            XCTAssertFalse(PhoneNumber.looksLikePhoneSearch(text), text)
        }
    }
}
