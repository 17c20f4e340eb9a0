-- Extraction health: what `pressdiff reextract` found when it ran the current extractor
-- over a version's stored page (its snapshot). A re-extraction that differs from the
-- stored text is compared with it as relation 'reextraction', never stored as a version.
CREATE TABLE core.reextractions (
    reextraction_id VARCHAR PRIMARY KEY,      -- stable: hash of version, snapshot, extractor
    version_id      VARCHAR NOT NULL,         -- the version whose stored page was re-read
    snapshot        VARCHAR NOT NULL,         -- content hash in the snapshot store
    extractor       VARCHAR NOT NULL,         -- what produced the new text
    title           VARCHAR,
    text            VARCHAR,
    text_hash       VARCHAR,
    differs         BOOLEAN NOT NULL,         -- the text is not the version's
    reextracted_at  TIMESTAMPTZ NOT NULL,
    run_id          VARCHAR
);
