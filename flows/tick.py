"""One scheduled tick: poll due sources, revisit due articles, reschedule each visit."""

from __future__ import annotations

from prefect import flow, get_run_logger
from prefect.utilities.annotations import quote

from flows.pipeline import process
from pressdiff import stopping
from pressdiff.settings import Settings
from tasks.steps.load import close_run, open_run
from tasks.steps.report import (
    SUMMARY,
    RunSummary,
    publish_notable,
    publish_summary,
    reject_reasons,
    summary_line,
)
from tasks.steps.schedule import due_articles, links_of, poll_sources, reschedule, tick_lock


@flow(name="tick", validate_parameters=False)
def tick(
    db: str,
    settings: Settings | None = None,
    force: bool = False,
    poll: bool = True,
    revisit: bool = True,
) -> RunSummary:
    """Poll every due watched source and revisit every due tracked article (`force`: all)."""
    s = settings or Settings()
    with tick_lock(db) as held:
        if not held:  # another tick is writing: skip this one rather than queue behind it
            get_run_logger().info(SUMMARY + "skipped: another tick is running")
            return RunSummary(run_id="", status="skipped: another tick is running")
        run_id = open_run(db, "run --force" if force else "run")
        tracked, poll_rejected = (
            poll_sources(db, run_id, s.fetch, s.crawl, s.poll_interval, force) if poll else (0, 0)
        )
        due = due_articles(db, force) if revisit else []
        stored, compared = process(db, run_id, [], links_of(due), s)
        if not stopping.requested():  # an interrupted tick's unvisited articles stay due
            reschedule(db, quote(due), run_id, s.schedule, s.revisit_scale)
        summary = RunSummary(
            run_id=run_id,
            inputs=len(due),
            articles_new=stored.articles_new,
            versions_new=stored.versions_new,
            unchanged=stored.unchanged,
            duplicates=stored.duplicates,
            rejected=stored.rejected + poll_rejected,
            comparisons=compared,
            tracked_new=tracked,
            reject_reasons=reject_reasons(db, run_id),
        )
        summary.status = close_run(db, run_id, summary.counts())
        publish_summary(summary)
        flagged = publish_notable(db, run_id, s.webhooks)
        get_run_logger().info(SUMMARY + summary_line(summary, flagged, poll))
        return summary
