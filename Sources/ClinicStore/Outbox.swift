// The outbox: notifications are rows written in the same transaction as the
// change they announce, so nothing is lost or sent twice when a process dies;
// the worker (Jobs) delivers them.
import ClinicDomain
import Postgres

public enum ClinicOutbox {
    public enum Reminder: Sendable { case schedule, delete, keep }

    public static func deletePendingReminders(_ conn: Connection, appointmentID: Int64) throws {
        _ = try conn.query("DELETE FROM notifications WHERE appointment_id = $1 AND kind = 'REMINDER' AND status = 'PENDING'",
                           [.int(Int(appointmentID))])
    }

    /// The password-reset email: stored text with the link hidden, the token sealed beside it for the worker.
    public static func enqueuePasswordReset(_ conn: Connection, userID: Int64, subject: String, body: String, recipient: String,
                                            at: Instant, sealedSecret: [UInt8]) throws {
        _ = try conn.query("""
            INSERT INTO notifications (user_id, channel, kind, subject, body, recipient, scheduled_at, sealed_secret)
            VALUES ($1, 'EMAIL', 'PASSWORD_RESET', $2, $3, $4, $5, $6)
            """, [.int(Int(userID)), .text(subject), .text(body), .text(recipient), at.postgresValue, .bytea(sealedSecret)])
    }

    /// A staff message (CUSTOM) to each user at the matching recipient address, in one statement.
    public static func enqueueCustom(_ conn: Connection, userIDs: [Int64], recipients: [String], channel: String, subject: String,
                                     body: String, at: Instant) throws -> [NotificationRow] {
        try conn.query("""
            INSERT INTO notifications AS n (user_id, channel, kind, subject, body, recipient, scheduled_at)
            SELECT t.user_id, $2, 'CUSTOM', $3, $4, t.recipient, $5
              FROM unnest($1::int8[], $6::text[]) AS t(user_id, recipient)
            RETURNING \(NotificationRow.columns)
            """, [.ids(userIDs), .text(channel), .text(subject), .text(body), at.postgresValue, .textArray(recipients)])
            .rows.map(NotificationRow.init)
    }

    /// Pending reminders follow the offsets now in system_settings: upcoming
    /// active appointments gain a reminder for each new offset still ahead (its
    /// text and recipient copied from the appointment's reminder on that
    /// channel; an offset already sent is not sent again), reminders of removed
    /// offsets go, and the rest move to start − offset (not before `now`).
    public static func followReminderOffsets(_ conn: Connection, now: Instant) throws {
        let offsetsOf = "(CASE t.channel WHEN 'SMS' THEN s.sms_reminder_offsets_minutes ELSE s.email_reminder_offsets_minutes END)"
        _ = try conn.query("""
            INSERT INTO notifications (user_id, appointment_id, channel, kind, subject, body, recipient, scheduled_at,
                                       reminder_offset_minutes)
            SELECT DISTINCT ON (t.appointment_id, t.channel, o.off)
                   t.user_id, t.appointment_id, t.channel, 'REMINDER', t.subject, t.body, t.recipient,
                   a.starts_at - make_interval(mins => o.off), o.off
              FROM notifications t
              JOIN appointments a ON a.id = t.appointment_id AND a.status IN ('SCHEDULED', 'CONFIRMED') AND a.starts_at > $1
             CROSS JOIN system_settings s
             CROSS JOIN LATERAL unnest(\(offsetsOf)) AS o(off)
             WHERE t.kind = 'REMINDER' AND a.starts_at - make_interval(mins => o.off) > $1
               AND NOT EXISTS (SELECT 1 FROM notifications x WHERE x.appointment_id = t.appointment_id AND x.channel = t.channel
                                  AND x.kind = 'REMINDER' AND x.reminder_offset_minutes = o.off)
             ORDER BY t.appointment_id, t.channel, o.off, t.id DESC
            ON CONFLICT (appointment_id, channel, reminder_offset_minutes) WHERE kind = 'REMINDER' AND status = 'PENDING' DO NOTHING
            """, [now.postgresValue])
        _ = try conn.query("""
            DELETE FROM notifications t USING system_settings s
             WHERE t.kind = 'REMINDER' AND t.status = 'PENDING'
               AND NOT (COALESCE(t.reminder_offset_minutes, -1) = ANY(\(offsetsOf)))
            """)
        _ = try conn.query("""
            UPDATE notifications n SET scheduled_at = GREATEST(a.starts_at - make_interval(mins => n.reminder_offset_minutes), $1)
              FROM appointments a
             WHERE a.id = n.appointment_id AND n.kind = 'REMINDER' AND n.status = 'PENDING'
            """, [now.postgresValue])
    }

