-- How many polls of a watched source have failed in a row (no row: none). A failed poll
-- is retried after 1, 2, 4 ... minutes, up to the source's interval, not the whole interval.
CREATE TABLE core.poll_failures (
    source_id VARCHAR PRIMARY KEY,
    failures  INTEGER NOT NULL
);
