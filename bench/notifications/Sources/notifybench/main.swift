// notifybench ROWS WORKERS KIND
//   ROWS     outbox rows to deliver (default 1000)
//   WORKERS  NotificationWorkers polling the same table (default 1)
//   KIND     custom (stored text) | booking (rendered from an appointment per row) (default booking)
// Prints one Markdown table row: rows, workers, seconds, emails/s, duplicates.
import Crypto
import Delivery
import DeliveryTesting
import Foundation
import Postgres
import PostgresTesting
import ClinicDomain
import Jobs

let args = CommandLine.arguments
let rows = args.count > 1 ? Int(args[1]) ?? 1000 : 1000
let workers = args.count > 2 ? Int(args[2]) ?? 1 : 1
let kind = args.count > 3 ? args[3] : "booking"

let repo = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()
let cluster = try TestCluster()
defer { cluster.stop() }
let uri = try cluster.createDatabase(prefix: "notifybench")
let pool = ConnectionPool(connectionString: uri, size: max(4, 2 * workers))
_ = try await Migrator(directory: repo.appendingPathComponent("db/migrations").path).migrate(pool: pool)
let signer = try JWTSigner(secret: Array("notifybench-secret-0123456789-abcdefghij".utf8))
let inputs = NotificationInputs(pool: pool, clock: Clock(),
                                secretSeal: SecretSeal(key: signer.derivedKey(purpose: "notifications.sealed_secret")),
                                resetTokenTTL: 30 * 60, publicURL: "http://127.0.0.1:8080", perUserLimit: (20, 3600), isProduction: false)

try await pool.transaction { conn in
    _ = try conn.execute("""
        INSERT INTO users (email, password_hash, first_name, last_name, role) VALUES
          ('doctor@bench.test', '!', 'Ramón', 'Núñez', 'CLIENT');
        INSERT INTO doctors (user_id, license_number, specialization, experience_years, consultation_fee)
          SELECT id, 'LIC-1', 'Cardiología', 10, 45 FROM users WHERE email = 'doctor@bench.test';
        INSERT INTO users (email, password_hash, first_name, last_name, role)
          SELECT 'patient' || g || '@bench.test', '!', 'Lucía', 'Peña ' || g, 'CLIENT' FROM generate_series(1, \(rows)) g;
        INSERT INTO patients (user_id, date_of_birth, gender, address)
          SELECT id, '1990-01-01', 'FEMALE', 'Calle 1' FROM users WHERE email LIKE 'patient%';
        """)
    if kind == "booking" {
        // One appointment per patient, 30-minute slots spread over future days, and its confirmation row.
        _ = try conn.execute("""
            INSERT INTO appointments (patient_id, doctor_id, local_date, local_time, starts_at, ends_at, status, reason)
            SELECT p.id, d.id, current_date + 1 + (p.id / 16)::int, time '08:00' + (p.id % 16) * interval '30 min',
                   ((current_date + 1 + (p.id / 16)::int) + time '08:00' + (p.id % 16) * interval '30 min') AT TIME ZONE 'UTC',
                   ((current_date + 1 + (p.id / 16)::int) + time '08:30' + (p.id % 16) * interval '30 min') AT TIME ZONE 'UTC',
                   'SCHEDULED', 'control'
              FROM patients p CROSS JOIN doctors d;
            INSERT INTO notifications (user_id, appointment_id, channel, kind, subject, body, recipient)
            SELECT u.id, a.id, 'EMAIL', 'BOOKING_CONFIRMATION', '', '', u.email
              FROM appointments a JOIN patients p ON p.id = a.patient_id JOIN users u ON u.id = p.user_id;
            """)
    } else {
        _ = try conn.execute("""
            INSERT INTO notifications (user_id, channel, kind, subject, body, recipient)
            SELECT id, 'EMAIL', 'CUSTOM', 'Aviso de la clínica – ' || last_name, 'Estimada paciente: la clínica cierra el lunes.', email
              FROM users WHERE email LIKE 'patient%';
            """)
    }
}

let sink = try SMTPSink()
defer { sink.stop() }
let config = try SMTPConfiguration.parse(sink.url)
var options = NotificationWorker.Options()
options.pollInterval = .milliseconds(100)
let pool_ = (0..<workers).map { i in
    NotificationWorker(inputs: inputs, email: SMTPTransport(configuration: config), sms: LogSMSTransport(log: { _ in }),
                       mailFrom: "clinic@clinic.test", options: options, workerID: "bench-\(i)", log: { _ in })
}
let started = Date()
for w in pool_ { w.start() }
while true {
    let left = try await pool.withConnection { conn in
        try conn.query("SELECT count(*) AS n FROM notifications WHERE status = 'PENDING'").first!.int("n")
    }
    if left == 0 { break }
    try await Task.sleep(for: .milliseconds(20))
}
let elapsed = Date().timeIntervalSince(started)
for w in pool_ { await w.stop() }
let ids = sink.messages.compactMap { $0.header("Message-ID") }
let sent = try await pool.withConnection { conn in
    try conn.query("SELECT count(*) AS n FROM notifications WHERE status = 'SENT'").first!.int("n")
}
let rate = Double(sent) / elapsed
print("| \(kind) | \(rows) | \(workers) | \(String(format: "%.2f", elapsed)) | \(Int(rate.rounded())) | \(ids.count - Set(ids).count) | \(sink.sessions) |")
pool.close()
