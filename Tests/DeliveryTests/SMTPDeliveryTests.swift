import DeliveryTesting
import JSON
import XCTest
@testable import Delivery

final class SMTPDeliveryTests: XCTestCase {
    func message(key: String = "6f1c2a9e-0000-4000-8000-000000000001", to: String = "lucia@example.test",
                 toName: String? = "Lucía Morales", subject: String = "Confirmación de cita – Dr. Núñez",
                 body: String = "Hola Lucía:\nSu cita con Dr. Núñez es el martes a las 09:30.\n") -> EmailMessage {
        EmailMessage(deliveryKey: key, fromAddress: "clinic@clinic.test", fromName: "Clínica Central", toAddress: to,
                     toName: toName, subject: subject, body: body, date: 1_795_000_000)
    }

    func transport(_ sink: SMTPSink, query: String = "") throws -> SMTPTransport {
        SMTPTransport(configuration: try SMTPConfiguration.parse(sink.url + query))
    }

    func testDeliversConfirmationWithEncodedHeadersAndQuotedPrintableBody() throws {
        let sink = try SMTPSink()
        defer { sink.stop() }
        let m = message()
        XCTAssertEqual(try transport(sink).send([m]), [.sent])
        let got = try XCTUnwrap(sink.messages.first)
        XCTAssertEqual(got.mailFrom, "<clinic@clinic.test>")
        XCTAssertEqual(got.recipients, ["<lucia@example.test>"])
        let subject = try XCTUnwrap(got.header("Subject"))
        XCTAssertTrue(subject.hasPrefix("=?UTF-8?B?"), subject)
        XCTAssertTrue(subject.utf8.allSatisfy { $0 < 0x80 }, "the header must be 7-bit")
        XCTAssertEqual(MIME.decodeHeader(subject), "Confirmación de cita – Dr. Núñez")
        let from = try XCTUnwrap(got.header("From"))
        XCTAssertTrue(from.hasSuffix(" <clinic@clinic.test>"), from)
        XCTAssertEqual(MIME.decodeHeader(from), "Clínica Central <clinic@clinic.test>")
        XCTAssertEqual(MIME.decodeHeader(try XCTUnwrap(got.header("To"))), "Lucía Morales <lucia@example.test>")
        XCTAssertEqual(got.header("Message-ID"), "<6f1c2a9e-0000-4000-8000-000000000001@clinic.test>")
        XCTAssertEqual(got.header("Date"), RFC5322Date.format(secondsSinceEpoch: 1_795_000_000))
        XCTAssertEqual(got.header("MIME-Version"), "1.0")
        XCTAssertEqual(got.header("Content-Type"), "text/plain; charset=UTF-8")
        XCTAssertEqual(got.header("Content-Transfer-Encoding"), "quoted-printable")
        XCTAssertTrue(got.rawBody.utf8.allSatisfy { $0 < 0x80 }, "a QP body is 7-bit")
        XCTAssertTrue(got.rawBody.contains("Hola Luc=C3=ADa:"), got.rawBody)
        XCTAssertEqual(got.decodedBody, "Hola Lucía:\r\nSu cita con Dr. Núñez es el martes a las 09:30.\r\n\r\n")
    }

    func testDateHeaderIsRFC5322() {
        XCTAssertEqual(RFC5322Date.format(secondsSinceEpoch: 0), "Thu, 01 Jan 1970 00:00:00 +0000")
        XCTAssertEqual(RFC5322Date.format(secondsSinceEpoch: 1_795_915_800), "Sun, 29 Nov 2026 01:30:00 +0000")
        XCTAssertEqual(RFC5322Date.format(secondsSinceEpoch: -1), "Wed, 31 Dec 1969 23:59:59 +0000")
    }

    func testLineWithOnlyADotIsStuffedOnTheWireAndArrivesIntact() throws {
        let sink = try SMTPSink()
        defer { sink.stop() }
        let body = "first line\n.\n..two dots\nlast"
        XCTAssertEqual(try transport(sink).send([message(body: body)]), [.sent])
        let got = try XCTUnwrap(sink.messages.first)
        XCTAssertTrue(got.wireData.contains("\r\n..\r\n"), "the lone dot must be doubled on the wire")
        XCTAssertTrue(got.wireData.contains("\r\n...two dots\r\n"))
        XCTAssertEqual(got.decodedBody, "first line\r\n.\r\n..two dots\r\nlast\r\n")
    }

