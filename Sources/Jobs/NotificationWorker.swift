// The outbox worker. Any number of them, in any number of processes, share
// the `notifications` table:
//
//   1. claim: one short transaction takes up to `batchSize` due rows with
//      `FOR UPDATE SKIP LOCKED` and stamps a lease (locked_until/locked_by);
//   2. send: outside any transaction, on a thread of its own (sockets block);
//   3. mark: SENT with sent_at, or a retry with exponential backoff and jitter,
//      or FAILED with last_error after `maxAttempts` or a permanent refusal —
//      only while the lease is still ours.
//
// A worker that dies between 1 and 3 leaves its rows leased; when the lease
// expires another worker claims them again and sends them with the same
// delivery key (Message-ID / Idempotency-Key), logging "possibly duplicated"
// once. Reminders are ordinary rows with a future scheduled_at: restarts lose
// nothing and no timer lives in memory.
import ClinicDomain
import ClinicStore
import Crypto
import Delivery
import Foundation
import JSON
import Synchronization

/// What the worker needs of the running app, and nothing more: the database,
/// the clock, how to open a sealed reset token and where its link points,
/// and the per-person message limit.
public struct NotificationInputs: Sendable {
    public var database: Database
    public var clock: Clock
    /// Opens `notifications.sealed_secret` (PASSWORD_RESET rows).
    public var secretSeal: SecretSeal
    /// How long a reset link lives, for the email's text.
    public var resetTokenTTL: Int64
    /// Where reset links point (`<publicURL>/reset?token=…`).
    public var publicURL: String
    /// Messages one person may get per window (NOTIFY_LIMIT_PER_USER).
    public var perUserLimit: (count: Int, periodSeconds: Int)
    /// In production the log transports leave the text out.
    public var isProduction: Bool

    public init(database: Database, clock: Clock, secretSeal: SecretSeal, resetTokenTTL: Int64, publicURL: String,
                perUserLimit: (count: Int, periodSeconds: Int), isProduction: Bool) {
        self.database = database; self.clock = clock; self.secretSeal = secretSeal; self.resetTokenTTL = resetTokenTTL
        self.publicURL = publicURL; self.perUserLimit = perUserLimit; self.isProduction = isProduction
    }
}

public final class NotificationWorker: Sendable {
    public struct Options: Sendable {
        public var batchSize = 10
        public var leaseSeconds: Int64 = 60
        public var pollInterval: Duration = .seconds(1)
        public var maxAttempts = 5
        /// Delay after the first failure; doubled after each further one, ±20 % jitter.
        public var backoffBaseSeconds: Int64 = 30
        public var backoffMaxSeconds: Int64 = 3600
        public init() {}
    }

    public let inputs: NotificationInputs
    public let email: any EmailTransport
    public let sms: any SMSTransport
    /// The envelope sender and From address.
    public let mailFromAddress: String
    /// The From display name; nil: the clinic's name from the settings.
    public let mailFromName: String?
    public let options: Options
    /// `host:pid:random`, stored in locked_by.
    public let workerID: String
    public let recorder = NotificationMetricsRecorder()
    let log: @Sendable (String) -> Void

    private let running = BackgroundLoop()
    private let wakeup = Wakeup()
    private let lastQueuedRefresh = Atomic<Int64>(0)
    private let sendQueue: DispatchQueue

    public init(inputs: NotificationInputs, email: any EmailTransport, sms: any SMSTransport, mailFrom: String,
                options: Options = Options(), workerID: String? = nil, log: @escaping @Sendable (String) -> Void) {
        self.inputs = inputs
        self.email = email
        self.sms = sms
        let (name, address) = NotificationWorker.splitMailbox(mailFrom)
        self.mailFromAddress = address
        self.mailFromName = name
        self.options = options
        self.workerID = workerID ?? NotificationWorker.makeWorkerID()
        self.log = log
        self.sendQueue = DispatchQueue(label: "notification-delivery")
    }

    public var metrics: NotificationMetrics { recorder.snapshot }

    // MARK: - Lifecycle

    /// Starts the polling loop (idempotent).
    public func start() {
        running.start { [self] in await self.loop() }
    }

