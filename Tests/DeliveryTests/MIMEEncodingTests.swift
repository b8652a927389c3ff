import XCTest
@testable import Delivery

final class MIMEEncodingTests: XCTestCase {
    func testQuotedPrintableRoundTripsUTF8AndKeepsLinesWithin76() {
        let text = "Señora Núñez: ¿confirma su cita? " + String(repeating: "ñandú = ave; ", count: 20) + "\nfin \t\n€ 45,00 "
        let qp = MIME.quotedPrintable(text)
        for line in qp.split(separator: "\r\n", omittingEmptySubsequences: false) {
            XCTAssertLessThanOrEqual(line.utf8.count, 76, String(line))
            XCTAssertFalse(line.hasSuffix(" ") || line.hasSuffix("\t"), "trailing whitespace must be encoded: \(line)")
        }
        XCTAssertTrue(qp.utf8.allSatisfy { $0 < 0x80 })
        XCTAssertTrue(qp.contains("=3D"))
        XCTAssertEqual(MIME.decodeQuotedPrintable(qp), text.replacingAll("\n", with: "\r\n"))
    }

    func testEncodedWordsSplitBetweenCharactersAndStayShort() {
        let subject = String(repeating: "Confirmación de cita – Dr. Núñez ", count: 4)
        let encoded = MIME.encodedWords(subject)
        for word in encoded.split(separator: "\r\n ") {
            XCTAssertTrue(word.hasPrefix("=?UTF-8?B?") && word.hasSuffix("?="), String(word))
            XCTAssertLessThanOrEqual(word.utf8.count, 75)
        }
        XCTAssertEqual(MIME.decodeHeader(encoded), subject)
    }

    func testASCIIHeadersStayReadable() {
        XCTAssertEqual(MIME.encodedWords("Appointment reminder"), "Appointment reminder")
        XCTAssertEqual(MIME.mailbox(name: "Clinic", address: "c@x.test"), "Clinic <c@x.test>")
        XCTAssertEqual(MIME.mailbox(name: "Dr. \"Bob\"", address: "c@x.test"), "\"Dr. \\\"Bob\\\"\" <c@x.test>")
        XCTAssertEqual(MIME.mailbox(name: nil, address: "c@x.test"), "<c@x.test>")
    }
}
