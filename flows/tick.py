"""One scheduled tick: poll due sources, revisit due articles, reschedule each visit."""

from __future__ import annotations

from prefect import flow
from prefect.utilities.annotations import quote

from flows.pipeline import process
from flows.settings import Settings
from pressdiff import stopping
from tasks.steps.closing import close_with_summary, log_summary, skipped
from tasks.steps.load import open_run
from tasks.steps.report import RunSummary, publish_notable, summary_line
from tasks.steps.schedule import due_articles, links_of, poll_sources, reschedule, tick_lock


@flow(name="tick", validate_parameters=False)
def tick(
    db: str,
    settings: Settings | None = None,
    force: bool = False,
    poll: bool = True,
    revisit: bool = True,
) -> RunSummary:
    """Poll every due watched source and revisit every due tracked article (`force`: all);
    what they bring is extracted on the Dask cluster of `settings.dask_address`, if any."""
    s = settings or Settings()
    with tick_lock(db) as held:
        if not held:  # another tick is writing: skip this one rather than queue behind it
            return skipped("another tick is running")
        run_id = open_run(db, "run --force" if force else "run")
        tracked, poll_rejected = (
            poll_sources(db, run_id, s.fetch, s.crawl, s.poll_interval, force) if poll else (0, 0)
        )
        due = due_articles(db, force) if revisit else []
        stored, compared = process(db, run_id, [], links_of(due), s)
        if not stopping.requested():  # an interrupted tick's unvisited articles stay due
            reschedule(db, quote(due), run_id, s.schedule, s.revisit_scale)
        summary = close_with_summary(
            db,
            run_id,
            stored,
            compared,
            inputs=len(due),
            rejected=poll_rejected,
            tracked_new=tracked,
        )
        flagged = publish_notable(db, run_id, s.webhooks)
        log_summary(summary_line(summary, flagged, poll))
        return summary
