// `report(from, to)`: every figure cross-checked against independent SQL for
// the same range; role rules; range validation; bounded statements.
import ClinicDomain
import ClinicStore
import Foundation
import JSON
import Postgres
@testable import Resolvers
import Schema
import XCTest

final class AdminReportTests: XCTestCase {
    struct Fixture: Sendable {
        let api: AdminAPI
        let superadmin: HarnessUser
        let admin: HarnessUser
        let client: HarnessUser
        let doctors: [HarnessUser]
        let from: LocalDate
        let to: LocalDate
    }

    static let fixture = Once<Fixture>()

    static func makeFixture() async throws -> Fixture {
        let h = try await ClinicTestHarness.fresh(prefix: "admin_report")
        let api = try AdminAPI(h)
        let data = AdminData(h: h)
        let superadmin = try await h.createUser(role: .SUPERADMIN)
        let admin = try await h.createUser(role: .ADMIN)
        let client = try await h.createUser(role: .CLIENT, patient: true)
        let d1 = try await data.doctor(lastName: "García", specialization: "Cardiology", fee: "45.50")
        let d2 = try await data.doctor(lastName: "López", specialization: "Cardiology", fee: "80.25")
        let d3 = try await data.doctor(lastName: "Núñez", specialization: "Dermatology", fee: "33.33")
        _ = try await data.doctor(lastName: "Idle", specialization: "Pediatrics", fee: "10.00")
        try await data.hours(d1, start: "09:00", end: "12:00")
        try await data.hours(d1, weekdays: 1...1, start: "15:00", end: "17:00", slot: 20)
        try await data.hours(d2, weekdays: 2...6, start: "08:00", end: "10:00", slot: 15)
        try await data.hours(d3, start: "10:00", end: "13:00", slot: 60)
        var patients: [HarnessUser] = []
        for i in 0..<9 { patients.append(try await h.createUser(role: .CLIENT, firstName: "P\(i)", patient: true)) }
        let today = try await data.today()
        let from = today.adding(days: -20), to = today.adding(days: 20)
        // Time off: a whole day of d1 and an hour of d3 inside the range, and one outside it.
        let j = (-9 ... -3).first { (1...5).contains(today.adding(days: $0).isoWeekday) }!
        try await data.timeOff(d1, from: "\(today.adding(days: j).iso) 00:00", to: "\(today.adding(days: j + 1).iso) 00:00")
        // d3 works Monday to Friday: a Monday-to-Thursday date keeps it and the next day working days.
        let k = (5...12).first { (1...4).contains(today.adding(days: $0).isoWeekday) }!
        try await data.timeOff(d3, from: "\(today.adding(days: k).iso) 10:30", to: "\(today.adding(days: k).iso) 11:30")
        // Overlapping periods: a slot they both cover is not offered, and is subtracted once.
        try await data.timeOff(d3, from: "\(today.adding(days: k).iso) 11:00", to: "\(today.adding(days: k + 1).iso) 10:30")
        try await data.timeOff(d2, from: "\(today.adding(days: 40).iso) 00:00", to: "\(today.adding(days: 45).iso) 00:00")
        let statuses = ["COMPLETED", "NO_SHOW", "CANCELLED", "SCHEDULED", "CONFIRMED", "COMPLETED", "COMPLETED"]
        let docs = [d1, d2, d3]
        // Appointments from 25 days before to 25 days after today: some outside the range.
        for day in -25...25 {
            for (di, d) in docs.enumerated() {
                for k in 0..<3 where (day * 7 + di * 3 + k) % 4 != 0 {
                    let status = statuses[abs(day * 5 + di + k * 2) % statuses.count]
                    let minutes = 9 * 60 + k * 30 + di * 3
                    try await data.appointment(doctor: d, patient: patients[di * 3 + k], date: today.adding(days: day),
                                               time: String(format: "%02d:%02d", minutes / 60, minutes % 60), status: status)
                }
            }
        }
        // Patient accounts created at various instants, some in the range.
        for (i, p) in patients.enumerated() {
            try await h.sql("UPDATE users SET created_at = now() - make_interval(days => $1::int) WHERE id = $2",
                            [.int(i * 6), .int(Int(p.id))])
        }
        return Fixture(api: api, superadmin: superadmin, admin: admin, client: client, doctors: docs, from: from, to: to)
    }

