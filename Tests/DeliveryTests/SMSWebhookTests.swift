import DeliveryTesting
import Foundation
import JSON
import XCTest
@testable import Delivery

final class SMSWebhookTests: XCTestCase {
    func testPostsJSONAndTreats2xxAsSent() throws {
        let sink = try HTTPSink(status: 202)
        defer { sink.stop() }
        let t = SMSWebhookTransport(configuration: try SMSWebhookConfiguration.parse(sink.url + "?account=7"))
        let outcome = t.send([SMSMessage(deliveryKey: "key-1", to: "+52 55 1234 5678", body: "Clínica \"Central\": cita 09:30\nCódigo 2S")])
        XCTAssertEqual(outcome, [.sent])
        let req = try XCTUnwrap(sink.requests.first)
        XCTAssertEqual(req.method, "POST")
        XCTAssertEqual(req.target, "/sms?account=7")
        XCTAssertEqual(req.header("Content-Type"), "application/json; charset=utf-8")
        XCTAssertEqual(req.header("Idempotency-Key"), "key-1")
        let json = try JSONSerialization.jsonObject(with: Data(req.body.utf8)) as? [String: String]
        XCTAssertEqual(json, ["to": "+52 55 1234 5678", "body": "Clínica \"Central\": cita 09:30\nCódigo 2S"])
    }

    func testClientErrorIsPermanentAndServerErrorIsRetried() throws {
        let sink = try HTTPSink(status: 422)
        defer { sink.stop() }
        let t = SMSWebhookTransport(configuration: try SMSWebhookConfiguration.parse(sink.url))
        let m = SMSMessage(deliveryKey: "k", to: "+1", body: "x")
        guard case .permanent(let why)? = t.send([m]).first else { return XCTFail("4xx is permanent") }
        XCTAssertTrue(why.contains("422"), why)
        sink.respond(status: 503)
        guard case .retry(let why2)? = t.send([m]).first else { return XCTFail("5xx is retried") }
        XCTAssertTrue(why2.contains("503"), why2)
    }

    func testTimeoutIsRetried() throws {
        let sink = try HTTPSink(status: 200)
        defer { sink.stop() }
        sink.respond(status: 200, delay: 3)
        let t = SMSWebhookTransport(configuration: try SMSWebhookConfiguration.parse(sink.url, timeout: 0.5))
        let started = Date()
        guard case .retry(let why)? = t.send([SMSMessage(deliveryKey: "k", to: "+1", body: "x")]).first else {
            return XCTFail("a timeout is retried")
        }
        XCTAssertTrue(why.contains("timed out"), why)
        XCTAssertLessThan(Date().timeIntervalSince(started), 2.5)
    }

    func testWebhookURLForms() throws {
        let c = try SMSWebhookConfiguration.parse("https://user:pw@sms.example/hook?x=1")
        XCTAssertTrue(c.useTLS); XCTAssertEqual(c.port, 443); XCTAssertEqual(c.path, "/hook?x=1")
        XCTAssertEqual(c.basicAuth, Base64.encode(Array("user:pw".utf8)))
        XCTAssertEqual(try SMSWebhookConfiguration.parse("http://127.0.0.1:9000").path, "/")
        XCTAssertThrowsError(try SMSWebhookConfiguration.parse("ftp://x"))
        XCTAssertThrowsError(try SMSWebhookConfiguration.parse("sms.example/hook"))
    }
}
