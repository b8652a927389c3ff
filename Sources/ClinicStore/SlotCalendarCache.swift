// Free-slot lists are the busiest public read, and most of them ask what the last one asked
// (patients browsing the same doctors' next days). Each doctor's calendar for a window (busy
// ranges, working hours, booking configuration, closures) is kept as read from the primary, for
// as long as nothing under it changed, which this process learns:
// - from its own writes, when their transaction ends (`Database.write`);
// - from everyone's commits through LISTEN (migration 0022's triggers notify `clinic_calendar`),
//   read by a `ChangeListener` session. Only while it listens is anything kept: when it loses its
//   session, everything is dropped and nothing is kept until it listens again.
// An entry also expires after `ttlMicros`, the bound for a change that bypasses the triggers.
import ClinicDomain
import Postgres
import Synchronization

public final class SlotCalendarCache: Sendable {
    /// How long an entry answers at most.
    public static let ttlMicros: Int64 = 5_000_000
    /// More windows than this and the cache starts over (each entry is a few hundred bytes).
    static let maxEntries = 10_000
    /// The LISTEN channel of migration 0022.
    public static let channel = "clinic_calendar"

    struct Window: Hashable {
        var start: Int64
        var end: Int64
        init(_ range: InstantRange) { start = range.start.microsecondsSinceEpoch; end = range.end.microsecondsSinceEpoch }
    }
    private struct Entry {
        var data: ClinicLoad.CalendarData
        var loadedAt: Int64
    }
    private struct State {
        var listening = false
        /// Bumped by every drop: a read that began before one keeps nothing.
        var generation: UInt64 = 0
        var doctors: [Int64: [Window: Entry]] = [:]
        var count = 0
    }
    private let state = Mutex(State())
    private let hitCount = Atomic<Int>(0), missCount = Atomic<Int>(0)

    public init() {}

    /// Lists answered from what was kept, and those that read (`/metrics`).
    public var hits: Int { hitCount.load(ordering: .relaxed) }
    public var misses: Int { missCount.load(ordering: .relaxed) }
    /// Whether anything is kept now (a listener reports changes).
    public var isListening: Bool { state.withLock { $0.listening } }

    /// The doctor's calendar for `window` as kept, when fresh at `now`.
    public func lookup(_ doctorID: Int64, _ window: InstantRange, now: Instant) -> ClinicLoad.CalendarData? {
        let t = now.microsecondsSinceEpoch
        let found = state.withLock { s -> ClinicLoad.CalendarData? in
            guard s.listening, let e = s.doctors[doctorID]?[Window(window)], t >= e.loadedAt, t - e.loadedAt < Self.ttlMicros else { return nil }
            return e.data
        }
        if found == nil { missCount.add(1, ordering: .relaxed) } else { hitCount.add(1, ordering: .relaxed) }
        return found
    }

    /// What a read that starts now passes to `store`; nil: it would keep nothing (not listening).
    public func ticket() -> UInt64? { state.withLock { $0.listening ? $0.generation : nil } }

    /// Keeps what a read that took `ticket` before its statement found on the primary, unless a
    /// change came since.
    public func store(_ doctorID: Int64, _ window: InstantRange, _ data: ClinicLoad.CalendarData, ticket: UInt64, now: Instant) {
        state.withLock { s in
            guard s.listening, s.generation == ticket else { return }
            if s.count >= Self.maxEntries { s.doctors.removeAll(); s.count = 0 }
            if s.doctors[doctorID, default: [:]].updateValue(Entry(data: data, loadedAt: now.microsecondsSinceEpoch), forKey: Window(window)) == nil {
                s.count += 1
            }
        }
    }

    /// Drops one doctor's calendars (their busy ranges changed).
    public func drop(doctorID: Int64) {
        state.withLock { s in
            s.generation &+= 1
            if let removed = s.doctors.removeValue(forKey: doctorID) { s.count -= removed.count }
        }
    }

    /// Drops everything (configuration or closures changed, a restore, a change this process made).
    public func dropAll() {
        state.withLock { Self.clear(&$0) }
    }

    /// Starts (true) or stops keeping calendars; either way what was kept is dropped.
    public func setListening(_ listening: Bool) {
        state.withLock { s in
            s.listening = listening
            Self.clear(&s)
        }
    }

    private static func clear(_ s: inout State) {
        s.generation &+= 1
        s.doctors.removeAll()
        s.count = 0
    }
}

extension Database {
    /// A listener on `clinic_calendar` that keeps `slotCalendars` and `calendarConfig` in step with
    /// every session's commits; `start()` it. Without one, nothing is kept between free-slot lists
    /// but the configuration (`CalendarConfigCache`, by time).
    public func calendarListener(connectionString: String) -> ChangeListener {
        ChangeListener(connectionString: connectionString, channel: SlotCalendarCache.channel) { [slotCalendars, calendarConfig] event in
            switch event {
            case .listening, .lost:
                // Commits made while not listening were not seen.
                calendarConfig.invalidate()
                slotCalendars.setListening(event == .listening)
            case .notification(let payload):
                if payload.first == "b", let id = Int64(payload.dropFirst()) {
                    slotCalendars.drop(doctorID: id)
                } else {
                    calendarConfig.invalidate()
                    slotCalendars.dropAll()
                }
            }
        }
    }
}
