-- Scheduled runs: the articles being tracked, and every revisit with the reason for it.
CREATE TABLE core.tracked (
    url                 VARCHAR PRIMARY KEY,      -- canonical URL
    site                VARCHAR,
    source_id           VARCHAR,                  -- the watched source that found it
    first_seen          TIMESTAMPTZ NOT NULL,
    published_at        TIMESTAMPTZ,
    last_checked_at     TIMESTAMPTZ,
    last_changed_at     TIMESTAMPTZ,
    n_checks            INTEGER NOT NULL DEFAULT 0,
    n_unchanged_streak  INTEGER NOT NULL DEFAULT 0,
    n_changes           INTEGER NOT NULL DEFAULT 0,
    next_check_at       TIMESTAMPTZ,              -- NULL: no more checks (past the horizon)
    reason              VARCHAR                   -- why next_check_at is what it is
);

CREATE TABLE core.revisits (
    url                 VARCHAR NOT NULL,
    site                VARCHAR,
    checked_at          TIMESTAMPTZ NOT NULL,
    due_at              TIMESTAMPTZ,              -- when the schedule said to check
    due_reason          VARCHAR,                  -- why it was due (the reason given then)
    previous_check_at   TIMESTAMPTZ,
    origin              TIMESTAMPTZ NOT NULL,     -- published_at, else first_seen
    last_changed_at     TIMESTAMPTZ,              -- before this check
    outcome             VARCHAR NOT NULL,         -- first | changed | unchanged | failed
    next_check_at       TIMESTAMPTZ,
    reason              VARCHAR,
    run_id              VARCHAR
);
