// What free slots need besides busy ranges, kept between requests: each doctor's booking
// configuration (availability, buffers, working hours) and the clinic's closures. Changed
// rarely, read on every slot list; the appointments, time off and offers that make a slot
// busy are read by statement every time.
import ClinicDomain
import Postgres
import Synchronization

/// A doctor's booking configuration and the clinic's closures as last read, for
/// `ClinicLoad.slotCalendarRead`. A change made through this process's `Database.write` empties
/// it once its transaction ends; one made elsewhere (another server process, `clinic` commands,
/// SQL by hand) shows within `ttlMicros`, as the settings row does (`SettingsCache`).
public final class CalendarConfigCache: Sendable {
    public static let ttlMicros: Int64 = 5_000_000
    /// More doctors than this are not kept (each entry is a few hundred bytes).
    static let maxDoctors = 10_000

    struct Doctor {
        var booking: ClinicLoad.DoctorBooking
        var hours: [SlotCalendar.WorkingRange]
        var loadedAt: Int64
    }
    struct Closures {
        /// Every closure whose last day is on or after `from`.
        var from: LocalDate
        var list: [ClinicLoad.ClosedDays]
        var loadedAt: Int64
    }
    private struct State {
        /// Bumped by every invalidation: a read that began before one stores nothing.
        var generation: UInt64 = 0
        var doctors: [Int64: Doctor] = [:]
        var closures: Closures?
    }
    private let state = Mutex(State())
    private let hitCount = Atomic<Int>(0), missCount = Atomic<Int>(0)

    public init() {}

    /// Slot lists answered with the kept configuration, and those that read it (`/metrics`).
    public var hits: Int { hitCount.load(ordering: .relaxed) }
    public var misses: Int { missCount.load(ordering: .relaxed) }

    /// The doctor's configuration and the closures ending on or after `closuresFrom`, when both are kept
    /// and fresh at `now`.
    func lookup(_ doctorID: Int64, closuresFrom: LocalDate, now: Instant) -> (Doctor, Closures)? {
        let t = now.microsecondsSinceEpoch
        let found: (Doctor, Closures)? = state.withLock { s in
            guard let d = s.doctors[doctorID], t - d.loadedAt < Self.ttlMicros, t >= d.loadedAt,
                  let c = s.closures, t - c.loadedAt < Self.ttlMicros, t >= c.loadedAt,
                  c.from <= closuresFrom else { return nil }
            return (d, c)
        }
        if found == nil { missCount.add(1, ordering: .relaxed) } else { hitCount.add(1, ordering: .relaxed) }
        return found
    }

    var generation: UInt64 { state.withLock { $0.generation } }

    /// Keeps what a read that began at `generation` found, unless an invalidation came since.
    func store(_ doctorID: Int64, _ doctor: Doctor, closures: Closures, generation: UInt64) {
        state.withLock { s in
            guard s.generation == generation else { return }
            if s.doctors[doctorID] == nil, s.doctors.count >= Self.maxDoctors { s.doctors.removeAll() }
            s.doctors[doctorID] = doctor
            if let kept = s.closures, kept.from < closures.from, kept.loadedAt >= closures.loadedAt { return }
            s.closures = closures
        }
    }

    /// Forgets everything (after a change of hours, buffers, availability or closures, or a restore).
    public func invalidate() {
        state.withLock { s in
            s.generation &+= 1
            s.doctors.removeAll()
            s.closures = nil
        }
    }
}

extension ClinicLoad {
    /// One doctor's calendar around `window` for a free-slot list, in one statement: only the busy
    /// ranges (appointments, time off, offers) when `cache` has the doctor's configuration and the
    /// closures, else those and the doctor's row, working hours and every closure from the window
    /// on, which are then kept. nil: no such doctor.
    public static func slotCalendarRead(doctorID: Int64, window: InstantRange, cache: CalendarConfigCache,
                                        now: Instant) -> Read<CalendarData?> {
        let (days, _) = Instant.floorDivide(window.start.secondsSinceEpoch, 86_400)
        let (lastDays, _) = Instant.floorDivide(window.end.secondsSinceEpoch, 86_400)
        // The closures the calendar statement reads: by UTC dates, a day wider each side.
        let from = LocalDate(daysSinceEpoch: Int(days) - 1), through = LocalDate(daysSinceEpoch: Int(lastDays) + 1)
        @Sendable func near(_ all: [ClosedDays]) -> [ClosedDays] { all.filter { $0.last >= from && $0.first <= through } }
        let busyParameters: [PostgresValue?] = [.ids([doctorID]), window.start.postgresValue, window.end.postgresValue, .int(-1), .int(-1)]
        if let (doctor, closures) = cache.lookup(doctorID, closuresFrom: from, now: now) {
            return Read(busySQL, busyParameters) { result in
                var data = try calendar(result, doctorIDs: [doctorID])[doctorID] ?? CalendarData()
                data.hours = doctor.hours
                data.doctor = doctor.booking
                data.closures = near(closures.list)
                return data
            }
        }
        let generation = cache.generation
        return Read(configAndBusySQL, busyParameters + [from.postgresValue]) { result in
            guard var data = try calendar(result, doctorIDs: [doctorID])[doctorID], let booking = data.doctor else { return nil }
            let t = now.microsecondsSinceEpoch
            cache.store(doctorID, .init(booking: booking, hours: data.hours, loadedAt: t),
                        closures: .init(from: from, list: data.closures, loadedAt: t), generation: generation)
            data.closures = near(data.closures)
            return data
        }
    }

    /// The busy ranges, the doctor's row and working hours, and every closure ending on or after `$6`.
    private static let configAndBusySQL = busySQL + hoursSQL + """

        UNION ALL
        SELECT 'd', d.id, d.buffer_before_minutes::int, d.is_available::text, NULL, d.buffer_after_minutes::int, NULL, NULL
          FROM doctors d WHERE d.id = ANY($1)
        UNION ALL
        SELECT 'c', 0, NULL, c.first_day::text, c.last_day::text, NULL, NULL, NULL
          FROM clinic_closures c WHERE c.last_day >= $6::date
        """
}
