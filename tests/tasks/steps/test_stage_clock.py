"""Seconds per stage: counted by the tasks under their run's id, taken into the run's
summary when it closes (RunSummary.stage_seconds), and never mixed between runs."""

from __future__ import annotations

import time

import pytest

from tasks.steps import stage_clock
from tests.helpers import run


def test_a_stage_counts_its_blocks_and_take_forgets_them() -> None:
    with stage_clock.timed("r1", "store"):
        time.sleep(0.01)
    with pytest.raises(ValueError), stage_clock.timed("r1", "store"):
        raise ValueError("a failed block is counted too")
    stage_clock.stopwatch("r1", "extract")(None)
    stage_clock.add("r2", "comparisons", 1.5)
    taken = stage_clock.take("r1")
    assert list(taken) == ["extract", "store"]  # in the order of the pipeline
    assert taken["store"] >= 0.01 and taken["extract"] >= 0
    assert stage_clock.take("r1") == {}
    assert stage_clock.take("r2") == {"comparisons": 1.5}


@pytest.mark.usefixtures("prefect")
def test_a_run_summary_carries_the_seconds_of_each_stage_it_ran(tmp_path, seeds) -> None:
    db = tmp_path / "w.duckdb"
    first = run([seeds], db, workers=1)  # a wire story and its republication
    assert (first.versions_new, first.comparisons) == (2, 1)
    assert list(first.stage_seconds) == list(stage_clock.STAGES)
    assert all(s > 0 for s in first.stage_seconds.values()), first.stage_seconds
    assert first.as_dict()["stage_seconds"] == first.stage_seconds
    again = run([seeds], db, workers=1)  # nothing new: nothing to match or compare
    assert (again.versions_new, again.unchanged) == (0, 2)
    assert list(again.stage_seconds) == ["extract", "store"]