    func sqlInt(_ f: Fixture, _ q: String) async throws -> Int {
        try await f.api.h.sql(q, [.text(f.from.iso), .text(f.to.iso)]).first!.int("n")
    }

    /// The counters of migration 0010 that reports read, and the treating pairs of 0012, equal
    /// a recount of appointments after every kind of change: inserts, status changes, moves to
    /// another day and doctor, a change that touches no counted column, deletes, a bulk update.
    func testCountersEqualARecountAfterEveryKindOfChange() async throws {
        let h = try await ClinicTestHarness.fresh(prefix: "report_counters")
        let data = AdminData(h: h)
        let d1 = try await data.doctor(lastName: "Uno", specialization: "A", fee: "1.00")
        let d2 = try await data.doctor(lastName: "Dos", specialization: "B", fee: "2.00")
        let p = try await h.createUser(role: .CLIENT, patient: true)
        let today = try await data.today()
        for day in [-40, -1, 0, 1, 35] {
            try await data.appointment(doctor: d1, patient: p, date: today.adding(days: day), time: "09:00", status: "SCHEDULED")
            try await data.appointment(doctor: d2, patient: p, date: today.adding(days: day), time: "10:00", status: "CONFIRMED")
        }
        func mismatches() async throws -> Int {
            try await h.sql("""
                WITH r AS (SELECT local_date, doctor_id, status, count(*)::int AS n FROM appointments GROUP BY 1, 2, 3),
                     c AS (SELECT local_date, doctor_id, status, n FROM appointment_daily_counts WHERE n > 0),
                     rm AS (SELECT date_trunc('month', local_date)::date AS month, doctor_id, status, sum(n)::int AS n FROM r GROUP BY 1, 2, 3),
                     cm AS (SELECT month, doctor_id, status, n FROM appointment_month_counts WHERE n > 0),
                     rd AS (SELECT local_date, status, sum(n)::int AS n FROM r GROUP BY 1, 2),
                     cd AS (SELECT local_date, status, n FROM appointment_date_counts WHERE n > 0)
                SELECT (SELECT count(*) FROM ((TABLE r EXCEPT TABLE c) UNION ALL (TABLE c EXCEPT TABLE r)) x)
                     + (SELECT count(*) FROM ((TABLE rm EXCEPT TABLE cm) UNION ALL (TABLE cm EXCEPT TABLE rm)) x)
                     + (SELECT count(*) FROM ((TABLE rd EXCEPT TABLE cd) UNION ALL (TABLE cd EXCEPT TABLE rd)) x)
                     + (SELECT count(*) FROM ((SELECT DISTINCT patient_id, doctor_id FROM appointments EXCEPT TABLE patient_doctors)
                                   UNION ALL (TABLE patient_doctors EXCEPT SELECT DISTINCT patient_id, doctor_id FROM appointments)) x) AS n
                """).first!.int("n")
        }
        let counted = try await h.sql("SELECT coalesce(sum(n), 0)::int AS n FROM appointment_daily_counts").first!.int("n")
        XCTAssertEqual(counted, 10)
        var mismatch = try await mismatches()
        XCTAssertEqual(mismatch, 0, "after the inserts")
        let changes = [
            "UPDATE appointments SET status = 'CANCELLED' WHERE local_date = $1::date - 1",
            "UPDATE appointments SET local_date = local_date + 2, starts_at = starts_at + interval '2 days', ends_at = ends_at + interval '2 days' WHERE local_date = $1::date + 1",
            "UPDATE appointments SET doctor_id = \(d2.doctorID!) WHERE doctor_id = \(d1.doctorID!) AND local_date = $1::date - 40",
            "UPDATE appointments SET reason = 'nothing counted changes' WHERE $1::date IS NOT NULL",
            "DELETE FROM appointments WHERE local_date = $1::date + 35 AND status = 'SCHEDULED'",
            "UPDATE appointments SET status = 'COMPLETED' WHERE local_date < $1::date AND status <> 'CANCELLED'",
        ]
        for change in changes {
            try await h.sql(change, [.text(today.iso)])
            mismatch = try await mismatches()
            XCTAssertEqual(mismatch, 0, "after: \(change)")
        }
    }

