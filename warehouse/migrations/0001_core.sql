-- The core tables: articles, their versions and sentences, comparisons, and the record of
-- every run, fetch and reject. Users query the views in warehouse/views, not these.
CREATE SCHEMA IF NOT EXISTS core;

CREATE TABLE core.runs (
    run_id        VARCHAR PRIMARY KEY,
    flow_run_id   VARCHAR,
    started_at    TIMESTAMPTZ NOT NULL,
    finished_at   TIMESTAMPTZ,
    status        VARCHAR NOT NULL,           -- running | completed | completed_with_rejects | failed
    command       VARCHAR,
    n_inputs      BIGINT DEFAULT 0,
    n_articles_new BIGINT DEFAULT 0,
    n_versions_new BIGINT DEFAULT 0,
    n_unchanged   BIGINT DEFAULT 0,
    n_duplicates  BIGINT DEFAULT 0,
    n_rejected    BIGINT DEFAULT 0,
    n_comparisons BIGINT DEFAULT 0
);

CREATE TABLE core.articles (
    article_id    VARCHAR PRIMARY KEY,        -- stable: hash of the canonical URL or source key
    url           VARCHAR,
    source_key    VARCHAR NOT NULL,
    site          VARCHAR,
    first_seen    TIMESTAMPTZ NOT NULL
);

CREATE TABLE core.versions (
    version_id    VARCHAR PRIMARY KEY,        -- stable: hash of article_id and text_hash
    article_id    VARCHAR NOT NULL,
    version_no    INTEGER NOT NULL,
    title         VARCHAR,
    byline        VARCHAR,
    published_at  TIMESTAMPTZ,
    dateline      VARCHAR,
    seen_at       TIMESTAMPTZ NOT NULL,
    text          VARCHAR NOT NULL,
    norm          VARCHAR NOT NULL,           -- comparison form: typography folded
    text_hash     VARCHAR NOT NULL,
    n_words       INTEGER NOT NULL,
    language      VARCHAR,
    source        VARCHAR,
    extractor     VARCHAR,
    run_id        VARCHAR,
    UNIQUE (article_id, version_no)
);

-- Every time a known text was seen again: last_seen and 'unchanged' come from here.
CREATE TABLE core.sightings (
    version_id    VARCHAR NOT NULL,
    seen_at       TIMESTAMPTZ NOT NULL,
    run_id        VARCHAR,
    source        VARCHAR
);

CREATE TABLE core.sentences (
    version_id    VARCHAR NOT NULL,
    sentence_no   INTEGER NOT NULL,
    paragraph_no  INTEGER NOT NULL,
    text          VARCHAR NOT NULL,
    norm          VARCHAR NOT NULL,
    sentence_hash VARCHAR NOT NULL
);

CREATE TABLE core.comparisons (
    comparison_id  VARCHAR PRIMARY KEY,       -- stable: hash of old, new and relation
    old_version_id VARCHAR NOT NULL,
    new_version_id VARCHAR NOT NULL,
    relation       VARCHAR NOT NULL,          -- revision | republication
    jaccard        DOUBLE,
    containment    DOUBLE,
    n_same         INTEGER,
    n_changed      INTEGER,
    n_added        INTEGER,
    n_removed      INTEGER,
    n_moved        INTEGER,
    title_changed  BOOLEAN,
    compared_at    TIMESTAMPTZ,
    run_id         VARCHAR
);

CREATE TABLE core.sentence_edits (
    comparison_id   VARCHAR NOT NULL,
    edit_no         INTEGER NOT NULL,
    kind            VARCHAR NOT NULL,
    old_sentence_no INTEGER,
    new_sentence_no INTEGER,
    old_text        VARCHAR,
    new_text        VARCHAR,
    similarity      DOUBLE
);

CREATE TABLE core.phrase_edits (
    comparison_id   VARCHAR NOT NULL,
    old_sentence_no INTEGER,
    new_sentence_no INTEGER,
    removed         VARCHAR NOT NULL,
    inserted        VARCHAR NOT NULL
);

CREATE TABLE core.rejects (
    source  VARCHAR NOT NULL,
    reason  VARCHAR NOT NULL,
    detail  VARCHAR,
    "at"    TIMESTAMPTZ NOT NULL,
    run_id  VARCHAR
);

CREATE TABLE core.fetches (
    url           VARCHAR NOT NULL,
    final_url     VARCHAR,
    status_code   INTEGER,
    error         VARCHAR,
    fetched_at    TIMESTAMPTZ NOT NULL,
    bytes         BIGINT,
    etag          VARCHAR,
    last_modified VARCHAR,
    elapsed_ms    DOUBLE,
    content_type  VARCHAR,
    snapshot      VARCHAR,                    -- content hash in the snapshot store
    run_id        VARCHAR
);

CREATE TABLE core.sources (
    source_id      VARCHAR PRIMARY KEY,
    kind           VARCHAR NOT NULL,          -- feed | sitemap | page
    uri            VARCHAR NOT NULL UNIQUE,
    added_at       TIMESTAMPTZ NOT NULL,
    last_polled_at TIMESTAMPTZ,
    next_poll_at   TIMESTAMPTZ,
    poll_interval  INTERVAL
);

-- Near-duplicates and stories. Every sketched version: how, and its MinHash signature.
CREATE TABLE core.dedupe_sketches (
    version_id    VARCHAR PRIMARY KEY,
    n_shingles    INTEGER NOT NULL,           -- 0: no words, never a candidate
    n_anchors     INTEGER NOT NULL,
    signature     UINTEGER[] NOT NULL,
    params        VARCHAR NOT NULL            -- JSON: shingle_size, num_perm, bands, scale, seed
);

-- LSH bands: a candidate pair shares a (band, key).
CREATE TABLE core.lsh_bands (
    version_id    VARCHAR NOT NULL,
    band          UTINYINT NOT NULL,
    key           UBIGINT NOT NULL
);

-- Containment anchors (FracMinHash, 1 in `scale` shingles): a candidate pair shares many.
CREATE TABLE core.dedupe_anchors (
    version_id    VARCHAR NOT NULL,
    key           UBIGINT NOT NULL
);

CREATE TABLE core.duplicate_pairs (
    version_a         VARCHAR NOT NULL,
    version_b         VARCHAR NOT NULL,
    method            VARCHAR NOT NULL,        -- exact | minhash-lsh | ...
    estimated_jaccard DOUBLE,
    jaccard           DOUBLE,
    containment       DOUBLE,
    shared            INTEGER,                 -- shingles in common, and each side's count:
    n_a               INTEGER,                 -- how much of a is in b and of b in a
    n_b               INTEGER,
    params            JSON,
    found_at          TIMESTAMPTZ,
    run_id            VARCHAR
);

CREATE TABLE core.stories (
    story_id            VARCHAR PRIMARY KEY,
    original_version_id VARCHAR NOT NULL,
    updated_at          TIMESTAMPTZ
);

CREATE TABLE core.story_members (
    story_id     VARCHAR NOT NULL,
    article_id   VARCHAR NOT NULL,
    version_id   VARCHAR NOT NULL,
    jaccard      DOUBLE,
    containment  DOUBLE,
    is_original  BOOLEAN NOT NULL
);