    /// Finishes the batch in hand, then stops. Rows not yet claimed stay for the next worker.
    public func stop() async {
        await running.stop(cancel: false) { wakeup.signal() }
    }

    /// Wakes the loop now (e.g. after enqueueing) instead of at the next poll.
    public func signal() { wakeup.signal() }

    private func loop() async {
        log("notification worker \(workerID) started: email via \(email.label), SMS via \(sms.label)")
        var failures = 0
        while !running.isStopping {
            do {
                let handled = try await runOnce()
                failures = 0
                if handled > 0 { continue }
            } catch {
                failures += 1
                if failures == 1 || failures % 60 == 0 { log("notification worker \(workerID): \(error)") }
            }
            if running.isStopping { break }
            await wakeup.wait(timeout: options.pollInterval)
        }
        log("notification worker \(workerID) stopped")
    }

    // MARK: - One round

    /// Claims one batch of due rows, delivers it and records the outcomes.
    /// Returns how many rows it claimed (0: nothing due).
    @discardableResult
    public func runOnce() async throws -> Int {
        let now = inputs.clock.now
        let batch = try await claim(now: now)
        if batch.isEmpty {
            try await refreshQueued(now: now)
            return 0
        }
        let recent = try await sentRecently(to: Set(batch.map(\.userID)), now: now)
        let outcomes = await deliver(batch, now: now, sentRecently: recent)
        try await mark(batch, outcomes, now: now)
        return batch.count
    }

    /// Messages that count against the per-user limit: every kind but
    /// PASSWORD_RESET, which has its own (3 per address per hour) and must
    /// still reach someone whose quota others' actions used up.
    /// A waitlist offer is exempt too: it holds a slot for minutes, and
    /// suppressing it would keep the slot from everyone for nothing.
    static func countsAgainstUserLimit(_ kind: String) -> Bool { kind != "PASSWORD_RESET" && kind != "WAITLIST_OFFER" }

    /// Per user, the messages sent to them within the limit's window (from
    /// the table, so every worker process and restart sees the same count).
    func sentRecently(to users: Set<Int64>, now: Instant) async throws -> [Int64: Int] {
        let window = inputs.perUserLimit.periodSeconds
        return try await inputs.database.read { conn in
            try OutboxStore.sentCounts(conn, to: Array(users), since: now.adding(seconds: -Int64(window)))
        }
    }

    typealias Claimed = ClaimedNotification


    enum Outcome: Sendable, Equatable {
        /// Sent; the row keeps this text (never a secret: see `Content.stored`).
        case sent(subject: String, body: String)
        case retry(String)
        case permanent(String)
        /// Not attempted (a reminder of an appointment that is no longer upcoming).
        case skipped(String)
        /// Not attempted: the user already got their limit of messages this
        /// hour (RateLimitSettings.notificationsPerUser); logged and audited.
        case suppressed(String)
    }

    func claim(now: Instant) async throws -> [Claimed] {
        let lease = now.adding(seconds: options.leaseSeconds)
        let (limit, me) = (options.batchSize, workerID)
        let publicURL = inputs.publicURL
        return try await inputs.database.write { conn in
            let claimed = try OutboxStore.claim(conn, now: now, limit: limit, leaseUntil: lease, worker: me)
            return try Self.mintLinks(conn, claimed, publicURL: publicURL, now: now)
        }
    }