    func testSeveralMessagesShareOneSessionAndARefusedOneDoesNotBlockTheRest() throws {
        let sink = try SMTPSink()
        defer { sink.stop() }
        let outcomes = try transport(sink).send([message(key: "k1", to: "a@example.test"), message(key: "k2", to: "b@example.test"),
                                                 message(key: "k3", to: "c@example.test")])
        XCTAssertEqual(outcomes, [.sent, .sent, .sent])
        XCTAssertEqual(sink.sessions, 1)
        XCTAssertEqual(sink.messages.map(\.recipients), [["<a@example.test>"], ["<b@example.test>"], ["<c@example.test>"]])
    }

    func testTemporaryRefusalAsksForRetryAndPermanentRefusalDoesNot() throws {
        let sink = try SMTPSink(behaviour: .init(rcpt: "451 4.3.0 mailbox busy"))
        defer { sink.stop() }
        let t = try transport(sink)
        guard case .retry(let why) = t.send([message()]).first else { return XCTFail("451 must be a retry") }
        XCTAssertTrue(why.contains("451") && why.contains("RCPT TO"), why)
        sink.setBehaviour(.init(endOfData: "550 5.7.1 rejected"))
        guard case .permanent(let why2) = t.send([message()]).first else { return XCTFail("550 must be permanent") }
        XCTAssertTrue(why2.contains("550"), why2)
        XCTAssertTrue(sink.messages.isEmpty)
        // After a refusal the session is reset and goes on with the next message.
        sink.setBehaviour(.init())
        XCTAssertEqual(t.send([message(key: "x"), message(key: "y")]), [.sent, .sent])
    }

    func testAuthPlainSendsCredentialsFromTheURL() throws {
        let sink = try SMTPSink(behaviour: .init(offerAuth: true))
        defer { sink.stop() }
        // The sink has no TLS: only a URL that says so plainly may send the password in clear.
        let t = SMTPTransport(configuration: try SMTPConfiguration.parse("smtp+insecure://mailer%40clinic:p%3Ass@127.0.0.1:\(sink.port)"))
        XCTAssertEqual(t.send([message()]), [.sent])
        let auth = try XCTUnwrap(sink.messages.first?.authPlain)
        XCTAssertEqual(Base64.decode(auth, ignoringLineBreaks: true), [0] + Array("mailer@clinic".utf8) + [0] + Array("p:ss".utf8))
    }

    func testCredentialsAreRefusedWhenServerOffersNoAuth() throws {
        let sink = try SMTPSink()
        defer { sink.stop() }
        let t = SMTPTransport(configuration: try SMTPConfiguration.parse("smtp+insecure://u:p@127.0.0.1:\(sink.port)"))
        guard case .permanent(let why)? = t.send([message()]).first else { return XCTFail("expected a permanent failure") }
        XCTAssertTrue(why.contains("AUTH PLAIN"), why)
    }

    /// A relay (or a man in the middle) that does not offer STARTTLS gets
    /// neither the password nor the mail from `smtp://user:pass@…`.
    func testCredentialsNeverGoInClearWhenStartTLSIsNotOffered() throws {
        let sink = try SMTPSink(behaviour: .init(offerAuth: true))
        defer { sink.stop() }
        let t = SMTPTransport(configuration: try SMTPConfiguration.parse("smtp://u:secret@127.0.0.1:\(sink.port)"))
        guard case .permanent(let why)? = t.send([message()]).first else { return XCTFail("expected a refusal") }
        XCTAssertTrue(why.contains("STARTTLS"), why)
        XCTAssertFalse(sink.commands.contains { $0.uppercased().hasPrefix("AUTH") }, "\(sink.commands)")
        XCTAssertTrue(sink.messages.isEmpty)

        // Even a configuration built by hand (no URL parsing) does not send them.
        var handMade = SMTPConfiguration(host: "127.0.0.1", port: sink.port, security: .opportunistic, username: "u", password: "secret")
        handMade.timeout = 5
        guard case .permanent(let again)? = SMTPTransport(configuration: handMade).send([message()]).first else {
            return XCTFail("expected a refusal")
        }
        XCTAssertTrue(again.contains("without TLS"), again)
        XCTAssertFalse(sink.commands.contains { $0.uppercased().hasPrefix("AUTH") }, "\(sink.commands)")
    }

