// Helpers of the clinic tests: doctors with working hours, patients, staff,
// bookings through the API, error codes.
import ClinicDomain
import Foundation
import JSON
import Postgres
import QueryLanguage
@testable import Resolvers
import Schema
import XCTest

struct ClinicFixture {
    let h: ClinicTestHarness
    let admin: HarnessUser
    let superadmin: HarnessUser

    static func make(_ h: ClinicTestHarness) async throws -> ClinicFixture {
        ClinicFixture(h: h, admin: try await h.createUser(role: .ADMIN, firstName: "Ada", lastName: "Admin"),
                      superadmin: try await h.createUser(role: .SUPERADMIN, firstName: "Sue", lastName: "Super"))
    }

    /// A doctor working every day `start`–`end` in `slot`-minute slots.
    func doctor(lastName: String = "García", specialization: String = "Cardiology", start: String = "09:00", end: String = "17:00",
                slot: Int = 30, weekdays: ClosedRange<Int> = 1...7) async throws -> HarnessUser {
        let d = try await h.createUser(firstName: "Doc", lastName: lastName, doctor: true)
        try await h.sql("UPDATE doctors SET specialization = $2 WHERE id = $1", [.int(Int(d.doctorID!)), .text(specialization)])
        for w in weekdays {
            try await h.sql("INSERT INTO working_hours (doctor_id, weekday, start_time, end_time, slot_minutes) VALUES ($1, $2, $3::time, $4::time, $5)",
                            [.int(Int(d.doctorID!)), .int(w), .text(start), .text(end), .int(slot)])
        }
        return d
    }

    func patient(firstName: String = "Pat", lastName: String? = nil) async throws -> HarnessUser {
        try await h.createUser(firstName: firstName, lastName: lastName, patient: true)
    }

    func setZone(_ zone: String) async throws {
        try await h.sql("UPDATE system_settings SET time_zone = $1", [.text(zone)])
        h.services.settingsCache.invalidate()
    }

    func settingsSQL(_ set: String) async throws {
        try await h.sql("UPDATE system_settings SET \(set)")
        h.services.settingsCache.invalidate()
    }

    func zone() async throws -> ClinicTimeZone {
        let name = try await h.sql("SELECT time_zone FROM system_settings").first!.string("time_zone")
        return ClinicTimeZone(identifier: name)!
    }

    /// The clinic-local date `days` from today.
    func date(_ days: Int) async throws -> LocalDate {
        try await zone().localDate(at: h.services.clock.now).adding(days: days)
    }

    /// The first weekday (Monday to Friday) `days` or more from today.
    func weekday(_ days: Int) async throws -> LocalDate {
        var day = try await date(days)
        while day.isoWeekday > 5 { day = day.adding(days: 1) }
        return day
    }

    /// The doctor's free slot times on `day` as an anonymous visitor sees them (a fresh context),
    /// and the statements the list took.
    func freeSlots(_ doctor: HarnessUser, _ day: LocalDate, file: StaticString = #filePath,
                   line: UInt = #line) async throws -> (times: [String], statements: Int) {
        let (json, statements) = try await counted(
            "{ availableSlots(doctorId: \"\(Self.doctorID(doctor))\", date: \"\(day.iso)\") { time } }", as: nil)
        XCTAssertEqual(json.clinicCodes, [], "\(json)", file: file, line: line)
        return (json.at("data.availableSlots")?.arrayValue?.compactMap { $0["time"]?.stringValue } ?? [], statements)
    }

    /// `freeSlots` are `times`, read with `statements` statements when given.
    func expectSlots(_ doctor: HarnessUser, _ day: LocalDate, _ times: [String], statements: Int? = nil,
                     file: StaticString = #filePath, line: UInt = #line) async throws {
        let got = try await freeSlots(doctor, day, file: file, line: line)
        XCTAssertEqual(got.times, times, file: file, line: line)
        if let statements { XCTAssertEqual(got.statements, statements, "statements", file: file, line: line) }
    }

    static func doctorID(_ u: HarnessUser) -> String { GlobalID.encode(type: "Doctor", id: u.doctorID!) }
    static func patientID(_ u: HarnessUser) -> String { GlobalID.encode(type: "Patient", id: u.patientID!) }
    static func appointmentID(_ id: Int64) -> String { GlobalID.encode(type: "Appointment", id: id) }

    /// Books through the API; returns the response.
    func book(as viewer: Viewer?, doctor: HarnessUser, date: LocalDate, time: String, patient: HarnessUser? = nil,
              reason: String = "checkup") async -> JSON {
        let p = patient.map { ", patientId: \"\(Self.patientID($0))\"" } ?? ""
        return await h.graphql("""
            mutation { bookAppointment(input: {doctorId: "\(Self.doctorID(doctor))", date: "\(date.iso)", time: "\(time)", reason: "\(reason)"\(p)}) {
              id date time startsAt endsAt status reason } }
            """, as: viewer)
    }

    /// Runs `mutation { … }` as `viewer`, which must answer without errors.
    @discardableResult
    func mutate(_ mutation: String, as viewer: Viewer, file: StaticString = #filePath, line: UInt = #line) async -> JSON {
        let json = await h.graphql("mutation { \(mutation) }", as: viewer)
        XCTAssertEqual(json.clinicCodes, [], "\(mutation): \(json)", file: file, line: line)
        return json
    }

    /// Runs a document with a fresh context and returns (response, statements).
    func counted(_ query: String, as viewer: Viewer?) async throws -> (JSON, Int) {
        let ctx = RequestContext(services: h.services, viewer: viewer, ip: nil, requestID: "count")
        let response = await ClinicTestHarness.run(h.pipeline, query, context: ctx)
        return (response.json, response.statements)
    }
}

extension JSON {
    var clinicCodes: [String] {
        (self["errors"]?.arrayValue ?? []).compactMap { $0["extensions"]?["code"]?.stringValue }
    }
    var clinicMessages: [String] {
        (self["errors"]?.arrayValue ?? []).compactMap { $0["message"]?.stringValue }
    }
    var clinicField: String? { self["errors"]?.arrayValue?.first?["extensions"]?["field"]?.stringValue }
}

func clinicRawID(_ global: String?) -> Int64 { GlobalID.decode(global ?? "")?.id ?? -1 }

/// XCTAssertEqual for values computed with `await` (XCTest's autoclosures cannot await).
func clinicEq<T: Equatable>(_ a: T, _ b: T, _ message: String = "", file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a, b, message, file: file, line: line)
}
func clinicTrue(_ a: Bool, _ message: String = "", file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertTrue(a, message, file: file, line: line)
}