    /// Changing the clinic's time zone keeps every appointment's instant and moves its local
    /// date and time with it (migration 0011), so date windows bounded by instants stay exact.
    func testLocalDateAndTimeFollowTheTimeZone() async throws {
        let h = try await ClinicTestHarness.fresh(prefix: "report_time_zone")
        let data = AdminData(h: h)
        let d = try await data.doctor(lastName: "Zona", specialization: "A", fee: "1.00")
        let p = try await h.createUser(role: .CLIENT, patient: true)
        let day = try await data.today().adding(days: 10)
        try await h.sql("UPDATE system_settings SET time_zone = 'UTC'")
        try await data.appointment(doctor: d, patient: p, date: day, time: "23:30", status: "SCHEDULED")
        let before = try await h.sql("SELECT starts_at::text AS s FROM appointments").first!.string("s")
        try await h.sql("UPDATE system_settings SET time_zone = 'Europe/Madrid'")
        let after = try await h.sql("SELECT starts_at::text AS s, local_date::text AS d, local_time::text AS t FROM appointments").first!
        XCTAssertEqual(try after.string("s"), before, "the instant is kept")
        XCTAssertEqual(try after.string("d"), day.adding(days: 1).iso, "23:30 UTC is past midnight in Madrid")
        XCTAssertEqual(try after.string("t"), "00:30:00")
        let counted = try await h.sql("SELECT local_date::text AS d FROM appointment_daily_counts WHERE n > 0").first!
        XCTAssertEqual(try counted.string("d"), day.adding(days: 1).iso, "the counters follow")
    }

    func testBasicFiguresMatchIndependentSQL() async throws {
        let f = try await Self.fixture.get { try await Self.makeFixture() }
        let r = await f.api.request("""
            query($from: Date!, $to: Date!) { report(from: $from, to: $to) {
              from to totalAppointments byStatus { status count } newPatients noShowRate cancellationRate
              bySpecialization { specialization appointments completed }
              byDoctor { doctor { id } appointments completed noShows } } }
            """, variables: ["from": .string(f.from.iso), "to": .string(f.to.iso)], as: f.admin.viewer)
        XCTAssertEqual(r.codes, [], "\(r.json)")
        let rep = try XCTUnwrap(r.json.at("data.report"))
        XCTAssertEqual(rep["from"]?.stringValue, f.from.iso)
        let where_ = "a.local_date BETWEEN $1::date AND $2::date"
        let total = try await sqlInt(f, "SELECT count(*) AS n FROM appointments a WHERE \(where_)")
        XCTAssertGreaterThan(total, 50)
        XCTAssertEqual(rep["totalAppointments"]?.intValue, total)
        let all = try await sqlInt(f, "SELECT count(*) AS n FROM appointments a WHERE $1::text IS NOT NULL AND $2::text IS NOT NULL")
        XCTAssertGreaterThan(all, total, "the fixture has appointments outside the range")
        var sum = 0
        for s in rep["byStatus"]?.arrayValue ?? [] {
            let status = s["status"]!.stringValue!
            let n = try await f.api.h.sql("SELECT count(*) AS n FROM appointments a WHERE \(where_) AND a.status = $3",
                                          [.text(f.from.iso), .text(f.to.iso), .text(status)]).first!.int("n")
            XCTAssertEqual(s["count"]?.intValue, n, status)
            sum += n
        }
        XCTAssertEqual(rep["byStatus"]?.arrayValue?.count, 5)
        XCTAssertEqual(sum, total)
        let cancelled = try await sqlInt(f, "SELECT count(*) AS n FROM appointments a WHERE \(where_) AND status = 'CANCELLED'")
        XCTAssertEqual(rep["cancellationRate"]?.doubleLike ?? -1, Double(cancelled) / Double(total), accuracy: 1e-9)
        let past = try await sqlInt(f, "SELECT count(*) AS n FROM appointments a WHERE \(where_) AND starts_at < now() AND status <> 'CANCELLED'")
        let noShows = try await sqlInt(f, "SELECT count(*) AS n FROM appointments a WHERE \(where_) AND starts_at < now() AND status = 'NO_SHOW'")
        XCTAssertGreaterThan(noShows, 0)
        XCTAssertEqual(rep["noShowRate"]?.doubleLike ?? -1, Double(noShows) / Double(past), accuracy: 1e-9)
        let newPatients = try await f.api.h.sql("""
            SELECT count(*) AS n FROM patients p JOIN users u ON u.id = p.user_id, system_settings s
             WHERE (u.created_at AT TIME ZONE s.time_zone)::date BETWEEN $1::date AND $2::date
            """, [.text(f.from.iso), .text(f.to.iso)]).first!.int("n")
        XCTAssertEqual(rep["newPatients"]?.intValue, newPatients)
        XCTAssertGreaterThan(newPatients, 0)
        XCTAssertLessThan(newPatients, 10, "accounts created before the range are not new")
        // By specialization.
        let specs = try await f.api.h.sql("""
            SELECT d.specialization, count(*) AS n, sum(CASE WHEN a.status = 'COMPLETED' THEN 1 ELSE 0 END) AS c
              FROM appointments a, doctors d WHERE d.id = a.doctor_id AND \(where_) GROUP BY 1
            """, [.text(f.from.iso), .text(f.to.iso)])
        var expectedSpecs: [String: [Int]] = [:]
        for row in specs { expectedSpecs[try row.string("specialization")] = [try row.int("n"), try row.int("c")] }
        var gotSpecs: [String: [Int]] = [:]
        for s in rep["bySpecialization"]?.arrayValue ?? [] {
            gotSpecs[s["specialization"]!.stringValue!] = [s["appointments"]!.intValue!, s["completed"]!.intValue!]
        }
        XCTAssertEqual(gotSpecs, expectedSpecs)
        // By doctor: every doctor, zero rows included.
        let byDoctor = rep["byDoctor"]?.arrayValue ?? []
        XCTAssertEqual(byDoctor.count, 4)
        for s in byDoctor {
            let id = adminRawID(s.at("doctor.id")?.stringValue)
            let row = try await f.api.h.sql("""
                SELECT count(*) AS n, count(*) FILTER (WHERE status = 'COMPLETED') AS c, count(*) FILTER (WHERE status = 'NO_SHOW') AS x
                  FROM appointments a WHERE \(where_) AND a.doctor_id = $3
                """, [.text(f.from.iso), .text(f.to.iso), .int(Int(id))]).first!
            XCTAssertEqual([s["appointments"]?.intValue, s["completed"]?.intValue, s["noShows"]?.intValue],
                           [try row.int("n"), try row.int("c"), try row.int("x")])
        }
    }