    func testRequiredStartTLSFailsWhenNotOfferedAndNothingIsSent() throws {
        let sink = try SMTPSink()
        defer { sink.stop() }
        let t = SMTPTransport(configuration: try SMTPConfiguration.parse("smtp://127.0.0.1:\(sink.port)?starttls=required"))
        guard case .permanent(let why)? = t.send([message()]).first else { return XCTFail("expected a refusal") }
        XCTAssertTrue(why.contains("STARTTLS"), why)
        XCTAssertFalse(sink.commands.contains { $0.hasPrefix("MAIL FROM") })
    }

    func testUnreachableRelayIsARetry() throws {
        let sink = try SMTPSink()
        let port = sink.port
        sink.stop()
        let t = SMTPTransport(configuration: try SMTPConfiguration.parse("smtp://127.0.0.1:\(port)?timeout=2"))
        guard case .retry? = t.send([message()]).first else { return XCTFail("a refused connection is temporary") }
    }

    func testSMTPURLForms() throws {
        let plain = try SMTPConfiguration.parse("smtp://relay.example:2525")
        XCTAssertEqual(plain.host, "relay.example"); XCTAssertEqual(plain.port, 2525); XCTAssertEqual(plain.security, .opportunistic)
        XCTAssertNil(plain.username)
        XCTAssertEqual(try SMTPConfiguration.parse("smtp://relay").port, 25)
        let implicit = try SMTPConfiguration.parse("smtps://u:secret@mail.example")
        XCTAssertEqual(implicit.security, .implicitTLS); XCTAssertEqual(implicit.port, 465)
        XCTAssertEqual(implicit.username, "u"); XCTAssertEqual(implicit.password, "secret")
        XCTAssertEqual(implicit.redacted, "smtps://u:***@mail.example:465")
        XCTAssertEqual(try SMTPConfiguration.parse("smtp+starttls://mail.example").security, .startTLSRequired)
        XCTAssertEqual(try SMTPConfiguration.parse("smtp+starttls://mail.example").port, 587)
        XCTAssertEqual(try SMTPConfiguration.parse("smtp://m:25?starttls=required").security, .startTLSRequired)
        XCTAssertEqual(try SMTPConfiguration.parse("smtp://m:25?starttls=never").security, .plain)
        XCTAssertEqual(try SMTPConfiguration.parse("smtp://m:25?tls_verify=none&timeout=5").timeout, 5)
        XCTAssertEqual(try SMTPConfiguration.parse("smtp://[::1]:2525").host, "::1")
        XCTAssertEqual(try SMTPConfiguration.parse("smtp://u:p@relay").security, .startTLSRequired, "credentials need TLS")
        let insecure = try SMTPConfiguration.parse("smtp+insecure://u:p@relay")
        XCTAssertEqual(insecure.security, .plain); XCTAssertTrue(insecure.allowsCleartextCredentials)
        XCTAssertEqual(insecure.redacted, "smtp+insecure://u:***@relay:25")
        XCTAssertFalse(try SMTPConfiguration.parse("smtp://relay?starttls=never").allowsCleartextCredentials)
        for bad in ["relay:25", "http://relay", "smtp://:25", "smtp://relay:0", "smtp://relay:99999", "smtp://relay?bogus=1",
                    "smtp://user@relay", "smtps://relay?starttls=required",
                    "smtp://u:p@relay?starttls=never"] {
            XCTAssertThrowsError(try SMTPConfiguration.parse(bad), bad) { error in
                let text = "\(error)"
                XCTAssertTrue(text.hasPrefix("SMTP_URL:") && !text.contains("\n"), text)
            }
        }
    }
}
