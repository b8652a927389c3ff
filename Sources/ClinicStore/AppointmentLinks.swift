// Links in appointment messages (migration 0019): minted by the worker as it
// sends, used by the link mutations. Tokens are stored only as SHA-256; the
// rules of what a link may do are ClinicDomain's AppointmentLinks and the
// Resolvers' link mutations.
import ClinicDomain
import Postgres

/// A stored link.
public struct AppointmentLinkRow: Sendable {
    public var id: Int64
    public var appointmentID: Int64
    public var action: AppointmentLinkAction
    public var createdAt: Instant
    public var expiresAt: Instant
    public var usedAt: Instant?
    public var revokedAt: Instant?
}

/// One link to store: the SHA-256 of its token and what it is for.
public struct NewAppointmentLink: Sendable {
    public var hash: [UInt8]
    public var appointmentID: Int64
    public var action: AppointmentLinkAction
    public var notificationID: Int64
    public var expiresAt: Instant
    public init(hash: [UInt8], appointmentID: Int64, action: AppointmentLinkAction, notificationID: Int64, expiresAt: Instant) {
        self.hash = hash; self.appointmentID = appointmentID; self.action = action; self.notificationID = notificationID
        self.expiresAt = expiresAt
    }
}

public enum AppointmentLinkStore {
    /// What the worker decides a message's links from: each appointment's
    /// current status and start, and the clinic's cancellation window.
    public static func mintingFacts(_ conn: Connection, appointmentIDs: [Int64])
        throws -> (appointments: [Int64: (status: AppointmentStatus, startsAt: Instant)], window: CancellationWindow) {
        let rows = try conn.query("""
            SELECT a.id, a.status, a.starts_at, s.cancellation_window_hours
              FROM system_settings s LEFT JOIN appointments a ON a.id = ANY($1)
            """, [.ids(appointmentIDs)])
        var appointments: [Int64: (AppointmentStatus, Instant)] = [:]
        var hours = 24
        for r in rows {
            hours = try r.int("cancellation_window_hours")
            guard let id = try r.optionalID("id"), let status = AppointmentStatus(rawValue: try r.string("status")) else { continue }
            appointments[id] = (status, try r.instant("starts_at"))
        }
        return (appointments, CancellationWindow(hours: hours))
    }

    /// Stores the links in one statement.
    public static func insert(_ conn: Connection, _ links: [NewAppointmentLink], now: Instant) throws {
        guard !links.isEmpty else { return }
        _ = try conn.query("""
            INSERT INTO appointment_links (token_hash, appointment_id, action, notification_id, created_at, expires_at)
            SELECT decode(l.hash, 'hex'), l.appointment_id, l.action, l.notification_id, $5, l.expires_at::timestamptz
              FROM unnest($1::text[], $2::int8[], $3::text[], $4::int8[], $6::text[])
                   AS l(hash, appointment_id, action, notification_id, expires_at)
            """, [.textArray(links.map { hex($0.hash) }), .ids(links.map(\.appointmentID)), .textArray(links.map(\.action.rawValue)),
                  .ids(links.map(\.notificationID)), now.postgresValue, .textArray(links.map(\.expiresAt.rfc3339))])
    }

    /// The link with this token hash, whatever its state.
    public static func find(_ conn: Connection, hash: [UInt8], forUpdate: Bool = false) throws -> AppointmentLinkRow? {
        guard let r = try conn.query("""
            SELECT id, appointment_id, action, created_at, expires_at, used_at, revoked_at
              FROM appointment_links WHERE token_hash = $1\(forUpdate ? " FOR UPDATE" : "")
            """, [.bytea(hash)]).first,
            let action = AppointmentLinkAction(rawValue: try r.string("action")) else { return nil }
        return AppointmentLinkRow(id: try r.id("id"), appointmentID: try r.id("appointment_id"), action: action,
                                  createdAt: try r.instant("created_at"), expiresAt: try r.instant("expires_at"),
                                  usedAt: try r.optionalInstant("used_at"), revokedAt: try r.optionalInstant("revoked_at"))
    }

    /// Marks a live link used; false when it was not live (used, revoked or expired meanwhile).
    public static func markUsed(_ conn: Connection, _ id: Int64, at now: Instant) throws -> Bool {
        !(try conn.query("""
            UPDATE appointment_links SET used_at = $2
             WHERE id = $1 AND action <> 'VIEW' AND used_at IS NULL AND revoked_at IS NULL AND expires_at > $2
            RETURNING id
            """, [.int(Int(id)), now.postgresValue]).rows.isEmpty)
    }

    private static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }
}
