-- How is a source already watched ($uri) watched from now on: its kind, and its poll
-- interval when one is given ($every)?
UPDATE core.sources
SET kind = $kind, poll_interval = coalesce($every, poll_interval)
WHERE uri = $uri
