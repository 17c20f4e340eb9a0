"""flows/settings.py: one Settings, read from the environment once, made of frozen parts."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from pathlib import Path

import pydantic
import pytest

from flows.settings import Settings, database, get_settings
from pressdiff.errors import UsageError
from tasks.compare.settings import AlignSettings
from tasks.schedule.revisit import RevisitPolicy
from tasks.text.extract import ExtractSettings
from tasks.web.crawl_budget import CrawlLimits
from tasks.web.policy import DEFAULT_USER_AGENT, FetchPolicy


def test_each_part_carries_what_the_environment_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PRESSDIFF_SAME_THRESHOLD", "0.95")
    monkeypatch.setenv("PRESSDIFF_MIN_WORDS", "7")
    monkeypatch.setenv("PRESSDIFF_FETCH_DEADLINE", "12.5")
    monkeypatch.setenv("PRESSDIFF_MAX_LINKS_PER_RUN", "40")
    monkeypatch.setenv("PRESSDIFF_REVISIT_HORIZON_DAYS", "3")
    s = Settings(change_threshold=0.6)
    assert s.align == AlignSettings(same=0.95, change=0.6, loose=0.5)
    assert s.extract == ExtractSettings(max_bytes=20_000_000, min_words=7)
    assert s.fetch.deadline == 12.5
    assert s.crawl == CrawlLimits(links_per_run=40)
    assert s.schedule.horizon == timedelta(days=3)


def test_settings_and_their_parts_are_frozen() -> None:
    s = Settings()
    with pytest.raises(pydantic.ValidationError):
        s.min_words = 3
    for part in (s.fetch, s.crawl, s.extract, s.align, s.schedule):
        with pytest.raises(dataclasses.FrozenInstanceError):
            part.__setattr__(dataclasses.fields(part)[0].name, None)


def test_every_default_is_written_once_in_its_part() -> None:
    s = Settings()
    assert s.fetch == FetchPolicy()  # the user agent and host delay users get, once
    assert (s.fetch.user_agent, s.fetch.host_delay) == (DEFAULT_USER_AGENT, 0.5)
    assert (s.crawl, s.extract, s.align) == (CrawlLimits(), ExtractSettings(), AlignSettings())
    assert s.schedule == RevisitPolicy()


def test_the_warehouse_comes_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    assert database() == Path("pressdiff.duckdb")
    monkeypatch.setenv("PRESSDIFF_DB", str(tmp_path / "w.duckdb"))
    assert database() == tmp_path / "w.duckdb"


def test_a_value_that_is_not_valid_is_a_usage_error_naming_its_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PRESSDIFF_WORKERS", "many")
    with pytest.raises(UsageError, match=r"^setting workers \(PRESSDIFF_WORKERS\): Input should"):
        get_settings()
