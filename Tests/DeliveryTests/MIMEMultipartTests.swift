// An email with an attachment is a multipart/mixed whose first part is the
// text exactly as a single-part email carries it; Python's `email` package
// (the standard library's RFC 5322/2046 parser) reads it back.
import JSON
import TestSupport
import XCTest
@testable import Delivery

final class MIMEMultipartTests: XCTestCase {
    let body = "Hola Lucía:\n\nSu cita quedó reservada. Código = A-2S.\n--=_part_ no es un límite aquí\n"
    let calendar = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:REQUEST\r\nSUMMARY:Cita con Dr. Núñez\r\nEND:VCALENDAR\r\n"

    func message(attachments: [EmailAttachment]) -> EmailMessage {
        EmailMessage(deliveryKey: "5f0c8a2e-1111-4222-8333-944455556666", fromAddress: "citas@example.mx", fromName: "Clínica",
                     toAddress: "lucia@example.test", toName: "Lucía Peña", subject: "Cita reservada – Dr. Núñez", body: body,
                     date: 1_796_000_000, kind: "BOOKING_CONFIRMATION", attachments: attachments)
    }

    func testWithoutAttachmentsTheMessageStaysSinglePart() {
        let text = message(attachments: []).rendered()
        XCTAssertTrue(text.contains("\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"))
        XCTAssertFalse(text.contains("multipart"))
    }

    func testCalendarAttachmentParsesBackWithPythonsEmailPackage() throws {
        let ics = EmailAttachment(contentType: "text/calendar; charset=UTF-8; method=REQUEST", fileName: "cita.ics\r\nX: y",
                                  content: Array(calendar.utf8))
        let wire = message(attachments: [ics]).rendered()
        // RFC 5322 §2.1.1: lines of at most 78 characters.
        for line in wire.components(separatedBy: "\r\n") { XCTAssertLessThanOrEqual(line.utf8.count, 78, line) }
        XCTAssertFalse(wire.replacingOccurrences(of: "\r\n", with: "").contains("\n"), "CRLF only")
        let script = """
            import email, email.policy, json, sys
            m = email.message_from_bytes(sys.stdin.buffer.read(), policy=email.policy.default)
            parts = [p for p in m.walk() if not p.is_multipart()]
            print(json.dumps({"type": m.get_content_type(), "defects": len(m.defects) + sum(len(p.defects) for p in parts),
                "parts": [{"type": p.get_content_type(), "method": p.get_param("method"), "filename": p.get_filename(),
                           "disposition": p.get_content_disposition(),
                           "content": p.get_content() if p.get_content_maintype() == "text" else None} for p in parts]}))
            """
        let run = try ProcessRunner.run(FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") ? "/usr/bin/python3" : "python3",
                                        ["-c", script], stdin: wire, timeout: 60)
        XCTAssertEqual(run.status, 0, run.output)
        let j = try JSONParser.parse(run.standardOutput)
        XCTAssertEqual(j["type"], .string("multipart/mixed"))
        XCTAssertEqual(j["defects"], .int(0))
        guard case .array(let parts)? = j["parts"], parts.count == 2 else { return XCTFail("\(j)") }
        XCTAssertEqual(parts[0]["type"], .string("text/plain"))
        XCTAssertEqual(parts[0]["content"], .string(body.replacingOccurrences(of: "\n", with: "\r\n")),
                       "the text part is the single-part body, hard line breaks as CRLF")
        XCTAssertEqual(parts[1]["type"], .string("text/calendar"))
        XCTAssertEqual(parts[1]["method"], .string("REQUEST"))
        XCTAssertEqual(parts[1]["disposition"], .string("attachment"))
        XCTAssertEqual(parts[1]["filename"], .string("cita.icsXy"), "a file name cannot add a header")
        XCTAssertEqual(parts[1]["content"], .string(calendar), "CRLF line ends survive base64")
    }
}