    /// The links of each appointment message (AppointmentLinks), minted in
    /// the claim's transaction: the tokens live only in this batch's memory
    /// and in the messages sent, their hashes in `appointment_links`. A row
    /// sent again (retry, expired lease) gets new tokens; the earlier ones
    /// were never delivered or die with the appointment's start anyway.
    static func mintLinks(_ conn: Connection, _ batch: [Claimed], publicURL: String, now: Instant) throws -> [Claimed] {
        let ids = batch.compactMap { NotificationTemplates.appointmentKinds.contains($0.kind) ? $0.appointment?.appointmentID : nil }
        guard !ids.isEmpty else { return batch }
        let facts = try AppointmentLinkStore.mintingFacts(conn, appointmentIDs: Array(Set(ids)))
        var minted: [NewAppointmentLink] = []
        let linked = batch.map { c -> Claimed in
            guard NotificationTemplates.appointmentKinds.contains(c.kind), let id = c.appointment?.appointmentID else { return c }
            var c = c
            var links = AppointmentMessageLinks()
            if c.kind == "CANCELLED" { links.bookAgain = AppointmentLinks.bookingURL(publicURL: publicURL) }
            if let a = facts.appointments[id] {
                for action in AppointmentLinks.actions(kind: c.kind, channel: c.channel, status: a.status, startsAt: a.startsAt,
                                                       window: facts.window, now: now) {
                    let (token, hash) = OpaqueToken.generate()
                    minted.append(NewAppointmentLink(hash: hash, appointmentID: id, action: action, notificationID: c.id,
                                                     expiresAt: AppointmentLinks.expiry(startsAt: a.startsAt)))
                    links[action] = AppointmentLinks.url(publicURL: publicURL, token: token)
                }
            }
            c.links = links
            return c
        }
        try AppointmentLinkStore.insert(conn, minted, now: now)
        return linked
    }

    /// What a row is sent with, and what the row keeps afterwards (the same,
    /// except where the message carries a secret: that never goes back into
    /// the readable columns).
    struct Content: Sendable {
        var sent: (subject: String, body: String)
        var stored: (subject: String, body: String)
    }

    /// The subject and body a row is sent with: appointment kinds are rendered
    /// from the appointment's current data in the patient's language, with
    /// their links (the stored text has placeholders instead);
    /// PASSWORD_RESET from its sealed token (nil when the seal is missing or
    /// cannot be opened: the row fails, the person asks for a new link);
    /// others (CUSTOM) go as stored.
    func content(_ c: Claimed) -> Content? {
        if NotificationTemplates.appointmentKinds.contains(c.kind), let a = c.appointment {
            let text = NotificationTemplates.appointment(kind: c.kind, channel: c.channel, locale: c.locale, a, links: c.links)
            return Content(sent: text, stored: NotificationTemplates.appointment(kind: c.kind, channel: c.channel, locale: c.locale, a,
                                                                                 links: c.links?.redacted))
        }
        if c.kind == "PASSWORD_RESET" {
            guard let sealed = c.sealedSecret, let token = PasswordResetEmail.unseal(sealed, with: inputs.secretSeal) else { return nil }
            let minutes = inputs.resetTokenTTL / 60
            let link = PasswordResetEmail.link(publicURL: inputs.publicURL, token: token)
            return Content(sent: PasswordResetEmail.deliverable(locale: c.locale, firstName: c.firstName, minutes: minutes,
                                                                clinicName: c.clinicName, link: link),
                           stored: PasswordResetEmail.redacted(locale: c.locale, firstName: c.firstName, minutes: minutes,
                                                               clinicName: c.clinicName))
        }
        if c.kind == "WAITLIST_OFFER" {
            guard let sealed = c.sealedSecret, let token = PasswordResetEmail.unseal(sealed, with: inputs.secretSeal) else { return nil }
            let link = WaitlistOfferMessage.link(publicURL: inputs.publicURL, token: token)
            return Content(sent: WaitlistOfferMessage.deliverable(stored: (c.subject, c.body), link: link), stored: (c.subject, c.body))
        }
        return Content(sent: (c.subject, c.body), stored: (c.subject, c.body))
    }

