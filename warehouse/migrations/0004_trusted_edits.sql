-- Edits people can trust: a changed sentence that also moved, page furniture labelled (not
-- counted as an editorial edit), and every edit's category and significance with the rule
-- that gave them; each comparison's summary of them.
-- (A column with a DEFAULT comes last per table: DuckDB 1.5 cannot commit a transaction
-- that adds another column to a table with rows after one with a DEFAULT.)
ALTER TABLE core.sentence_edits ADD COLUMN category VARCHAR;
ALTER TABLE core.sentence_edits ADD COLUMN significance VARCHAR;
ALTER TABLE core.sentence_edits ADD COLUMN rule VARCHAR;
ALTER TABLE core.sentence_edits ADD COLUMN moved BOOLEAN DEFAULT false;
ALTER TABLE core.comparisons ADD COLUMN significance VARCHAR;
ALTER TABLE core.comparisons ADD COLUMN summary VARCHAR;
ALTER TABLE core.comparisons ADD COLUMN n_boilerplate INTEGER DEFAULT 0;
