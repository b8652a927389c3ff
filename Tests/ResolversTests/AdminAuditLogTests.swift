// `auditLog`: filters, keyset pages (newest first), totalCount only when
// selected, actors batched in one statement per level; SUPERADMIN only.
import ClinicDomain
import ClinicStore
import Foundation
import Postgres
@testable import Resolvers
import Schema
import XCTest

final class AdminAuditLogTests: XCTestCase {
    func makeLog() async throws -> (AdminAPI, HarnessUser, HarnessUser, HarnessUser) {
        let h = try await ClinicTestHarness.fresh(prefix: "admin_audit")
        let api = try AdminAPI(h)
        let superadmin = try await h.createUser(role: .SUPERADMIN)
        let admin = try await h.createUser(role: .ADMIN)
        let other = try await h.createUser(role: .CLIENT)
        // 25 entries; several share one instant so the id breaks the tie.
        try await h.services.pool.transaction { pg in
            let conn = ClinicStore.Connection(pg)
            for i in 0..<25 {
                let actor: Int64? = i % 5 == 4 ? nil : (i % 2 == 0 ? admin.id : other.id)
                try AuditLog.record(conn, actor: actor, action: i % 3 == 0 ? "appointment.book" : "user.update", target: "T\(i)",
                                 details: .object([("n", .int(i))]), ip: "10.0.0.\(i)")
            }
            _ = try pg.query("UPDATE audit_log SET at = timestamptz '2026-01-01 00:00Z' + make_interval(mins => (id % 7)::int)")
        }
        return (api, superadmin, admin, other)
    }

    func walk(_ api: AdminAPI, as viewer: Viewer, args: String, first: Int) async throws -> ([String], [String?], Int) {
        var ids: [String] = [], actors: [String?] = [], after: String?
        var pages = 0
        repeat {
            let a = after.map { ", after: \"\($0)\"" } ?? ""
            let r = await api.request("""
                { auditLog(\(args)first: \(first)\(a)) { edges { cursor node { id action actor { email } } } pageInfo { hasNextPage endCursor } } }
                """, as: viewer)
            XCTAssertEqual(r.codes, [], "\(r.json)")
            XCTAssertLessThanOrEqual(r.statements, 2, "page + actors, whatever the page size")
            for e in r.json.at("data.auditLog.edges")?.arrayValue ?? [] {
                ids.append(e.at("node.id")?.stringValue ?? "")
                actors.append(e.at("node.actor.email")?.stringValue)
            }
            after = r.json.at("data.auditLog.pageInfo.hasNextPage")?.boolValue == true ? r.json.at("data.auditLog.pageInfo.endCursor")?.stringValue : nil
            pages += 1
        } while after != nil && pages < 50
        return (ids, actors, pages)
    }

    func testPagesWalkEveryEntryNewestFirst() async throws {
        let (api, superadmin, _, _) = try await makeLog()
        let expected = try await api.h.sql("""
            SELECT l.id, u.email FROM audit_log l LEFT JOIN users u ON u.id = l.actor_id ORDER BY l.at DESC, l.id DESC
            """)
        let (ids, actors, pages) = try await walk(api, as: superadmin.viewer, args: "", first: 4)
        XCTAssertEqual(ids, try expected.rows.map { GlobalID.encode(type: "AuditEntry", id: Int64(try $0.int("id"))) })
        XCTAssertEqual(actors, try expected.rows.map { try $0.optionalString("email") })
        XCTAssertEqual(pages, 7)
    }