    func deliver(_ batch: [Claimed], now: Instant, sentRecently: [Int64: Int] = [:]) async -> [Int64: Outcome] {
        var outcomes: [Int64: Outcome] = [:]
        var sentTo = sentRecently
        let limit = inputs.perUserLimit
        var emails: [(Int64, EmailMessage, (String, String))] = []
        var texts: [(Int64, SMSMessage, (String, String))] = []
        for c in batch {
            metricsClaimed(c)
            if c.kind == "REMINDER", c.appointment != nil,
               !c.appointmentActive || (c.appointmentStartsAt.map { !(now < $0) } ?? false) {
                outcomes[c.id] = .skipped("not sent: the appointment is no longer upcoming")
                continue
            }
            // Numbers stored before phone numbers were checked may be free
            // text; an SMS goes only to an international number.
            if c.channel == "SMS", !PhoneNumber.isValid(c.recipient, kind: .international) {
                outcomes[c.id] = .permanent("not sent: the recipient is not an international phone number (+ and country code)")
                continue
            }
            if Self.countsAgainstUserLimit(c.kind), !c.isFrontDeskCopy {
                if sentTo[c.userID, default: 0] >= limit.count {
                    outcomes[c.id] = .suppressed("not sent: this person already got \(limit.count) messages in the last "
                                                 + "\(limit.periodSeconds / 60) minutes (NOTIFY_LIMIT_PER_USER)")
                    continue
                }
                sentTo[c.userID, default: 0] += 1
            }
            guard let content = content(c) else {
                outcomes[c.id] = .skipped(c.kind == "WAITLIST_OFFER" ? "not sent: the offer link could not be unsealed (JWT_SECRET changed?)"
                                                                     : "not sent: the reset link could not be unsealed (JWT_SECRET changed?); request a new link")
                continue
            }
            if c.channel == "SMS" {
                texts.append((c.id, SMSMessage(deliveryKey: c.deliveryKey, to: c.recipient, body: content.sent.body, kind: c.kind),
                               content.stored))
            } else {
                let m = EmailMessage(deliveryKey: c.deliveryKey, fromAddress: mailFromAddress, fromName: mailFromName ?? c.clinicName,
                                     toAddress: c.recipient, toName: c.recipientName, subject: content.sent.subject,
                                     body: content.sent.body, date: now.secondsSinceEpoch, kind: c.kind,
                                     attachments: calendarAttachment(c, now: now).map { [$0] } ?? [])
                emails.append((c.id, m, content.stored))
            }
        }
        let (email, sms) = (self.email, self.sms)
        let emailMessages = emails.map(\.1), smsMessages = texts.map(\.1)
        let (emailResults, smsResults) = await withCheckedContinuation { (cont: CheckedContinuation<([DeliveryOutcome], [DeliveryOutcome]), Never>) in
            sendQueue.async {
                let e = emailMessages.isEmpty ? [] : email.send(emailMessages)
                let s = smsMessages.isEmpty ? [] : sms.send(smsMessages)
                cont.resume(returning: (e, s))
            }
        }
        for (i, e) in emails.enumerated() { outcomes[e.0] = Self.outcome(i < emailResults.count ? emailResults[i] : .retry("no result"), e.2) }
        for (i, t) in texts.enumerated() { outcomes[t.0] = Self.outcome(i < smsResults.count ? smsResults[i] : .retry("no result"), t.2) }
        return outcomes
    }

    /// The `.ics` of a patient's booking, reschedule or cancellation email,
    /// rendered like its text from the appointment's current data.
    func calendarAttachment(_ c: Claimed, now: Instant) -> EmailAttachment? {
        guard let facts = c.calendarFacts, let zone = ClinicTimeZone(identifier: c.timeZone),
              let file = AppointmentCalendarFile.invitation(
                kind: c.kind, facts: facts, zone: zone, domain: AppointmentCalendarFile.domain(publicURL: inputs.publicURL),
                organizer: ICalendar.Person(name: mailFromName ?? c.clinicName, email: mailFromAddress),
                patient: ICalendar.Person(name: c.recipientName, email: c.recipient), locale: c.locale, stamp: now) else { return nil }
        return EmailAttachment(contentType: "text/calendar; charset=UTF-8; method=" + file.method.rawValue,
                               fileName: AppointmentCalendarFile.fileName(locale: c.locale), content: Array(file.text.utf8))
    }

    private func metricsClaimed(_ c: Claimed) {
        recorder.update { $0.claimed += 1; if c.previousHolder != nil { $0.reclaimed += 1 } }
        if c.logDuplicate {
            log("notification \(c.id) (delivery key \(c.deliveryKey)): possibly duplicated — the lease of \(c.previousHolder ?? "?") expired "
                + "while it was in flight; sending again with the same Message-ID/Idempotency-Key")
        }
    }