    /// Enqueues `kind` for the appointment's patient on each channel they
    /// chose, and schedules (or moves, or deletes) the pending reminders: one
    /// per offset of the channel's list in the settings.
    public static func enqueue(_ conn: Connection, _ a: AppointmentRow, kind: String, doctor: DoctorRow, settings: SettingsRow,
                        reminder: Reminder, now: Instant) throws {
        guard let u = try conn.query("""
            SELECT email, phone, notify_by_email, notify_by_sms, first_name, locale FROM users WHERE id = $1 AND deleted_at IS NULL
            """, [.int(Int(a.patientUserID))]).first else { return }
        var channels: [(String, String)] = []
        if try u.bool("notify_by_email"), let email = try u.optionalString("email") { channels.append(("EMAIL", email)) }
        if try u.bool("notify_by_sms"), let phone = try u.optionalString("phone"), !phone.isEmpty { channels.append(("SMS", phone)) }
        // The final text, in the patient's language, as the worker would render
        // it: pending rows already read right in the `notifications` query.
        let locale = try u.optionalString("locale")
        let details = NotificationTemplates.AppointmentDetails(
            clinicName: settings.clinicName, doctorName: doctor.displayName, patientFirstName: try u.string("first_name"),
            date: a.date, time: a.time, appointmentID: a.id)
        func text(_ kind: String, _ channel: String) -> (subject: String, body: String) {
            NotificationTemplates.appointment(kind: kind, channel: channel, locale: locale, details)
        }
        for (channel, recipient) in channels where !recipient.isEmpty {
            let (subject, body) = text(kind, channel)
            _ = try conn.query("""
                INSERT INTO notifications (user_id, appointment_id, channel, kind, subject, body, recipient, scheduled_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                """, [.int(Int(a.patientUserID)), .int(Int(a.id)), .text(channel), .text(kind), .text(subject), .text(body),
                      .text(String(recipient.prefix(254))), now.postgresValue])
        }
        switch reminder {
        case .keep: break
        case .delete: try deletePendingReminders(conn, appointmentID: a.id)
        case .schedule:
            var planned: [(channel: String, recipient: String, offset: Int, at: Instant)] = []
            for (channel, recipient) in channels where !recipient.isEmpty {
                for d in settings.reminders.due(channel: channel, startsAt: a.startsAt, now: now) {
                    planned.append((channel, recipient, d.offset, d.at))
                }
            }
            // Pending reminders outside the plan go: channels the patient no
            // longer wants, offsets already passed at the new time.
            _ = try conn.query("""
                DELETE FROM notifications WHERE appointment_id = $1 AND kind = 'REMINDER' AND status = 'PENDING'
                   AND NOT EXISTS (SELECT 1 FROM unnest($2::text[], $3::int8[]) AS k(channel, off)
                                    WHERE k.channel = notifications.channel AND k.off = notifications.reminder_offset_minutes)
                """, [.int(Int(a.id)), .textArray(planned.map(\.channel)), .ids(planned.map { Int64($0.offset) })])
            for p in planned {
                let (subject, body) = text("REMINDER", p.channel)
                _ = try conn.query("""
                    INSERT INTO notifications (user_id, appointment_id, channel, kind, subject, body, recipient, scheduled_at,
                                               reminder_offset_minutes)
                    VALUES ($1, $2, $3, 'REMINDER', $4, $5, $6, $7, $8)
                    ON CONFLICT (appointment_id, channel, reminder_offset_minutes) WHERE kind = 'REMINDER' AND status = 'PENDING'
                    DO UPDATE SET scheduled_at = EXCLUDED.scheduled_at, subject = EXCLUDED.subject, body = EXCLUDED.body,
                                  recipient = EXCLUDED.recipient
                    """, [.int(Int(a.patientUserID)), .int(Int(a.id)), .text(p.channel), .text(subject), .text(body),
                          .text(String(p.recipient.prefix(254))), p.at.postgresValue, .int(p.offset)])
            }
        }
    }

