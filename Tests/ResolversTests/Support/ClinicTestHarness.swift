// In-process test harness for the clinic API: one throwaway PostgreSQL cluster
// per test process, a fresh migrated database per harness, services with a
// cheap password hasher and a fixed JWT secret, and `graphql(...)` running a
// request the way the server does (authenticate → parse → validate → execute).
//
// Usage in a test class (one database per class):
//
//     let h = try await ClinicTestHarness.shared(for: Self.self)
//     let alice = try await h.createUser(email: "alice@example.test", role: .CLIENT, patient: true)
//     let json = await h.graphql("{ me { id } }", token: h.token(for: alice))
//
// `ClinicTestHarness.fresh()` gives a private database and services (rate
// limiter, caches, clock) when a test must not share them.
import ClinicDomain
import Crypto
import Foundation
import JSON
import Postgres
import PostgresTesting
import QueryLanguage
@testable import Resolvers
import Schema
import Synchronization
import XCTest

/// One request's outcome as the HTTP layer would see it.
struct HarnessResponse: Sendable {
    /// 200 executed, 400 request error, 401 bad token, 429 rate limited.
    var status: Int
    /// `{"data":…,"errors":[…]}` like the response body.
    var json: JSON
    /// Statements sent to PostgreSQL for this request, authentication included.
    var statements: Int
    var retryAfter: Int?

    var data: JSON? { json["data"] }
    var errors: [JSON] { if case .array(let e)? = json["errors"] { return e }; return [] }
    /// `extensions.code` of every error, in order.
    var codes: [String] { errors.compactMap { $0["extensions"]?["code"]?.stringValue } }
}

/// A user the harness made, with what a test needs to act as them.
struct HarnessUser: Sendable {
    var id: Int64
    var email: String
    var password: String
    var role: Role
    var patientID: Int64?
    var doctorID: Int64?
    var globalID: String { GlobalID.encode(type: "User", id: id) }
    var viewer: Viewer { Viewer(userID: id, role: role, patientID: patientID, doctorID: doctorID) }
}

final class ClinicTestHarness: Sendable {
    static let jwtSecret: [UInt8] = Array("clinic-test-secret-0123456789-abcdefghij".utf8)

    let services: ClinicServices
    let executable: ExecutableSchema
    /// The engine's pipeline, as the server runs it, with the contract's limits.
    let pipeline: GraphQLService

    /// The contract's depth and cost limits. The bound on root mutation fields
    /// (MAX_MUTATION_FIELDS, the project's own) is lifted: tests here hold the
    /// resolvers' defences that stand behind it (aliased logins each counted,
    /// the hashing budget, reset-mail limits).
    static let limits = OperationLimits(maxRootMutationFields: .max)
    let databaseURI: String
    private let counter = Atomic<Int>(0)

    private static let perClass = Mutex<[String: ClinicTestHarness]>([:])

    /// The harness of one test class, created (fresh database) on first use.
    static func shared(for testClass: AnyClass) async throws -> ClinicTestHarness {
        let key = String(describing: testClass)
        if let existing = perClass.withLock({ $0[key] }) { return existing }
        let made = try await fresh(prefix: key)
        return perClass.withLock { map in
            if let existing = map[key] { return existing }
            map[key] = made
            return made
        }
    }

    /// A new database, migrated, with its own services.
    static func fresh(prefix: String = "clinic", tokens: TokenSettings = TokenSettings(),
                      rateLimits: RateLimitSettings = RateLimitSettings()) async throws -> ClinicTestHarness {
        let cluster = try TestCluster.shared()
        let uri = try cluster.createDatabase(prefix: prefix)
        let pool = ConnectionPool(connectionString: uri, size: 4)
        try await Migrator(directory: migrationsDirectory()).migrate(pool: pool)
        let services = ClinicServices(pool: pool, signer: try JWTSigner(secret: jwtSecret), hasher: PasswordHasher(cost: .low),
                                      tokens: tokens, rateLimits: rateLimits, publicURL: "https://clinic.test",
                                      log: { _ in })
        // As `clinic serve` runs: free-slot calendars kept while a session listens for changes.
        let listener = services.database.calendarListener(connectionString: uri)
        listener.start()
        for _ in 0..<1000 where !listener.isListening { try await Task.sleep(nanoseconds: 10_000_000) }
        guard listener.isListening else { throw PostgresError.connection("the calendar listener did not connect") }
        return try ClinicTestHarness(services: services, databaseURI: uri, calendarListener: listener)
    }