    func testDailySeriesHasEveryDateWithZeros() async throws {
        let f = try await Self.fixture.get { try await Self.makeFixture() }
        let from = f.from.adding(days: -30)  // 30 days before any appointment: zeros
        let r = await f.api.request("""
            query($from: Date!, $to: Date!) { report(from: $from, to: $to) { daily { date booked completed cancelled noShow } } }
            """, variables: ["from": .string(from.iso), "to": .string(f.to.iso)], as: f.admin.viewer)
        XCTAssertEqual(r.codes, [])
        let daily = r.json.at("data.report.daily")?.arrayValue ?? []
        XCTAssertEqual(daily.count, from.days(to: f.to) + 1)
        var expected: [String: [Int]] = [:]
        for row in try await f.api.h.sql("""
            SELECT local_date::text AS d, count(*) AS b, sum((status = 'COMPLETED')::int) AS c, sum((status = 'CANCELLED')::int) AS x,
                   sum((status = 'NO_SHOW')::int) AS ns
              FROM appointments GROUP BY local_date
            """) { expected[try row.string("d")] = [try row.int("b"), try row.int("c"), try row.int("x"), try row.int("ns")] }
        var zeros = 0
        for (i, day) in daily.enumerated() {
            let date = from.adding(days: i).iso
            XCTAssertEqual(day["date"]?.stringValue, date)
            let got = [day["booked"]!.intValue!, day["completed"]!.intValue!, day["cancelled"]!.intValue!, day["noShow"]!.intValue!]
            XCTAssertEqual(got, expected[date] ?? [0, 0, 0, 0], date)
            if got == [0, 0, 0, 0] { zeros += 1 }
        }
        XCTAssertGreaterThanOrEqual(zeros, 25)
    }

