-- Which process runs each run: a run left 'running' by a process that is gone is abandoned.
ALTER TABLE core.runs ADD COLUMN pid INTEGER;               -- the process that ran it
ALTER TABLE core.runs ADD COLUMN host VARCHAR;              -- the machine it ran on
ALTER TABLE core.runs ADD COLUMN process_start VARCHAR;     -- that process's start (boot id/ticks)