    /// Tells the treating doctor (on the channels they chose), and the front
    /// desk when the settings name an address, that one of the doctor's
    /// appointments was booked, moved or cancelled; the caller decides whether
    /// it starts soon enough (`DoctorAlertRule`).
    public static func enqueueDoctorAlert(_ conn: Connection, _ a: AppointmentRow, event: DoctorAlert.Event, settings: SettingsRow,
                                          previous: (date: LocalDate, time: LocalTime)? = nil, now: Instant) throws {
        guard let u = try conn.query("""
            SELECT u.id, u.email, u.phone, u.notify_by_email, u.notify_by_sms, u.locale, (u.deleted_at IS NULL AND u.is_active) AS reachable,
                   (SELECT pu.first_name || ' ' || pu.last_name FROM users pu WHERE pu.id = $2) AS patient_name
              FROM users u WHERE u.id = (SELECT d.user_id FROM doctors d WHERE d.id = $1)
            """, [.int(Int(a.doctorID)), .int(Int(a.patientUserID))]).first else { return }
        let doctorUserID = try u.id("id")
        var copies: [(channel: String, recipient: String, locale: String?)] = []
        if try u.bool("reachable") {
            let locale = try u.optionalString("locale")
            if try u.bool("notify_by_email"), let email = try u.optionalString("email") { copies.append(("EMAIL", email, locale)) }
            if try u.bool("notify_by_sms"), let phone = try u.optionalString("phone"), !phone.isEmpty { copies.append(("SMS", phone, locale)) }
        }
        // The front desk's copy (issue #17) is filed under the doctor, whose
        // appointment it is (a row needs a user), in the clinic's language.
        if let desk = settings.frontDeskEmail, !desk.isEmpty { copies.append(("EMAIL", desk, nil)) }
        let details = DoctorAlert.Details(clinicName: settings.clinicName, patientName: try u.optionalString("patient_name") ?? "",
                                          date: a.date, time: a.time, previous: previous, appointmentID: a.id)
        for c in copies where !c.recipient.isEmpty {
            let (subject, body) = DoctorAlert.text(event, channel: c.channel, locale: c.locale, details)
            _ = try conn.query("""
                INSERT INTO notifications (user_id, appointment_id, channel, kind, subject, body, recipient, scheduled_at)
                VALUES ($1, $2, $3, 'DOCTOR_ALERT', $4, $5, $6, $7)
                """, [.int(Int(doctorUserID)), .int(Int(a.id)), .text(c.channel), .text(subject), .text(body),
                      .text(String(c.recipient.prefix(254))), now.postgresValue])
        }
    }
}

/// A claimed outbox row with what its message needs.
public struct ClaimedNotification: Sendable {
    public var id: Int64
    public var userID: Int64
    public var channel: String
    public var kind: String
    public var subject: String
    public var body: String
    public var recipient: String
    public var attempts: Int
    public var scheduledAt: Instant
    public var deliveryKey: String
    public var recipientName: String
    public var firstName: String
    public var locale: String
    public var clinicName: String
    /// Appointment data when the row has one.
    public var appointment: NotificationTemplates.AppointmentDetails?
    public var appointmentActive: Bool
    public var appointmentStartsAt: Instant?
    /// The appointment as its calendar file shows it, when the row has one.
    public var calendarFacts: AppointmentCalendarFile.Facts?
    /// The clinic's IANA zone (`system_settings.time_zone`).
    public var timeZone: String
    /// A doctor alert going to the front desk address: filed under the doctor
    /// but not a message to them, so it does not use up their per-user limit.
    public var isFrontDeskCopy: Bool
    /// `notifications.sealed_secret`: the reset token, for PASSWORD_RESET rows.
    public var sealedSecret: [UInt8]?
    /// The links the worker minted for this message (AppointmentLinks); never stored.
    public var links: AppointmentMessageLinks? = nil
    public var logDuplicate: Bool
    public var previousHolder: String?
}

/// The worker's statements: claim due rows under a lease, mark outcomes only
/// while the lease is still ours, and the counts it needs.
public enum OutboxStore {
    /// Per user, the messages SENT to them since `since`, PASSWORD_RESET
    /// excluded (it has its own limit), and so are the front desk's copies of doctor alerts.
    public static func sentCounts(_ conn: Connection, to users: [Int64], since: Instant) throws -> [Int64: Int] {
        var counts: [Int64: Int] = [:]
        for r in try conn.query("""
            SELECT user_id, count(*) AS n FROM notifications
             WHERE user_id = ANY($1) AND status = 'SENT' AND sent_at > $2 AND kind <> 'PASSWORD_RESET'
               AND NOT (kind = 'DOCTOR_ALERT' AND recipient IS NOT DISTINCT FROM (SELECT front_desk_email FROM system_settings)
                        AND recipient IS DISTINCT FROM (SELECT email FROM users WHERE id = notifications.user_id))
             GROUP BY user_id
            """, [.ids(users), since.postgresValue]) {
            counts[try r.id("user_id")] = try r.int("n")
        }
        return counts
    }