    func testRevenueAndUtilizationForSuperadmin() async throws {
        let f = try await Self.fixture.get { try await Self.makeFixture() }
        let r = await f.api.request("""
            query($from: Date!, $to: Date!) { report(from: $from, to: $to) { revenue utilization
              byDoctor { doctor { id } revenue utilization } } }
            """, variables: ["from": .string(f.from.iso), "to": .string(f.to.iso)], as: f.superadmin.viewer)
        XCTAssertEqual(r.codes, [], "\(r.json)")
        let args: [PostgresValue?] = [.text(f.from.iso), .text(f.to.iso)]
        let revenue = try await f.api.h.sql("""
            SELECT to_char(coalesce(sum(d.consultation_fee), 0), 'FM999999990.00') AS r FROM appointments a JOIN doctors d ON d.id = a.doctor_id
             WHERE a.local_date BETWEEN $1::date AND $2::date AND a.status = 'COMPLETED'
            """, args).first!.string("r")
        XCTAssertEqual(r.json.at("data.report.revenue")?.stringValue, revenue)
        XCTAssertTrue(revenue.contains(".") && revenue != "0.00", revenue)
        // Offered slots: every slot of every working-hours range on every date, expanded one by one, minus those overlapping time off.
        let offered = try await f.api.h.sql("""
            SELECT w.doctor_id, count(*) AS n
              FROM (SELECT g::date AS day FROM generate_series($1::date, $2::date, interval '1 day') AS g) AS g
              JOIN working_hours w ON w.weekday = extract(isodow FROM g.day)
              CROSS JOIN LATERAL generate_series(g.day + w.start_time, g.day + w.end_time - make_interval(mins => w.slot_minutes),
                                                 make_interval(mins => w.slot_minutes)) AS s(local_start)
              CROSS JOIN system_settings st
             WHERE NOT EXISTS (SELECT 1 FROM time_off t WHERE t.doctor_id = w.doctor_id
                     AND t.during && tstzrange(s.local_start AT TIME ZONE st.time_zone,
                                               (s.local_start + make_interval(mins => w.slot_minutes)) AT TIME ZONE st.time_zone))
             GROUP BY w.doctor_id
            """, args)
        var offeredBy: [Int64: Int] = [:]
        for row in offered { offeredBy[Int64(try row.int("doctor_id"))] = try row.int("n") }
        var bookedBy: [Int64: Int] = [:]
        for row in try await f.api.h.sql("""
            SELECT doctor_id, count(*) AS n FROM appointments WHERE local_date BETWEEN $1::date AND $2::date AND status <> 'CANCELLED' GROUP BY 1
            """, args) { bookedBy[Int64(try row.int("doctor_id"))] = try row.int("n") }
        let totalOffered = offeredBy.values.reduce(0, +), totalBooked = bookedBy.values.reduce(0, +)
        XCTAssertEqual(r.json.at("data.report.utilization")?.doubleLike ?? -1, min(1, Double(totalBooked) / Double(totalOffered)), accuracy: 1e-9)
        for s in r.json.at("data.report.byDoctor")?.arrayValue ?? [] {
            let id = adminRawID(s.at("doctor.id")?.stringValue)
            let o = offeredBy[id] ?? 0, b = bookedBy[id] ?? 0
            XCTAssertEqual(s["utilization"]?.doubleLike ?? -1, o == 0 ? 0 : min(1, Double(b) / Double(o)), accuracy: 1e-9, "doctor \(id)")
            let fee = try await f.api.h.sql("""
                SELECT to_char(count(*) FILTER (WHERE a.status = 'COMPLETED') * d.consultation_fee, 'FM999999990.00') AS r
                  FROM doctors d LEFT JOIN appointments a ON a.doctor_id = d.id AND a.local_date BETWEEN $1::date AND $2::date
                 WHERE d.id = $3 GROUP BY d.consultation_fee
                """, args + [.int(Int(id))]).first!.string("r")
            XCTAssertEqual(s["revenue"]?.stringValue, fee)
        }
        XCTAssertEqual(Set(offeredBy.keys), Set(f.doctors.map { $0.doctorID! }))
        // The time off removed slots: d1 loses a whole day (6 + maybe 6 Monday slots), d3 four one-hour slots.
        let withoutTimeOff = try await f.api.h.sql("""
            SELECT w.doctor_id, sum((extract(epoch FROM w.end_time - w.start_time) / 60 / w.slot_minutes)::int) AS n
              FROM generate_series($1::date, $2::date, interval '1 day') AS g(day)
              JOIN working_hours w ON w.weekday = extract(isodow FROM g.day) GROUP BY w.doctor_id
            """, args)
        var fullBy: [Int64: Int] = [:]
        for row in withoutTimeOff { fullBy[Int64(try row.int("doctor_id"))] = try row.int("n") }
        XCTAssertEqual(fullBy[f.doctors[2].doctorID!].map { $0 - 4 }, offeredBy[f.doctors[2].doctorID!])
        XCTAssertEqual(fullBy[f.doctors[1].doctorID!], offeredBy[f.doctors[1].doctorID!], "time off outside the range changes nothing")
        XCTAssertLessThan(offeredBy[f.doctors[0].doctorID!] ?? 0, fullBy[f.doctors[0].doctorID!] ?? 0)
    }

