import Foundation
import JSON
import Postgres
import Synchronization
import TestSupport
import XCTest

/// The event loops send the reads of all the requests they hold in one round trip (pipeline mode,
/// DB_LOOP_PIPELINE): through the real server, many requests at once each get the answer to their
/// own arguments, the same as asked one at a time, and /metrics shows the reads went pipelined.
final class PipelineHTTPTests: XCTestCase {
    func metric(_ server: ClinicProcess, _ name: String) throws -> Double {
        let text = String(decoding: try RawHTTPClient(port: server.port, timeoutSeconds: 10)
            .request("GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").body, as: UTF8.self)
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix(name + " ") }),
              let value = Double(line.split(separator: " ")[1]) else { throw XCTSkip("no \(name) in /metrics") }
        return value
    }

    func testConcurrentRequestsEachGetTheirOwnAnswer() throws {
        // Free-slot lists read every time (SLOT_CACHE=false): each request's read goes pipelined.
        let server = try ClinicProcess(seedDemo: true, environment: ["SLOT_CACHE": "false"])
        defer { server.stop() }
        let list = try server.graphql("{ doctors(first: 50) { nodes { id } } }")
        guard case .array(let nodes)? = list.json["data"]?["doctors"]?["nodes"], nodes.count >= 2 else {
            return XCTFail("doctors: \(list.json.serializedString)")
        }
        let ids = nodes.compactMap { node -> String? in if case .string(let id)? = node["id"] { return id }; return nil }
        // Documents whose answers differ by their arguments: page sizes, and each doctor's slots on two dates.
        var documents: [String] = (1...ids.count).map { "{ doctors(first: \($0)) { nodes { id specialization user { fullName } } } }" }
        for id in ids {
            for date in ["2031-03-04", "2031-03-05"] {
                documents.append(#"{ availableSlots(doctorId: "\#(id)", date: "\#(date)") { time } doctor(id: "\#(id)") { id } }"#)
            }
        }
        // Data and errors (the statement count may differ: the settings cache expires for whoever comes first).
        @Sendable func answer(_ json: JSON) -> String { JSON.object([("data", json["data"] ?? .null), ("errors", json["errors"] ?? .null)]).serializedString }
        let alone = try documents.map { answer(try server.graphql($0).json) }
        let count = documents.count
        let sentBefore = try metric(server, "clinic_db_pipelined_statements_total")
        let answers = Mutex<[Int: String]>([:])
        let group = DispatchGroup()
        for round in 0..<4 {
            for (i, document) in documents.enumerated() {
                group.enter()
                Thread.detachNewThread {
                    let json = (try? server.graphql(document).json).map(answer) ?? "no answer"
                    answers.withLock { $0[round * count + i] = json }
                    group.leave()
                }
            }
        }
        XCTAssertEqual(group.wait(timeout: .now() + 60), .success)
        let got = answers.withLock { $0 }
        for round in 0..<4 {
            for (i, expected) in alone.enumerated() {
                XCTAssertEqual(got[round * documents.count + i], expected, "document \(i): \(documents[i])")
            }
        }
        XCTAssertFalse(alone.contains { !$0.hasSuffix(#""errors":null}"#) }, alone.joined(separator: "\n"))
        let sent = try metric(server, "clinic_db_pipelined_statements_total") - sentBefore
        let syncs = try metric(server, "clinic_db_pipeline_syncs_total")
        XCTAssertGreaterThanOrEqual(sent, Double(4 * documents.count), "every request's read went pipelined")
        XCTAssertGreaterThan(syncs, 0)
        XCTAssertLessThanOrEqual(syncs, try metric(server, "clinic_db_pipelined_statements_total"))
    }

    /// The loops' connections killed under load, again and again: every request still answers in
    /// full (reads in flight run again on a new connection), and the loops keep serving the HTTP
    /// connections opened meanwhile (a closed database socket's number may now be one of theirs).
    func testLoopsConnectionsKilledUnderLoadLoseNoRequest() throws {
        let server = try ClinicProcess(seedDemo: true)
        defer { server.stop() }
        let killer = try Connection(server.databaseURL)
        defer { killer.close() }
        let answers = Mutex<[String]>([])
        for _ in 0..<3 {
            let group = DispatchGroup()
            for i in 0..<24 {
                group.enter()
                Thread.detachNewThread {
                    let r = try? server.graphql("{ doctors(first: \(1 + i % 3)) { nodes { id } } }")
                    var text = "no answer"
                    if let r, case .array(let nodes)? = r.json["data"]?["doctors"]?["nodes"], nodes.count == 1 + i % 3 { text = "ok" }
                    else if let r { text = r.json.serializedString }
                    answers.withLock { $0.append(text) }
                    group.leave()
                }
            }
            Thread.sleep(forTimeInterval: 0.01)
            _ = try killer.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")
            XCTAssertEqual(group.wait(timeout: .now() + 30), .success, "every request answered")
        }
        let got = answers.withLock { $0 }
        XCTAssertEqual(got.count, 72)
        XCTAssertEqual(got.filter { $0 != "ok" }, [], "each got its own page in full; the server said:\n"
                       + server.serverLog.split(separator: "\n").filter { $0.contains(" ERROR ") }.joined(separator: "\n"))
    }

    func testTurnedOffTheLoopsWaitForEachRead() throws {
        let server = try ClinicProcess(seedDemo: true, environment: ["DB_LOOP_PIPELINE": "false"])
        defer { server.stop() }
        let list = try server.graphql("{ doctors(first: 2) { nodes { id } } }")
        guard case .array(let nodes)? = list.json["data"]?["doctors"]?["nodes"] else { return XCTFail(list.json.serializedString) }
        XCTAssertEqual(nodes.count, 2)
        XCTAssertEqual(try metric(server, "clinic_db_pipelined_statements_total"), 0)
        XCTAssertThrowsError(try ClinicProcess(seedDemo: false, environment: ["DB_LOOP_PIPELINE": "sometimes"]))
    }
}