    /// Takes up to `limit` due rows with `FOR UPDATE SKIP LOCKED`, stamps the
    /// lease, and reads what their messages need. Call in a transaction.
    public static func claim(_ conn: Connection, now: Instant, limit: Int, leaseUntil: Instant,
                                         worker: String) throws -> [ClaimedNotification] {
        let rows = try conn.query("""
            WITH due AS (
                SELECT id, locked_by AS prev_locked_by, last_error AS prev_error
                  FROM notifications
                 WHERE status = 'PENDING' AND scheduled_at <= $1 AND (locked_until IS NULL OR locked_until <= $1)
                 ORDER BY scheduled_at, id
                 LIMIT $2
                   FOR UPDATE SKIP LOCKED
            )
            UPDATE notifications n
               SET locked_until = $3, locked_by = $4,
                   last_error = CASE WHEN due.prev_locked_by IS NULL THEN n.last_error
                                                 ELSE 'possibly duplicated: the lease of ' || due.prev_locked_by || ' expired in flight' END
              FROM due
             WHERE n.id = due.id
            RETURNING n.id, due.prev_locked_by,
                      (due.prev_locked_by IS NOT NULL AND coalesce(due.prev_error, '') NOT LIKE 'possibly duplicated%') AS log_duplicate
            """, [now.postgresValue, .int(limit), leaseUntil.postgresValue, .text(worker)])
        guard !rows.isEmpty else { return [] }
        var flags: [Int64: (Bool, String?)] = [:]
        for r in rows { flags[try r.id("id")] = (try r.bool("log_duplicate"), try r.optionalString("prev_locked_by")) }
        let details = try conn.query("""
            SELECT n.id, n.user_id, n.channel, n.kind, n.subject, n.body, n.recipient, n.attempts, n.scheduled_at,
                   n.delivery_key::text AS delivery_key, n.appointment_id, n.sealed_secret,
                   u.first_name, u.last_name, u.locale, s.clinic_name, s.time_zone,
                   a.local_date::text AS local_date, a.local_time::text AS local_time, a.starts_at, a.status AS appointment_status,
                   a.ends_at, a.calendar_sequence,
                   (n.kind = 'DOCTOR_ALERT' AND n.recipient = s.front_desk_email AND n.recipient IS DISTINCT FROM u.email) AS front_desk_copy,
                   du.last_name AS doctor_last_name
              FROM notifications n
              JOIN users u ON u.id = n.user_id
              CROSS JOIN system_settings s
              LEFT JOIN appointments a ON a.id = n.appointment_id
              LEFT JOIN doctors d ON d.id = a.doctor_id
              LEFT JOIN users du ON du.id = d.user_id
             WHERE n.id = ANY($1)
             ORDER BY n.scheduled_at, n.id
            """, [.ids(Array(flags.keys))])
        return try details.rows.map { r in
            let id = try r.id("id")
            var appointment: NotificationTemplates.AppointmentDetails?
            var active = false
            var startsAt: Instant?
            var calendarFacts: AppointmentCalendarFile.Facts?
            if let aid = try r.optionalID("appointment_id"), let dateText = try r.optionalString("local_date"),
               let timeText = try r.optionalString("local_time"),
               let date = LocalDate(iso: dateText), let time = LocalTime(iso: String(timeText.prefix(5))) {
                appointment = .init(clinicName: try r.string("clinic_name"),
                                                doctorName: "Dr. " + (try r.optionalString("doctor_last_name") ?? ""),
                                                patientFirstName: try r.string("first_name"), date: date, time: time, appointmentID: aid)
                active = AppointmentStatus(rawValue: try r.string("appointment_status"))?.isActive ?? false
                startsAt = try r.instant("starts_at")
                if let status = AppointmentStatus(rawValue: try r.string("appointment_status")) {
                    calendarFacts = .init(appointmentID: aid, start: try r.instant("starts_at"), end: try r.instant("ends_at"), status: status,
                                          sequence: try r.int("calendar_sequence"), clinicName: try r.string("clinic_name"),
                                          doctorName: appointment?.doctorName ?? "")
                }
            }
            return ClaimedNotification(id: id, userID: try r.id("user_id"), channel: try r.string("channel"), kind: try r.string("kind"),
                                                   subject: try r.string("subject"), body: try r.string("body"), recipient: try r.string("recipient"),
                                       attempts: try r.int("attempts"), scheduledAt: try r.instant("scheduled_at"),
                                       deliveryKey: try r.string("delivery_key"),
                                       recipientName: "\(try r.string("first_name")) \(try r.string("last_name"))",
                                       firstName: try r.string("first_name"),
                                       locale: try r.string("locale"), clinicName: try r.string("clinic_name"),
                                       appointment: appointment, appointmentActive: active, appointmentStartsAt: startsAt,
                                       calendarFacts: calendarFacts, timeZone: try r.string("time_zone"),
                                       isFrontDeskCopy: try r.bool("front_desk_copy"),
                                       sealedSecret: try r.optionalBytes("sealed_secret"),
                                       logDuplicate: flags[id]?.0 ?? false, previousHolder: flags[id]?.1)
        }
    }