    static func outcome(_ d: DeliveryOutcome, _ content: (String, String)) -> Outcome {
        switch d {
        case .sent: return .sent(subject: content.0, body: content.1)
        case .retry(let why): return .retry(why)
        case .permanent(let why): return .permanent(why)
        }
    }

    /// Exponential backoff with ±20 % jitter after the `attempt`-th failure (1-based).
    func backoffSeconds(afterAttempt attempt: Int) -> Int64 {
        let exponent = min(max(attempt - 1, 0), 20)
        let base = min(options.backoffBaseSeconds << Int64(exponent), options.backoffMaxSeconds)
        let jitter = Double.random(in: 0.8...1.2)
        return max(1, Int64(Double(base) * jitter))
    }

    func mark(_ batch: [Claimed], _ outcomes: [Int64: Outcome], now: Instant) async throws {
        let me = workerID
        let maxAttempts = options.maxAttempts
        var plans: [(Claimed, Outcome, Int64?)] = []
        for c in batch {
            let o = outcomes[c.id] ?? .retry("not attempted")
            var delay: Int64?
            if case .retry = o { delay = backoffSeconds(afterAttempt: c.attempts + 1) }
            plans.append((c, o, delay))
        }
        let frozen = plans
        let lost = try await inputs.database.write { conn -> [Int64] in
            var lost: [Int64] = []
            for (c, o, delay) in frozen {
                let kept: Bool
                switch o {
                case .sent(let subject, let body):
                    kept = try OutboxStore.markSent(conn, c.id, at: now, subject: subject, body: body, worker: me)
                case .retry(let why):
                    let next = now.adding(seconds: delay ?? 60)
                    kept = try OutboxStore.markRetry(conn, c.id, error: why, maxAttempts: maxAttempts, next: next, worker: me)
                case .permanent(let why):
                    kept = try OutboxStore.markFailed(conn, c.id, error: why, worker: me)
                case .skipped(let why), .suppressed(let why):
                    if case .suppressed = o {
                        try AuditLog.record(conn, actor: nil, action: "notification.suppressed",
                                         target: GlobalID.encode(type: "Notification", id: c.id),
                                         details: .object([("user", .string(GlobalID.encode(type: "User", id: c.userID))),
                                                           ("kind", .string(c.kind)), ("channel", .string(c.channel))]),
                                         ip: nil)
                    }
                    kept = try OutboxStore.markNotAttempted(conn, c.id, reason: why, worker: me)
                }
                if !kept { lost.append(c.id) }
            }
            return lost
        }
        let lostSet = Set(lost)
        for (c, o, _) in plans where !lostSet.contains(c.id) {
            switch o {
            case .sent:
                recorder.recordSent(latencySeconds: Double(now.microsecondsSinceEpoch - c.scheduledAt.microsecondsSinceEpoch) / 1e6)
            case .retry(let why):
                if c.attempts + 1 >= maxAttempts {
                    recorder.update { $0.failed += 1 }
                    log("notification \(c.id) FAILED after \(maxAttempts) attempts: \(why)")
                } else {
                    recorder.update { $0.retried += 1 }
                }
            case .permanent(let why):
                recorder.update { $0.failed += 1 }
                log("notification \(c.id) FAILED (permanent): \(why)")
            case .skipped:
                break
            case .suppressed(let why):
                recorder.update { $0.failed += 1 }
                log("notification \(c.id) (\(c.kind), \(c.channel)) to user \(c.userID) \(why)")
            }
        }
        if !lost.isEmpty {
            log("notification worker \(workerID): lease lost before marking rows \(lost) (another worker took them over)")
        }
    }

    private func refreshQueued(now: Instant) async throws {
        let last = lastQueuedRefresh.load(ordering: .relaxed)
        guard now.microsecondsSinceEpoch - last > 5_000_000 else { return }
        lastQueuedRefresh.store(now.microsecondsSinceEpoch, ordering: .relaxed)
        let n = try await inputs.database.read { conn in
            try OutboxStore.dueCount(conn, now: now)
        }
        recorder.update { $0.queued = n }
    }

    // MARK: - Reminders