    func testAdminGetsBasicFiguresButNotRevenueOrUtilization() async throws {
        let f = try await Self.fixture.get { try await Self.makeFixture() }
        let vars: [String: JSON] = ["from": .string(f.from.iso), "to": .string(f.to.iso)]
        let basic = await f.api.request("query($from: Date!, $to: Date!) { report(from: $from, to: $to) { totalAppointments noShowRate } }",
                                        variables: vars, as: f.admin.viewer)
        XCTAssertEqual(basic.codes, [])
        XCTAssertNotNil(basic.json.at("data.report.totalAppointments")?.intValue)
        for field in ["revenue", "utilization", "byDoctor { revenue }", "byDoctor { utilization }"] {
            let r = await f.api.request("query($from: Date!, $to: Date!) { report(from: $from, to: $to) { totalAppointments \(field) } }",
                                        variables: vars, as: f.admin.viewer)
            XCTAssertTrue(r.codes.contains("FORBIDDEN"), "\(field): \(r.json)")
            let s = await f.api.request("query($from: Date!, $to: Date!) { report(from: $from, to: $to) { totalAppointments \(field) } }",
                                        variables: vars, as: f.superadmin.viewer)
            XCTAssertEqual(s.codes, [], "\(field): \(s.json)")
        }
        let client = await f.api.request("query($from: Date!, $to: Date!) { report(from: $from, to: $to) { totalAppointments } }",
                                         variables: vars, as: f.client.viewer)
        XCTAssertEqual(client.codes, ["FORBIDDEN"])
        let anonymous = await f.api.request("query($from: Date!, $to: Date!) { report(from: $from, to: $to) { totalAppointments } }",
                                            variables: vars, as: nil)
        XCTAssertEqual(anonymous.codes, ["UNAUTHENTICATED"])
    }

    func testRejectsReversedAndOverlongRanges() async throws {
        let f = try await Self.fixture.get { try await Self.makeFixture() }
        let q = "query($from: Date!, $to: Date!) { report(from: $from, to: $to) { totalAppointments } }"
        let reversed = await f.api.request(q, variables: ["from": .string("2026-03-10"), "to": .string("2026-03-09")], as: f.admin.viewer)
        XCTAssertEqual(reversed.codes, ["BAD_USER_INPUT"])
        XCTAssertEqual(reversed.errors.first?["extensions"]?["field"]?.stringValue, "to")
        let long = await f.api.request(q, variables: ["from": .string("2025-01-01"), "to": .string("2026-01-02")], as: f.admin.viewer)
        XCTAssertEqual(long.codes, ["BAD_USER_INPUT"])
        let leapYear = await f.api.request(q, variables: ["from": .string("2024-01-01"), "to": .string("2024-12-31")], as: f.admin.viewer)
        XCTAssertEqual(leapYear.codes, [], "366 days are allowed")
        let single = await f.api.request(q, variables: ["from": .string(f.from.iso), "to": .string(f.from.iso)], as: f.admin.viewer)
        XCTAssertEqual(single.codes, [])
    }