    /// SENT, keeping `subject`/`body` as the row's text; false when the lease was lost.
    public static func markSent(_ conn: Connection, _ id: Int64, at now: Instant, subject: String, body: String,
                                            worker: String) throws -> Bool {
        try conn.query("""
            UPDATE notifications SET status = 'SENT', sent_at = $2, attempts = attempts + 1, subject = $3, body = $4,
                   sealed_secret = NULL, locked_until = NULL, locked_by = NULL
             WHERE id = $1 AND locked_by = $5 AND status = 'PENDING'
            """, [.int(Int(id)), now.postgresValue, .text(String(subject.prefix(1000))), .text(String(body.prefix(10_000))),
                  .text(worker)]).affectedRows > 0
    }

    /// Another attempt at `next`, or FAILED once `maxAttempts` are used; false when the lease was lost.
    public static func markRetry(_ conn: Connection, _ id: Int64, error: String, maxAttempts: Int, next: Instant,
                                             worker: String) throws -> Bool {
        try conn.query("""
            UPDATE notifications
               SET attempts = attempts + 1, last_error = $2,
                   status = CASE WHEN attempts + 1 >= $3 THEN 'FAILED' ELSE 'PENDING' END,
                   scheduled_at = CASE WHEN attempts + 1 >= $3 THEN scheduled_at ELSE $4 END,
                   sealed_secret = CASE WHEN attempts + 1 >= $3 THEN NULL ELSE sealed_secret END,
                   locked_until = NULL, locked_by = NULL
             WHERE id = $1 AND locked_by = $5 AND status = 'PENDING'
            """, [.int(Int(id)), .text(String(error.prefix(1000))), .int(maxAttempts), next.postgresValue, .text(worker)]).affectedRows > 0
    }

    /// FAILED after an attempt refused for good; false when the lease was lost.
    public static func markFailed(_ conn: Connection, _ id: Int64, error: String, worker: String) throws -> Bool {
        try conn.query("""
            UPDATE notifications SET status = 'FAILED', attempts = attempts + 1, last_error = $2,
                   sealed_secret = NULL, locked_until = NULL, locked_by = NULL
             WHERE id = $1 AND locked_by = $3 AND status = 'PENDING'
            """, [.int(Int(id)), .text(String(error.prefix(1000))), .text(worker)]).affectedRows > 0
    }

    /// FAILED without an attempt (skipped or suppressed); false when the lease was lost.
    public static func markNotAttempted(_ conn: Connection, _ id: Int64, reason: String, worker: String) throws -> Bool {
        try conn.query("""
            UPDATE notifications SET status = 'FAILED', last_error = $2, sealed_secret = NULL,
                   locked_until = NULL, locked_by = NULL
             WHERE id = $1 AND locked_by = $3 AND status = 'PENDING'
            """, [.int(Int(id)), .text(reason), .text(worker)]).affectedRows > 0
    }

    /// Rows due now and still PENDING.
    public static func dueCount(_ conn: Connection, now: Instant) throws -> Int {
        try conn.query("SELECT count(*) AS n FROM notifications WHERE status = 'PENDING' AND scheduled_at <= $1",
                       [now.postgresValue]).first?.int("n") ?? 0
    }

    /// Every pending reminder moves to its appointment's start minus its own
    /// offset, or `reminderHoursBefore` for a row without one (not before `now`).
    /// Returns the rows moved.
    public static func rescheduleReminders(_ conn: Connection, reminderHoursBefore: Int, now: Instant) throws -> Int {
        try conn.query("""
            UPDATE notifications n
               SET scheduled_at = GREATEST(a.starts_at - make_interval(mins => COALESCE(n.reminder_offset_minutes, $1::int * 60)), $2)
              FROM appointments a
             WHERE a.id = n.appointment_id AND n.kind = 'REMINDER' AND n.status = 'PENDING'
            """, [.int(reminderHoursBefore), now.postgresValue]).affectedRows
    }
}