    /// Reports the commits of `sql` and other sessions to the services' caches (`SlotCalendarCache`);
    /// nil: nothing is kept between free-slot lists.
    let calendarListener: ChangeListener?

    init(services: ClinicServices, databaseURI: String, calendarListener: ChangeListener? = nil) throws {
        self.services = services
        self.databaseURI = databaseURI
        self.calendarListener = calendarListener
        executable = try ClinicAPI.makeExecutableSchema(areas: ClinicAreas.all)
        pipeline = GraphQLService(executable: executable, limits: Self.limits)
    }

    deinit { calendarListener?.stop() }

    /// db/migrations of the repository this file belongs to (symlinks resolved,
    /// so a dev package that links Tests/ResolversTests finds the real one).
    static func migrationsDirectory(file: String = #filePath) -> String {
        var url = URL(fileURLWithPath: file).resolvingSymlinksInPath()
        for _ in 0..<4 { url.deleteLastPathComponent() }  // Support, ResolversTests, Tests → repo root
        return url.appendingPathComponent("db/migrations").path
    }

    // MARK: - Requests

    /// Runs one GraphQL request as the server does and returns the response body.
    func graphql(_ query: String, variables: [String: JSON] = [:], token: String? = nil, ip: String = "127.0.0.1",
                 operationName: String? = nil) async -> JSON {
        await request(query, variables: variables, token: token, ip: ip, operationName: operationName).json
    }

    /// The same, signed in as `viewer` directly (no token, no lookup).
    func graphql(_ query: String, variables: [String: JSON] = [:], as viewer: Viewer?, ip: String = "127.0.0.1") async -> JSON {
        let context = RequestContext(services: services, viewer: viewer, ip: ip, requestID: nextRequestID())
        return await run(query, variables: variables, operationName: nil, context: context).json
    }

    /// Full outcome: HTTP-like status, body, statement count.
    func request(_ query: String, variables: [String: JSON] = [:], token: String? = nil, ip: String = "127.0.0.1",
                 operationName: String? = nil) async -> HarnessResponse {
        switch await Authentication.authenticate(services: services, bearer: token, ip: ip, requestID: nextRequestID()) {
        case .failure(.invalidToken(let message)):
            let error = GraphQLError(message, code: "UNAUTHENTICATED")
            return HarnessResponse(status: 401, json: ExecutionResult(data: nil, errors: [error]).responseJSON, statements: 0)
        case .failure(.rateLimited(let retry)):
            let error = ClinicError.rateLimited(retryAfter: retry)
            return HarnessResponse(status: 429, json: ExecutionResult(data: nil, errors: [error]).responseJSON, statements: 0,
                                   retryAfter: retry)
        case .failure(.unavailable):
            let error = GraphQLError("The service is unavailable for a moment; try again.", code: "SERVICE_UNAVAILABLE")
            return HarnessResponse(status: 503, json: ExecutionResult(data: nil, errors: [error]).responseJSON, statements: 0)
        case .success(let context):
            return await run(query, variables: variables, operationName: operationName, context: context)
        }
    }

    private func run(_ query: String, variables: [String: JSON], operationName: String?, context: RequestContext) async -> HarnessResponse {
        await Self.run(pipeline, query, variables: variables, operationName: operationName, context: context)
    }

    /// One request through `pipeline`: 400 when nothing ran, as the server answers.
    static func run(_ pipeline: GraphQLService, _ query: String, variables: [String: JSON] = [:], operationName: String? = nil,
                    context: RequestContext) async -> HarnessResponse {
        let outcome = await pipeline.run(GraphQLRequest(query: query, operationName: operationName, variables: variables), context: context)
        return HarnessResponse(status: outcome.kind == .requestError ? 400 : 200, json: outcome.result.responseJSON,
                               statements: context.statements.count)
    }

    private func nextRequestID() -> String { "test-\(counter.add(1, ordering: .relaxed).newValue)" }

    // MARK: - Data

    /// Runs SQL on the harness database (setup and assertions; not counted).
    @discardableResult
    /// What it commits reaches the caches before it returns, as the API's own writes do.
    func sql(_ query: String, _ parameters: [PostgresValue?] = []) async throws -> QueryResult {
        try await services.pool.withConnection { [calendarListener] conn in
            let result = try conn.query(query, parameters)
            if let calendarListener, !conn.isInTransaction, calendarListener.isListening {
                guard try calendarListener.waitForDelivery(using: conn) || !calendarListener.isListening else {
                    throw PostgresError.connection("the calendar listener missed a change")
                }
            }
            return result
        }
    }

    private static let userSerial = Atomic<Int>(0)

