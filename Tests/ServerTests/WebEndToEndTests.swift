// The web client end to end: builds web/dist (web/build.sh), starts the real
// `clinic serve` on a fresh demo-seeded database per window size, and drives
// headless Chromium through web/e2e/run_e2e.py (selenium). Screenshots of every
// screen land in test-output/web/. Any failing scenario fails the test.
//
// Any hour of any day (issue #16): besides the full matrix at the real time,
// the scenarios that book, run the day board and the doctor's day run again
// with the clock moved (MovedClock: CLINIC_CLOCK_OFFSET_SECONDS for the clinic's
// processes, Debian's libfaketime under the scenario script and the Chromium it
// drives) to a Sunday night and to New York's spring-forward day.
import Foundation
import JSON
import Postgres
import TestSupport
import XCTest

final class WebEndToEndTests: XCTestCase {
    static var root: String { ClinicProcess.repositoryRoot }

    func buildWeb() throws {
        let (status, output) = try ProcessRunner.run("/bin/bash", [Self.root + "/web/build.sh"], directory: Self.root,
                                                     environment: ["CLINIC_BIN": ClinicProcess.binaryPath],
                                                     mergingOutput: true, timeout: 600).statusAndOutput
        XCTAssertEqual(status, 0, "web/build.sh failed:\n\(output)")
    }

    /// A clock moved for a whole run: `clinic migrate`/`seed`/`serve`/`worker`, the
    /// scenario script, chromedriver and Chromium all take one offset from the real
    /// time, so they read the same moved instant (run_e2e.py --expect-clock checks);
    /// the clinic's zone is `zone`, the browser's `browserZone` (nil: the machine's,
    /// UTC). PostgreSQL's own clock is not moved: the server never takes now() for
    /// its notion of time (ServerClockTests), and the SQL this test writes takes the
    /// moved instant too.
    struct MovedClock {
        /// Names the run in messages and test-output/web/<name>/.
        let name: String
        /// The moved instant, ISO 8601 with the clinic's offset (the wall time it stands for).
        let instant: String
        let zone: String
        var browserZone: String? = nil

        var date: Date { ISO8601DateFormatter().date(from: instant)! }

        /// How each process is moved, by one offset from the real time (taken now). The
        /// clinic's own processes (Swift) by CLINIC_CLOCK_OFFSET_SECONDS on their Clock:
        /// libfaketime hangs their timers (Task.sleep, libdispatch). The scenario script,
        /// chromedriver and Chromium by libfaketime (LD_PRELOAD of the multi-threaded
        /// library, FAKETIME the offset), monotonic clocks moved too, libfaketime's
        /// default: with FAKETIME_DONT_FAKE_MONOTONIC they did not run. Throws XCTSkip without
        /// libfaketime (Debian package faketime, in ./clinic's TEST_APT_PACKAGES).
        func environments() throws -> (offset: Int, clinic: [String: String], faketime: [String: String]) {
            let dirs = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib")) ?? []
            guard let library = dirs.map({ "/usr/lib/\($0)/faketime/libfaketimeMT.so.1" })
                .first(where: { FileManager.default.fileExists(atPath: $0) }) else {
                throw XCTSkip("libfaketime is not installed (Debian package faketime, in ./clinic's TEST_APT_PACKAGES): "
                              + "the run at \(instant) (\(name)) cannot move the browser's clock")
            }
            let offset = Int(date.timeIntervalSinceNow.rounded())
            return (offset, ["CLINIC_CLOCK_OFFSET_SECONDS": String(offset)],
                    ["LD_PRELOAD": library, "FAKETIME": offset >= 0 ? "+\(offset)" : "\(offset)"])
        }
    }