    /// Every pending reminder moves to its appointment's start minus its own
    /// offset (issue #17); a row stored without one (before migration 0017
    /// or by hand) takes `reminderHoursBefore` (not before now). The settings
    /// mutation uses `ClinicOutbox.followReminderOffsets` instead.
    /// Call inside a transaction. Returns the rows moved.
    @discardableResult
    public static func rescheduleReminders(_ conn: Connection, reminderHoursBefore: Int, now: Instant) throws -> Int {
        try OutboxStore.rescheduleReminders(conn, reminderHoursBefore: reminderHoursBefore, now: now)
    }

    // MARK: - Construction for the server

    /// The worker `clinic serve`/`clinic worker` run. Without a URL, that
    /// channel is written to the log (marked NOT SENT; in production without
    /// the text, which may hold reset links or health data). A bad URL or sender
    /// throws an error whose description is one line.
    public static func makeWorker(inputs: NotificationInputs, smtpURL: String?, mailFrom: String, smsWebhookURL: String?,
                                  log: @escaping @Sendable (String) -> Void) throws -> NotificationWorker {
        let (_, address) = splitMailbox(mailFrom)
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty,
              !address.contains(where: { $0 == " " || $0 == "<" || $0 == ">" || $0 == "\r" || $0 == "\n" }) else {
            throw NotificationConfigError("MAIL_FROM: not an email address: \"\(mailFrom.prefix(80))\"")
        }
        let email: any EmailTransport
        if let url = smtpURL?.trimmingCharacters(in: .whitespaces), !url.isEmpty {
            email = SMTPTransport(configuration: try SMTPConfiguration.parse(url))
        } else {
            email = LogEmailTransport(log: log, revealsContent: !inputs.isProduction)
        }
        let sms: any SMSTransport
        if let url = smsWebhookURL?.trimmingCharacters(in: .whitespaces), !url.isEmpty {
            sms = SMSWebhookTransport(configuration: try SMSWebhookConfiguration.parse(url))
        } else {
            sms = LogSMSTransport(log: log, revealsContent: !inputs.isProduction)
        }
        return NotificationWorker(inputs: inputs, email: email, sms: sms, mailFrom: mailFrom, log: log)
    }

    /// "Clinic <clinic@x>" → ("Clinic", "clinic@x"); "clinic@x" → (nil, "clinic@x").
    static func splitMailbox(_ text: String) -> (String?, String) {
        let t = text.trimmingCharacters(in: .whitespaces)
        if t.hasSuffix(">"), let open = t.lastIndex(of: "<") {
            var name = t[..<open].trimmingCharacters(in: .whitespaces)
            if name.hasPrefix("\""), name.hasSuffix("\""), name.count >= 2 { name = String(name.dropFirst().dropLast()) }
            return (name.isEmpty ? nil : name, String(t[t.index(after: open)..<t.index(before: t.endIndex)]))
        }
        return (nil, t)
    }

    static func makeWorkerID() -> String {
        var host = [CChar](repeating: 0, count: 256)
        gethostname(&host, host.count)
        let name = String(decoding: host.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return "\(name.isEmpty ? "host" : name):\(getpid()):\(String(UInt32.random(in: 0...UInt32.max), radix: 16))"
    }
}

/// A configuration mistake found at startup; the description is one line.
public struct NotificationConfigError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Sleep until signalled or a timeout passes; a signal with no waiter is kept for the next wait.
final class Wakeup: Sendable {
    private let state = Mutex<(pending: Bool, waiter: CheckedContinuation<Void, Never>?)>((false, nil))

    func signal() {
        let waiter = state.withLock { s -> CheckedContinuation<Void, Never>? in
            if let w = s.waiter { s.waiter = nil; return w }
            s.pending = true
            return nil
        }
        waiter?.resume()
    }

    func wait(timeout: Duration) async {
        let timer = Task { [self] in
            guard (try? await Task.sleep(for: timeout)) != nil else { return }
            self.signal()
        }
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let now = state.withLock { s -> Bool in
                if s.pending { s.pending = false; return true }
                s.waiter = c
                return false
            }
            if now { c.resume() }
        }
        timer.cancel()
    }
}
