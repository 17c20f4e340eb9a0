-- Work a stored batch still owes: matching its new versions against the warehouse (kind
-- 'stories') and comparing pairs of versions ('revision', 'republication'). A row is
-- written in the transaction that makes the work due and deleted in the one that stores
-- its result: a run killed in between leaves it here, and the next run does it first.
CREATE TABLE core.pending_work (
    kind           VARCHAR NOT NULL,          -- stories | revision | republication
    version_id     VARCHAR NOT NULL,          -- the version to match; a pair's old version
    new_version_id VARCHAR,                   -- a pair's new version
    run_id         VARCHAR
);