    /// Runs run_e2e.py's scenarios (`only`: a subset, else all) at `size` against a
    /// fresh server, at the real time or with `clock` moved.
    func runScenarios(size: String, clock: MovedClock? = nil, only: [String] = []) throws {
        let moved = try clock?.environments() ?? (offset: 0, clinic: [:], faketime: [:])
        // The scenarios sign in and register a few dozen times (browser and API read-backs).
        let server = try ClinicProcess(timeZone: clock?.zone,
                                       environment: moved.clinic.merging(["CLINIC_WEB_DIR": Self.root + "/web/dist",
                                                                   "RATE_LIMIT_LOGIN": "1000/15min",
                                                                   "RATE_LIMIT_PASSWORD_HASHING": "1000/15min"]) { $1 })
        defer { server.stop() }
        // The server's now; PostgreSQL's now() is not moved.
        let now = Date().addingTimeInterval(TimeInterval(moved.offset))
        // One to confirm and complete, one to close as a no-show without confirming.
        try addStartedScheduledVisit(databaseURL: server.databaseURL, now: now)
        try addStartedScheduledVisit(databaseURL: server.databaseURL, now: now)
        // The doctor's day (doctor_day): two started visits of Dr. García to close himself.
        try addStartedScheduledVisit(databaseURL: server.databaseURL, doctorEmail: "dr.garcia@clinic.test", now: now)
        try addStartedScheduledVisit(databaseURL: server.databaseURL, doctorEmail: "dr.garcia@clinic.test", now: now)
        let resetToken = try addPasswordResetToken(databaseURL: server.databaseURL, email: "patient@clinic.test", now: now)
        // The message_links scenario's booking email (the worker renders it: some seconds).
        let links = only.isEmpty || only.contains("message_links")
            ? try messageLinks(server: server, size: size, now: now, moved: moved.clinic) : (patient: "", confirm: "", reschedule: "")
        let out = Self.root + "/test-output/web" + (clock.map { "/" + $0.name } ?? "")
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        var arguments = [Self.root + "/web/e2e/run_e2e.py", "--base-url", "http://127.0.0.1:\(server.port)",
                         "--size", size, "--out", out, "--reset-token=" + resetToken,
                         "--clinic-bin", ClinicProcess.binaryPath, "--database-url", server.databaseURL,
                         "--jwt-secret", ClinicProcess.jwtSecret,
                         "--link-patient=" + links.patient, "--confirm-link=" + links.confirm,
                         "--reschedule-link=" + links.reschedule]
        if !only.isEmpty { arguments += ["--only", only.joined(separator: ",")] }
        if let clock {
            arguments += ["--expect-clock", clock.instant]
            if let zone = clock.browserZone { arguments += ["--browser-tz", zone] }
        }
        let (status, output) = try ProcessRunner.run("/usr/bin/python3", arguments, directory: Self.root, environment: moved.faketime,
                                                     mergingOutput: true, timeout: 900).statusAndOutput
        print(output)
        let at = clock.map { " at \($0.instant) (\($0.name), clinic zone \($0.zone))" } ?? ""
        XCTAssertEqual(status, 0, "web e2e at \(size)\(at) failed:\n\(output)\nserver log tail:\n\(server.serverLog.suffix(3000))")
    }

    /// The receptionist's scenario closes visits that have already started. The
    /// demo seed has them or not depending on the hour, so the test makes its
    /// own: a SCHEDULED visit of the demo patient that began 30 to 90 minutes
    /// before `now` (the server's, which PostgreSQL's now() is not when the
    /// clock is moved; earlier when the doctors or the patient are busy then),
    /// whatever the hour or the day; with `doctorEmail`, of that doctor.
    func addStartedScheduledVisit(databaseURL: String, doctorEmail: String? = nil, now: Date) throws {
        let conn = try Connection(databaseURL)
        let doctors = try conn.query("""
            SELECT d.id FROM doctors d JOIN users u ON u.id = d.user_id WHERE $1::text IS NULL OR u.email = $1 ORDER BY d.id
            """, [doctorEmail.map { .text($0) }]).rows.map { try $0.int("id") }
        for step in 1...96 {
            for doctor in doctors {
                do {
                    _ = try conn.query("""
                        WITH z AS (SELECT time_zone AS zone FROM system_settings),
                             s AS (SELECT date_trunc('hour', to_timestamp($3::float8)) - $2::int * interval '30 minutes' AS starts_at)
                        INSERT INTO appointments (patient_id, doctor_id, local_date, local_time, starts_at, ends_at, status, reason)
                        SELECT p.id, $1, (s.starts_at AT TIME ZONE z.zone)::date, (s.starts_at AT TIME ZONE z.zone)::time,
                               s.starts_at, s.starts_at + interval '30 minutes', 'SCHEDULED', 'e2e: started visit'
                        FROM patients p JOIN users u ON u.id = p.user_id, z, s
                        WHERE u.email = 'patient@clinic.test'
                        """, [.int(doctor), .int(step), .double(now.timeIntervalSince1970)])
                    return
                } catch let error as PostgresError where error.sqlState == "23P01" {
                    continue  // that doctor or the patient is busy then: try another
                }
            }
        }
        XCTFail("no free time in the last 48 hours for a started visit")
    }

