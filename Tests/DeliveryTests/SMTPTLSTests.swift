// STARTTLS and implicit TLS against the sink with a throwaway self-signed
// certificate (made with the openssl command line tool, which the build's
// libssl-dev brings; the test fails, not skips, without it).
import Foundation
import DeliveryTesting
import TestSupport
import XCTest
@testable import Delivery

final class SMTPTLSTests: XCTestCase {
    static let certificate: Result<SinkTLS, Error> = Result {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("smtp-tls-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let cert = dir.appendingPathComponent("cert.pem").path, key = dir.appendingPathComponent("key.pem").path
        let openssl = try ProcessRunner.run("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                                                        "-days", "1", "-subj", "/CN=localhost"])
        guard openssl.status == 0 else { throw NetworkError("openssl req failed (\(openssl.status))") }
        return try SinkTLS(certificateFile: cert, keyFile: key)
    }

    func message() -> EmailMessage {
        EmailMessage(deliveryKey: "tls-1", fromAddress: "clinic@clinic.test", fromName: "Clínica", toAddress: "p@example.test",
                     toName: nil, subject: "Cita – Núñez", body: "cuerpo", date: 0)
    }

    func testOpportunisticSTARTTLSUpgradesWhenOffered() throws {
        let sink = try SMTPSink(behaviour: .init(offerAuth: true), tls: try Self.certificate.get())
        defer { sink.stop() }
        let t = SMTPTransport(configuration: try SMTPConfiguration.parse("smtp://u:secret@127.0.0.1:\(sink.port)?tls_verify=none"))
        XCTAssertEqual(t.send([message()]), [.sent])
        let got = try XCTUnwrap(sink.messages.first)
        XCTAssertTrue(got.overTLS, "the message must travel over TLS")
        XCTAssertNotNil(got.authPlain, "credentials go after STARTTLS")
        let commands = sink.commands
        let tlsAt = try XCTUnwrap(commands.firstIndex(of: "STARTTLS"))
        let authAt = try XCTUnwrap(commands.firstIndex { $0.hasPrefix("AUTH PLAIN") })
        XCTAssertLessThan(tlsAt, authAt)
        XCTAssertEqual(commands.filter { $0.hasPrefix("EHLO") }.count, 2, "EHLO again after STARTTLS")
    }

    func testRequiredSTARTTLSAndImplicitTLSDeliver() throws {
        let cert = try Self.certificate.get()
        let starttls = try SMTPSink(tls: cert)
        defer { starttls.stop() }
        XCTAssertEqual(SMTPTransport(configuration: try SMTPConfiguration.parse("smtp+starttls://127.0.0.1:\(starttls.port)?tls_verify=none"))
            .send([message()]), [.sent])
        XCTAssertEqual(starttls.messages.first?.overTLS, true)

        let implicit = try SMTPSink(tls: cert, tlsMode: .implicit)
        defer { implicit.stop() }
        XCTAssertEqual(SMTPTransport(configuration: try SMTPConfiguration.parse("smtps://127.0.0.1:\(implicit.port)?tls_verify=none"))
            .send([message()]), [.sent])
        XCTAssertEqual(implicit.messages.first?.overTLS, true)
    }

    func testUntrustedCertificateIsRefusedBeforeAnyMail() throws {
        let sink = try SMTPSink(tls: try Self.certificate.get())
        defer { sink.stop() }
        let t = SMTPTransport(configuration: try SMTPConfiguration.parse("smtp+starttls://127.0.0.1:\(sink.port)?timeout=5"))
        guard case .retry(let why)? = t.send([message()]).first else { return XCTFail("an untrusted certificate must not deliver") }
        XCTAssertTrue(why.contains("certificate") || why.contains("TLS"), why)
        XCTAssertTrue(sink.messages.isEmpty)
        XCTAssertFalse(sink.commands.contains { $0.hasPrefix("MAIL FROM") })
    }
}
