// Runs requests against the clinic schema with the administration area
// registered (added here until ClinicAreas.all includes AdminArea), on any
// harness's database and services.
import ClinicDomain
import Foundation
import JSON
import Postgres
import QueryLanguage
@testable import Resolvers
import Schema
import XCTest

final class AdminAPI: Sendable {
    let h: ClinicTestHarness
    let pipeline: GraphQLService

    init(_ h: ClinicTestHarness) throws {
        self.h = h
        var probe = ResolverRegistry()
        for area in ClinicAreas.all { area(&probe) }
        let areas = probe.resolvers["Query.report"] == nil ? ClinicAreas.all + [AdminArea.register] : ClinicAreas.all
        pipeline = GraphQLService(executable: try ClinicAPI.makeExecutableSchema(areas: areas), limits: ClinicTestHarness.limits)
    }

    /// One request as `viewer` (no token); statements counted.
    func request(_ query: String, variables: [String: JSON] = [:], as viewer: Viewer?) async -> HarnessResponse {
        let context = RequestContext(services: h.services, viewer: viewer, ip: "127.0.0.1", requestID: "admin-test")
        return await ClinicTestHarness.run(pipeline, query, variables: variables, context: context)
    }
}

/// Doctors, patients and appointments inserted directly with SQL, at known
/// clinic-local dates and times (starts_at computed in the clinic's zone).
struct AdminData {
    let h: ClinicTestHarness

    func zone() async throws -> String {
        try await h.sql("SELECT time_zone FROM system_settings").first!.string("time_zone")
    }

    func today() async throws -> LocalDate {
        let z = try await zone()
        return LocalDate(iso: try await h.sql("SELECT (now() AT TIME ZONE $1)::date::text AS d", [.text(z)]).first!.string("d"))!
    }

    func doctor(firstName: String = "Ana", lastName: String, specialization: String, fee: String) async throws -> HarnessUser {
        let u = try await h.createUser(firstName: firstName, lastName: lastName, doctor: true)
        try await h.sql("UPDATE doctors SET specialization = $1, consultation_fee = $2::numeric WHERE id = $3",
                        [.text(specialization), .text(fee), .int(Int(u.doctorID!))])
        return u
    }

    func hours(_ doctor: HarnessUser, weekdays: ClosedRange<Int> = 1...5, start: String, end: String, slot: Int = 30) async throws {
        for w in weekdays {
            try await h.sql("INSERT INTO working_hours (doctor_id, weekday, start_time, end_time, slot_minutes) VALUES ($1, $2, $3::time, $4::time, $5)",
                            [.int(Int(doctor.doctorID!)), .int(w), .text(start), .text(end), .int(slot)])
        }
    }

    /// Time off from local date+time to local date+time.
    func timeOff(_ doctor: HarnessUser, from: String, to: String) async throws {
        let z = try await zone()
        try await h.sql("""
            INSERT INTO time_off (doctor_id, during, reason)
            VALUES ($1, tstzrange($2::timestamp AT TIME ZONE $4, $3::timestamp AT TIME ZONE $4), 'congress')
            """, [.int(Int(doctor.doctorID!)), .text(from), .text(to), .text(z)])
    }

    @discardableResult
    func appointment(doctor: HarnessUser, patient: HarnessUser, date: LocalDate, time: String, status: String,
                     reason: String = "checkup", minutes: Int = 30) async throws -> Int64 {
        let z = try await zone()
        return Int64(try await h.sql("""
            INSERT INTO appointments (patient_id, doctor_id, local_date, local_time, starts_at, ends_at, status, reason)
            VALUES ($1, $2, $3::date, $4::time, ($3::date + $4::time) AT TIME ZONE $6,
                    ($3::date + $4::time + make_interval(mins => $7::int)) AT TIME ZONE $6, $5, $8)
            RETURNING id
            """, [.int(Int(patient.patientID!)), .int(Int(doctor.doctorID!)), .text(date.iso), .text(time), .text(status), .text(z),
                  .int(minutes), .text(reason)]).first!.int("id"))
    }
}

/// A value made once, on first use, shared by every test of a class.
actor Once<T: Sendable> {
    private var task: Task<T, Error>?
    func get(_ make: @escaping @Sendable () async throws -> T) async throws -> T {
        if let task { return try await task.value }
        let t = Task { try await make() }
        task = t
        return try await t.value
    }
}

/// The numeric id inside an opaque global ID (-1 when it is not one).
func adminRawID(_ global: String?) -> Int64 { GlobalID.decode(global ?? "")?.id ?? -1 }

/// db/migrations of the repository these tests belong to (symlinks resolved).
func adminMigrationsDirectory(file: String = #filePath) -> String {
    var url = URL(fileURLWithPath: file).resolvingSymlinksInPath()
    for _ in 0..<3 { url.deleteLastPathComponent() }  // AdminTestSupport.swift, ResolversTests, Tests → repo root
    return url.appendingPathComponent("db/migrations").path
}