    func testFiltersByActionAndActor() async throws {
        let (api, superadmin, admin, _) = try await makeLog()
        let byAction = try await walk(api, as: superadmin.viewer, args: "action: \"appointment.book\", ", first: 3).0
        let expectedAction = try await api.h.sql("SELECT id FROM audit_log WHERE action = 'appointment.book' ORDER BY at DESC, id DESC")
        XCTAssertEqual(byAction, try expectedAction.rows.map { GlobalID.encode(type: "AuditEntry", id: Int64(try $0.int("id"))) })
        XCTAssertEqual(byAction.count, 9)
        let (byActor, actors, _) = try await walk(api, as: superadmin.viewer, args: "actorId: \"\(admin.globalID)\", ", first: 5)
        let expectedActor = try await api.h.sql("SELECT id FROM audit_log WHERE actor_id = $1 ORDER BY at DESC, id DESC", [.int(Int(admin.id))])
        XCTAssertEqual(byActor, try expectedActor.rows.map { GlobalID.encode(type: "AuditEntry", id: Int64(try $0.int("id"))) })
        XCTAssertEqual(Set(actors), [admin.email])
        let both = await api.request("""
            { auditLog(action: "user.update", actorId: "\(admin.globalID)") { totalCount nodes { action targetId details ip at } } }
            """, as: superadmin.viewer)
        let n = try await api.h.sql("SELECT count(*) AS n FROM audit_log WHERE action = 'user.update' AND actor_id = $1",
                                    [.int(Int(admin.id))]).first!.int("n")
        XCTAssertEqual(both.json.at("data.auditLog.totalCount")?.intValue, n)
        XCTAssertEqual(both.json.at("data.auditLog.nodes")?.arrayValue?.count, n)
        XCTAssertEqual(both.statements, 2, "page + count")
        let first = both.json.at("data.auditLog.nodes.0")
        XCTAssertEqual(first?["action"]?.stringValue, "user.update")
        XCTAssertTrue(first?["details"]?.stringValue?.contains("\"n\"") == true)
        XCTAssertTrue(first?["ip"]?.stringValue?.hasPrefix("10.0.0.") == true)
    }

    func testRejectsBadActorIDsAndCursorsAndNonSuperadmins() async throws {
        let (api, superadmin, admin, _) = try await makeLog()
        let bad = await api.request("{ auditLog(actorId: \"garbage\") { totalCount } }", as: superadmin.viewer)
        XCTAssertEqual(bad.codes, ["BAD_USER_INPUT"])
        XCTAssertEqual(bad.errors.first?["extensions"]?["field"]?.stringValue, "actorId")
        let wrongType = await api.request("{ auditLog(actorId: \"\(GlobalID.encode(type: "Doctor", id: 1))\") { totalCount } }", as: superadmin.viewer)
        XCTAssertEqual(wrongType.codes, ["BAD_USER_INPUT"])
        let cursor = await api.request("{ auditLog(after: \"xyz\") { totalCount } }", as: superadmin.viewer)
        XCTAssertEqual(cursor.codes, ["BAD_USER_INPUT"])
        let tooMany = await api.request("{ auditLog(first: 101) { totalCount } }", as: superadmin.viewer)
        XCTAssertEqual(tooMany.codes, ["BAD_USER_INPUT"])
        let forbidden = await api.request("{ auditLog { totalCount } }", as: admin.viewer)
        XCTAssertEqual(forbidden.codes, ["FORBIDDEN"])
    }

    func testAuditEntryNodeLoadsOneEntry() async throws {
        let (api, superadmin, _, _) = try await makeLog()
        let id = Int64(try await api.h.sql("SELECT max(id) AS id FROM audit_log").first!.int("id"))
        let ctx = RequestContext(services: api.h.services, viewer: superadmin.viewer, ip: nil, requestID: "node")
        guard case .object(let row as AuditEntryRow, let type) = try await AdminArea.auditEntryNode(id, ctx: ctx) else {
            return XCTFail("expected an entry")
        }
        XCTAssertEqual(type, "AuditEntry")
        XCTAssertEqual(row.id, id)
        XCTAssertEqual(row.targetID, "T24")
        guard case .null = try await AdminArea.auditEntryNode(id + 1000, ctx: ctx) else { return XCTFail("expected null") }
    }
}
