"""Progress that informs: named stages, totals where they are known, no counter past its total."""

from __future__ import annotations

import io
import re

from rich.console import Console

from pressdiff import progress
from pressdiff.commands.runs import STAGES
from pressdiff.render import progress_bar, stage_listener
from tests.helpers import ROOT, Cli

COUNT = re.compile(r"(?P<label>[a-z][a-z ]+?)\s+[━╸╺╾╼ ]*(?P<done>[\d,]+)(?:/(?P<total>[\d,]+))?\s")


def render(events: list[tuple[str, int, int]]) -> str:
    """What the bar shows after `events` (stage, done, more expected), drawn by the CLI's
    own listener."""
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=100, color_system=None)
    bar = progress_bar(console)
    listener = stage_listener(bar, STAGES)
    for event in events:
        listener(*event)
    return "\n".join(str(column.render(task)) for task in bar.tasks for column in bar.columns)


def test_a_known_total_is_the_sum_of_what_was_expected():
    shown = render([("compare", 0, 3), ("compare", 3, 0), ("compare", 0, 2), ("compare", 2, 0)])
    assert "5/5" in shown and "6/" not in shown


def test_a_stage_of_unknown_total_is_a_count_without_a_bar():
    shown = render([("stories", 7, 0)])
    assert "7" in shown and "━" not in shown and "/" not in shown


def test_advance_and_expect_reach_the_listener():
    seen = []
    progress.listen(lambda *event: seen.append(event))
    try:
        progress.expect("extract", 4)
        progress.advance("extract", 1)
        progress.advance("extract", 0)  # nothing done: nothing to draw
    finally:
        progress.listen(None)
    assert seen == [("extract", 0, 4), ("extract", 1, 0)]


def test_an_ingest_on_a_terminal_names_its_stages_and_never_counts_past_a_total(tmp_path):
    cli = Cli(["ingest", str(ROOT / "examples" / "articles"), "--workers", "1",
               "--db", str(tmp_path / "w.duckdb")])  # fmt: skip
    code, _, lines = cli.finish(timeout=600)
    assert code == 0, lines
    counts = [m for m in COUNT.finditer(cli.text()) if m["label"].strip() in STAGES.values()]
    labels = {m["label"].strip() for m in counts}
    assert {"extracting", "storing"} <= labels, cli.text()
    for m in counts:
        if m["total"]:
            assert int(m["done"].replace(",", "")) <= int(m["total"].replace(",", "")), m[0]
    extracting = [m for m in counts if m["label"].strip() == "extracting" and m["total"]]
    assert extracting and all(m["total"] == "4" for m in extracting)
