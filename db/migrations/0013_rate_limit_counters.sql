-- 0013: rate-limit counters shared by every server process (issue #18), so N
-- servers behind a balancer enforce the same limits as one. Fixed windows
-- aligned to the epoch (every server agrees where a window starts). Login
-- lockouts, password-hashing budgets and reset-request limits count here
-- synchronously (exact); per-request limits are counted in memory and added
-- here in batches a few times a second (see Resolvers/Core/Caches.swift).
CREATE TABLE rate_limit_counters (
    key           text        NOT NULL,
    window_start  timestamptz NOT NULL,
    hits          integer     NOT NULL,
    PRIMARY KEY (key, window_start)
);
CREATE INDEX rate_limit_counters_window_idx ON rate_limit_counters (window_start);