    func testFullReportUsesAHandfulOfStatements() async throws {
        let f = try await Self.fixture.get { try await Self.makeFixture() }
        let r = await f.api.request("""
            query($from: Date!, $to: Date!) { report(from: $from, to: $to) { totalAppointments byStatus { count } daily { booked }
              bySpecialization { appointments } byDoctor { doctor { id specialization } appointments revenue utilization }
              newPatients noShowRate cancellationRate revenue utilization } }
            """, variables: ["from": .string(f.from.iso), "to": .string(f.to.iso)], as: f.superadmin.viewer)
        XCTAssertEqual(r.codes, [])
        // counts, daily, specializations, doctors, new patients, report utilization, doctor utilization (+ settings).
        XCTAssertLessThanOrEqual(r.statements, 8)
        let small = await f.api.request("query($from: Date!, $to: Date!) { report(from: $from, to: $to) { totalAppointments } }",
                                        variables: ["from": .string(f.from.iso), "to": .string(f.to.iso)], as: f.superadmin.viewer)
        XCTAssertLessThanOrEqual(small.statements, 2, "only the selected parts are computed")
    }
}

extension AdminReportTests {
    /// Each figure selected alone (one part of the facts statement) equals the same figure of the
    /// full report, and the store computes only the parts asked for.
    func testEachPartAloneEqualsTheFullReport() async throws {
        let f = try await Self.fixture.get { try await Self.makeFixture() }
        let vars: [String: JSON] = ["from": .string(f.from.iso), "to": .string(f.to.iso)]
        let selections = ["totalAppointments", "byStatus { status count }", "cancellationRate", "noShowRate",
                          "daily { date booked completed cancelled noShow }", "bySpecialization { specialization appointments completed }",
                          "byDoctor { doctor { id } appointments completed noShows revenue utilization }", "revenue", "utilization"]
        let full = await f.api.request("query($from: Date!, $to: Date!) { report(from: $from, to: $to) { \(selections.joined(separator: " ")) } }",
                                       variables: vars, as: f.superadmin.viewer)
        XCTAssertEqual(full.codes, [], "\(full.json)")
        let whole = try XCTUnwrap(full.json.at("data.report"))
        for selection in selections {
            let r = await f.api.request("query($from: Date!, $to: Date!) { report(from: $from, to: $to) { \(selection) } }",
                                        variables: vars, as: f.superadmin.viewer)
            XCTAssertEqual(r.codes, [], selection)
            let key = String(selection.prefix { $0 != " " })
            XCTAssertEqual(r.json.at("data.report.\(key)"), whole[key], selection)
            XCTAssertNotNil(whole[key], selection)
        }
        // byStatus alone: one statement for the figures (plus at most the settings read).
        let byStatus = await f.api.request("query($from: Date!, $to: Date!) { report(from: $from, to: $to) { byStatus { status count } } }",
                                           variables: vars, as: f.admin.viewer)
        XCTAssertLessThanOrEqual(byStatus.statements, 2)
        let range = ReportRange(from: f.from, to: f.to, timeZone: "UTC")
        let now = Instant(secondsSinceEpoch: Int64(Date().timeIntervalSince1970))
        let (statusOnly, dailyOnly, none) = try await f.api.h.services.pool.withConnection { pg in
            let conn = ClinicStore.Connection(pg)
            return (try ReportStore.facts(conn, range, now: now, parts: .status), try ReportStore.facts(conn, range, now: now, parts: .daily),
                    try ReportStore.facts(conn, range, now: now, parts: []))
        }
        XCTAssertFalse(statusOnly.statusCounts.isEmpty)
        XCTAssertTrue(statusOnly.daily.isEmpty && statusOnly.perDoctor.isEmpty && statusOnly.bySpecialization.isEmpty)
        XCTAssertNil(statusOnly.revenue)
        XCTAssertEqual(dailyOnly.daily.count, f.from.days(to: f.to) + 1)
        XCTAssertTrue(dailyOnly.statusCounts.isEmpty && dailyOnly.perDoctor.isEmpty)
        XCTAssertTrue(none.statusCounts.isEmpty && none.daily.isEmpty && none.perDoctor.isEmpty)
    }
}

extension JSON {
    /// Float fields come out as doubles, or ints when whole.
    var doubleLike: Double? {
        switch self {
        case .double(let d): return d
        case .int(let i): return Double(i)
        default: return nil
        }
    }
}