    /// The reset email's link is only in the sent message (the worker does not
    /// run here, and the stored copy hides it), so the test stores a token of
    /// its own for the account, as requestPasswordReset would, and hands it to
    /// the browser scenario, which opens /reset-password?token=… with it: valid
    /// for an hour from the server's `now`.
    func addPasswordResetToken(databaseURL: String, email: String, now: Date) throws -> String {
        var raw = [UInt8](repeating: 0, count: 32)
        for i in raw.indices { raw[i] = UInt8.random(in: 0...255) }
        let hex = raw.map { String(format: "%02x", $0) }.joined()
        let conn = try Connection(databaseURL)
        _ = try conn.query("""
            INSERT INTO password_reset_tokens (user_id, token_hash, expires_at)
            SELECT id, sha256(decode($1, 'hex')), to_timestamp($3::float8) + interval '1 hour' FROM users WHERE email = $2
            """, [.text(hex), .text(email), .double(now.timeIntervalSince1970)])
        return Data(raw).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// The links of a booking email, the whole way (issue #17): a new patient
    /// books through the API, the real `clinic worker` renders and "sends" the
    /// confirmation (no SMTP_URL: the text goes to its log, as in development),
    /// and the confirm and reschedule links are read out of that message, as
    /// paths for the browser (`message_links` opens them signed out).
    func messageLinks(server: ClinicProcess, size: String, now: Date, moved: [String: String]) throws -> (patient: String, confirm: String, reschedule: String) {
        let email = "links.\(size.replacingOccurrences(of: "x", with: "-")).\(UInt32.random(in: 0...UInt32.max))@example.test"
        let registered = try server.graphql("""
            mutation($i: RegisterInput!) { register(input: $i) { accessToken } }
            """, variables: [("i", .object([("email", .string(email)), ("password", .string("links e2e patient passphrase")),
                                            ("firstName", .string("Elena")), ("lastName", .string("Enlace")),
                                            ("dateOfBirth", .string("1984-02-29")), ("gender", .string("FEMALE")),
                                            ("address", .string("Calle 2")), ("emergencyContact", .string("Contacto")),
                                            ("emergencyPhone", .string("+525511111111"))]))])
        let token = try XCTUnwrap(text(registered.json["data"]?["register"]?["accessToken"]), registered.json.serializedString)
        let doctors = try server.graphql("{ doctors(filter: {isAvailable: true}, first: 1) { nodes { id } } }").json
        let doctor = try XCTUnwrap(text(list(doctors["data"]?["doctors"]?["nodes"]).first?["id"]), doctors.serializedString)
        // A day at least four days ahead (clear of the minimum notice and the cancellation window, whatever
        // the hour) with two free times: one to book, one for the browser to move to.
        var day = now.addingTimeInterval(4 * 86_400)
        var booked = false
        for _ in 0..<30 where !booked {
            let date = ISO8601DateFormatter.string(from: day, timeZone: TimeZone(identifier: "UTC")!, formatOptions: [.withFullDate])
            day.addTimeInterval(86_400)
            let slots = try server.graphql("query($d: ID!, $on: Date!) { availableSlots(doctorId: $d, date: $on) { time } }",
                                           variables: [("d", .string(doctor)), ("on", .string(date))]).json
            let times = list(slots["data"]?["availableSlots"]).compactMap { text($0["time"]) }
            guard times.count >= 2 else { continue }
            let r = try server.graphql("mutation($i: BookAppointmentInput!) { bookAppointment(input: $i) { id } }",
                                       variables: [("i", .object([("doctorId", .string(doctor)), ("date", .string(date)),
                                                                  ("time", .string(times[0])), ("reason", .string("e2e: links"))]))],
                                       token: token)
            XCTAssertNil(r.json["errors"], r.json.serializedString)
            booked = true
        }
        XCTAssertTrue(booked, "no day with two free times in the next month")
        let base = "http://127.0.0.1:\(server.port)"
        let worker = try ProcessRunner.run(ClinicProcess.binaryPath, ["worker"], directory: Self.root,
                                           environment: moved.merging(["DATABASE_URL": server.databaseURL, "CLINIC_DATA_DIR": server.dataDir,
                                                                       "JWT_SECRET": ClinicProcess.jwtSecret, "CLINIC_PUBLIC_URL": base,
                                                                       "LOG_LEVEL": "info", "NOTIFY_LIMIT_PER_USER": "1000/hour"]) { $1 },
                                           mergingOutput: true, timeout: 8)
        let log = worker.standardOutput
        // The booking email's links, in the order it lists them: view, confirm, reschedule, cancel.
        let message = try XCTUnwrap(log.range(of: "to=\(email) subject=Cita reservada"), "no booking email in the worker's log:\n\(log.suffix(3000))")
        let paths = log[message.upperBound...].components(separatedBy: base + "/a/").dropFirst().prefix(4)
            .map { "/a/" + $0.prefix { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" } }
        XCTAssertEqual(paths.count, 4, String(log[message.lowerBound...].prefix(2000)))
        XCTAssertTrue(paths.allSatisfy { $0.count == 46 }, "\(paths)")
        return (email, paths.count > 1 ? paths[1] : "", paths.count > 2 ? paths[2] : "")
    }

    private func text(_ j: JSON?) -> String? { if case .string(let s)? = j { return s }; return nil }
    private func list(_ j: JSON?) -> [JSON] { if case .array(let a)? = j { return a }; return [] }

    func testPhoneSizedWindowRunsEveryScenario() throws {
        try buildWeb()
        try runScenarios(size: "390x844")
    }

    func testDesktopSizedWindowRunsEveryScenario() throws {
        try buildWeb()
        try runScenarios(size: "1366x900")
    }

    /// What the moved runs drive (one window size, to keep the suite's time): booking
    /// without and with an account (reschedule, cancel), the receptionist's day
    /// board (confirm, complete, no-show of started visits), the doctor's week
    /// grid and the doctor's day.
    static let anyHourScenarios = ["visitor_booking", "patient", "admin", "doctor", "doctor_day"]

    /// Sunday 23:30 in the demo clinic (America/Mexico_City, no daylight saving
    /// since 2022), already Monday 05:30 in the machine's and the browser's UTC:
    /// the clinic's today has no working hours, its tomorrow is Monday.
    func testSundayNightInTheClinicRunsBookingDayBoardAndDoctorDay() throws {
        try buildWeb()
        try runScenarios(size: "390x844", clock: MovedClock(name: "sunday-night", instant: "2027-03-07T23:30:00-06:00",
                                                             zone: "America/Mexico_City"),
                         only: Self.anyHourScenarios)
    }

    /// New York's spring-forward day, 2027-03-14 (02:00 EST -> 03:00 EDT: 23 hours), at
    /// 23:30 EDT with the browser in New York too: 24 hours on would skip a date.
    func testSpringForwardDayInNewYorkRunsBookingDayBoardAndDoctorDay() throws {
        try buildWeb()
        try runScenarios(size: "390x844", clock: MovedClock(name: "spring-forward", instant: "2027-03-14T23:30:00-04:00",
                                                             zone: "America/New_York", browserZone: "America/New_York"),
                         only: Self.anyHourScenarios)
    }

    /// The built index.html references only hashed, existing assets and no inline script (CSP script-src 'self').
    func testBuiltIndexReferencesHashedAssetsWithoutInlineScript() throws {
        try buildWeb()
        let dist = Self.root + "/web/dist"
        let html = try String(contentsOfFile: dist + "/index.html", encoding: .utf8)
        let refs = html.components(separatedBy: "\"/").dropFirst().compactMap { $0.split(separator: "\"").first.map(String.init) }
        XCTAssertFalse(refs.isEmpty, html)
        for ref in refs {
            XCTAssertNotNil(ref.range(of: #"-[A-Z0-9]{8}\.(js|css)$"#, options: .regularExpression), "unhashed asset \(ref)")
            XCTAssertTrue(FileManager.default.fileExists(atPath: dist + "/" + ref), "missing \(ref)")
        }
        XCTAssertNil(html.range(of: #"<script(?![^>]*\bsrc=)[^>]*>"#, options: .regularExpression), "inline script in index.html")
    }
}