    /// Inserts a user directly (password hashed with the harness's hasher),
    /// optionally with a patient profile and/or a doctor profile.
    func createUser(email: String? = nil, password: String = "correct horse battery staple", role: Role = .CLIENT,
                    firstName: String = "Test", lastName: String? = nil, patient: Bool = false, doctor: Bool = false,
                    isActive: Bool = true) async throws -> HarnessUser {
        let n = Self.userSerial.add(1, ordering: .relaxed).newValue
        let email = email ?? "user\(n)@example.test"
        let hash = try services.hasher.hash(password)
        let last = lastName ?? "User\(n)"
        return try await services.pool.transaction { conn in
            let id = Int64(try conn.query("""
                INSERT INTO users (email, password_hash, first_name, last_name, role, is_active)
                VALUES ($1, $2, $3, $4, $5, $6) RETURNING id
                """, [.text(email), .text(hash), .text(firstName), .text(last), .text(role.rawValue), .bool(isActive)]).first!.int("id"))
            var patientID: Int64?
            var doctorID: Int64?
            if patient {
                patientID = Int64(try conn.query("""
                    INSERT INTO patients (user_id, date_of_birth, gender, address, medical_history, allergies)
                    VALUES ($1, '1990-05-17', 'FEMALE', 'Calle Falsa 123', 'asthma', 'penicillin') RETURNING id
                    """, [.int(Int(id))]).first!.int("id"))
            }
            if doctor {
                doctorID = Int64(try conn.query("""
                    INSERT INTO doctors (user_id, license_number, specialization, experience_years, consultation_fee)
                    VALUES ($1, $2, 'Cardiology', 10, 45.00) RETURNING id
                    """, [.int(Int(id)), .text("LIC-\(n)-\(id)")]).first!.int("id"))
            }
            return HarnessUser(id: id, email: email, password: password, role: role, patientID: patientID, doctorID: doctorID)
        }
    }

    /// Inserts an appointment of `patientID` with `doctorID` starting `daysFromNow` days from now at 10:00 UTC.
    @discardableResult
    func createAppointment(patientID: Int64, doctorID: Int64, daysFromNow: Int = 7, status: String = "SCHEDULED") async throws -> Int64 {
        let r = try await sql("""
            INSERT INTO appointments (patient_id, doctor_id, local_date, local_time, starts_at, ends_at, status, reason)
            VALUES ($1, $2, current_date + $3::int, '10:00',
                    ((current_date + $3::int) + time '10:00') AT TIME ZONE 'UTC',
                    ((current_date + $3::int) + time '10:30') AT TIME ZONE 'UTC', $4, 'checkup')
            RETURNING id
            """, [.int(Int(patientID)), .int(Int(doctorID)), .int(daysFromNow), .text(status)])
        return Int64(try r.first!.int("id"))
    }

    /// The token of `userID`'s latest pending reset email, unsealed the way
    /// the worker does (the stored body only has a placeholder).
    func pendingResetToken(for userID: Int64) async throws -> String {
        let row = try await sql("""
            SELECT sealed_secret FROM notifications WHERE user_id = $1 AND kind = 'PASSWORD_RESET' AND status = 'PENDING'
             ORDER BY id DESC LIMIT 1
            """, [.int(Int(userID))])
        let sealed = try XCTUnwrap(try row.first?.optionalBytes("sealed_secret"), "no pending reset email")
        return try XCTUnwrap(PasswordResetEmail.unseal(sealed, with: services.secretSeal))
    }

    /// A valid access token for `user` in its current database state.
    func token(for user: HarnessUser) async throws -> String {
        let version = try await sql("SELECT token_version FROM users WHERE id = $1", [.int(Int(user.id))]).first!.int("token_version")
        return Authentication.issueAccessToken(services: services, userID: user.id, role: user.role, tokenVersion: version).token
    }
}

extension JSON {
    var stringValue: String? { if case .string(let s) = self { return s }; return nil }
    var intValue: Int? { if case .int(let i) = self { return i }; return nil }
    var boolValue: Bool? { if case .bool(let b) = self { return b }; return nil }
    var arrayValue: [JSON]? { if case .array(let a) = self { return a }; return nil }
    var isNull: Bool { if case .null = self { return true }; return false }
    /// Follows a dotted path ("data.me.email"); array elements by index ("nodes.0.id").
    func at(_ path: String) -> JSON? {
        var current: JSON? = self
        for part in path.split(separator: ".") {
            if let i = Int(part), case .array(let a)? = current { current = i < a.count ? a[i] : nil } else { current = current?[String(part)] }
        }
        return current
    }
}
