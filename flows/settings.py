"""Every default pressdiff uses, in one typed object made of frozen parts.

Values come from keyword arguments, then `PRESSDIFF_*` environment variables, then the
defaults below (the fields keep the names users set them by). Each stage gets its part
whole, a frozen dataclass defined next to the code that uses it:

    fetch     tasks.web.policy.FetchPolicy         politeness, timeouts, limits of one URL
    crawl     tasks.web.crawl_budget.CrawlLimits   how much one run follows from sources
    extract   tasks.text.extract.ExtractSettings   input size, least words
    align     tasks.compare.settings.AlignSettings the aligner's thresholds
    dedupe    tasks.dedupe.settings.DedupeSettings  the near-duplicate finder's knobs
    schedule  tasks.schedule.revisit.RevisitPolicy the adaptive revisit schedule
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from pressdiff.errors import UsageError

if TYPE_CHECKING:  # imported when first used: `pressdiff sql` needs none of them
    from tasks.compare.settings import AlignSettings
    from tasks.dedupe.settings import DedupeSettings
    from tasks.schedule.revisit import RevisitPolicy
    from tasks.text.extract import ExtractSettings
    from tasks.web.crawl_budget import CrawlLimits
    from tasks.web.policy import FetchPolicy


@cache
def parts() -> SimpleNamespace:
    """The classes of the parts, imported on first use."""
    from tasks.compare.settings import AlignSettings
    from tasks.dedupe.settings import DedupeSettings
    from tasks.schedule.revisit import RevisitPolicy
    from tasks.steps.workers import cores
    from tasks.text.extract import ExtractSettings
    from tasks.web.crawl_budget import CrawlLimits
    from tasks.web.policy import FetchPolicy

    return SimpleNamespace(
        fetch=FetchPolicy,
        crawl=CrawlLimits,
        extract=ExtractSettings,
        align=AlignSettings,
        dedupe=DedupeSettings,
        schedule=RevisitPolicy,
        cores=cores,
    )


def default(part: str, name: str) -> Callable[[], Any]:
    """The default of a field: the default of `name` in the part it goes into, so that
    every default is written once, next to the code that uses it."""
    return lambda: getattr(getattr(parts(), part)(), name)


class Location(BaseSettings):
    """Where the warehouse is: all a command that only reads it needs to know."""

    model_config = SettingsConfigDict(env_prefix="PRESSDIFF_", extra="ignore", frozen=True)

    db: Path = Field(Path("pressdiff.duckdb"), description="The DuckDB warehouse file.")


class Settings(Location):
    """pressdiff's configuration."""

    workers: int = Field(default_factory=lambda: parts().cores(), ge=0)  # 0: in-process
    dask_address: str | None = Field(
        None,
        description="A Dask scheduler (tcp://host:port): extraction runs on its cluster "
        "instead of the `workers` processes (tasks/steps/cluster.py).",
    )
    batch_size: int = Field(200, ge=1, description="Documents per task run.")
    max_file_bytes: int = Field(
        default_factory=default("extract", "max_bytes"),
        description="Larger input files are rejected.",
    )
    min_words: int = Field(
        default_factory=default("extract", "min_words"),
        description="Shorter extracted texts are rejected.",
    )
    allow_private: bool = Field(False, description="Allow fetching loopback/private hosts.")
    seen_at: datetime | None = Field(
        None, description="Capture time of every input that carries none (ingest --seen-at)."
    )

    # Fetching
    user_agent: str = Field(default_factory=default("fetch", "user_agent"))
    fetch_concurrency: int = Field(
        default_factory=default("fetch", "concurrency"),
        ge=1,
        description="Requests in flight, all hosts.",
    )
    fetch_per_host: int = Field(
        default_factory=default("fetch", "per_host"),
        ge=1,
        description="Requests in flight to one host.",
    )
    host_delay: float = Field(
        default_factory=default("fetch", "host_delay"),
        ge=0,
        description="Least seconds between requests to a host.",
    )
    fetch_timeout: float = Field(
        default_factory=default("fetch", "read_timeout"),
        gt=0,
        description="Longest wait for the next bytes.",
    )
    fetch_retries: int = Field(default_factory=default("fetch", "retries"), ge=0)
    fetch_deadline: float = Field(
        default_factory=default("fetch", "deadline"),
        gt=0,
        description="Longest one URL may take, all its attempts and waits.",
    )
    max_fetch_bytes: int = Field(
        default_factory=default("fetch", "max_bytes"), description="Larger bodies are aborted."
    )
    respect_robots: bool = Field(default_factory=default("fetch", "respect_robots"))
    max_sitemaps_per_source: int = Field(
        default_factory=default("crawl", "documents_per_source"),
        ge=1,
        description="Sitemaps and feeds fetched for one named source, itself included.",
    )
    max_sitemaps_per_run: int = Field(
        default_factory=default("crawl", "documents_per_run"),
        ge=1,
        description="Sitemaps and feeds in one run.",
    )
    max_links_per_source: int = Field(
        default_factory=default("crawl", "links_per_source"),
        ge=0,
        description="Article links followed from one named source.",
    )
    max_links_per_run: int = Field(
        default_factory=default("crawl", "links_per_run"),
        ge=0,
        description="Article links from sources, per run.",
    )

    # Scheduled runs
    poll_every: int = Field(900, ge=1, description="Seconds between polls of a source.")
    revisit_horizon_days: int = Field(
        default_factory=lambda: parts().schedule().horizon.days,
        ge=1,
        description="Stop revisiting after this.",
    )
    webhooks: dict[str, str] = Field(
        default_factory=dict,
        description='Notable-change rule (or "*") -> URL that gets a JSON summary per run; '
        'from the environment as JSON: PRESSDIFF_WEBHOOKS=\'{"headline changed": "https://…"}\'',
    )
    pause_at: str | None = Field(
        None, description="Crash tests: hold the run at this point ('store-written:3')."
    )
    pause_file: str | None = Field(None, description="Crash tests: created at the pause.")
    revisit_scale: float = Field(
        1.0, gt=0, description="Multiply every revisit interval (tests and demos: < 1)."
    )

    # Comparison
    same_threshold: float = Field(
        default_factory=default("align", "same"),
        description="Similarity above which sentences match.",
    )
    change_threshold: float = Field(
        default_factory=default("align", "change"),
        description="Similarity above which one is an edit.",
    )

    # Near-duplicates
    shingle_size: int = 3
    num_perm: int = 128
    lsh_bands: int = 32
    jaccard_threshold: float = 0.45
    containment_threshold: float = 0.7
    boilerplate_min_articles: int = Field(
        3,
        ge=0,
        description="A sentence in this many articles of a site is its boilerplate, "
        "left out when pairs are verified (0: off).",
    )
    anchor_scale: int = Field(8, description="1 in N shingles is a containment anchor.")
    anchor_max_df: int = Field(
        100, description="Anchors and sentences in more versions are boilerplate."
    )
    anchor_min_shared: int = 2
    anchor_min_share: float = Field(
        0.4, description="A pair shares this much of the smaller text's anchors."
    )
    sentence_min_words: int = Field(
        6,
        ge=0,
        description="Two texts sharing a whole sentence this long are candidates (0: off).",
    )

    @field_validator("dask_address")
    @classmethod
    def _scheduler_address(cls, value: str | None) -> str | None:
        """An empty address is none; another must be host:port, tcp:// or tls:// first."""
        if not value:
            return None
        from tasks.steps.dask_address import ADDRESS

        if not ADDRESS.fullmatch(value.strip()):
            raise ValueError("not a Dask scheduler address such as tcp://10.0.0.5:8786")
        return value.strip()

    @property
    def fetch(self) -> FetchPolicy:
        """How URLs are fetched."""
        return parts().fetch(
            user_agent=self.user_agent,
            concurrency=self.fetch_concurrency,
            per_host=self.fetch_per_host,
            host_delay=self.host_delay,
            read_timeout=self.fetch_timeout,
            retries=self.fetch_retries,
            deadline=self.fetch_deadline,
            max_bytes=self.max_fetch_bytes,
            allow_private=self.allow_private,
            respect_robots=self.respect_robots,
        )

    @property
    def crawl(self) -> CrawlLimits:
        """How much one run follows from the sources it fetches."""
        return parts().crawl(
            documents_per_source=self.max_sitemaps_per_source,
            documents_per_run=self.max_sitemaps_per_run,
            links_per_source=self.max_links_per_source,
            links_per_run=self.max_links_per_run,
        )

    @property
    def extract(self) -> ExtractSettings:
        """What extraction reads and keeps."""
        return parts().extract(max_bytes=self.max_file_bytes, min_words=self.min_words)

    @property
    def align(self) -> AlignSettings:
        """The aligner's thresholds."""
        return parts().align(same=self.same_threshold, change=self.change_threshold)

    @property
    def schedule(self) -> RevisitPolicy:
        """The revisit schedule of tracked articles."""
        return parts().schedule(horizon=timedelta(days=self.revisit_horizon_days))

    @property
    def poll_interval(self) -> timedelta:
        """Time between two polls of a watched source."""
        return timedelta(seconds=self.poll_every)

    @property
    def dedupe(self) -> DedupeSettings:
        """How near-duplicates are found, as `tasks.steps.dedupe.find_stories` takes them."""
        return parts().dedupe(
            shingle_size=self.shingle_size,
            num_perm=self.num_perm,
            lsh_bands=self.lsh_bands,
            jaccard_threshold=self.jaccard_threshold,
            containment_threshold=self.containment_threshold,
            boilerplate_min_articles=self.boilerplate_min_articles,
            anchor_scale=self.anchor_scale,
            anchor_max_df=self.anchor_max_df,
            anchor_min_shared=self.anchor_min_shared,
            anchor_min_share=self.anchor_min_share,
            sentence_min_words=self.sentence_min_words,
        )


def get_settings(**overrides: object) -> Settings:
    """Settings from the environment, with explicit overrides (None means 'not given'); a
    value that is not valid is a usage error that names its variable."""
    try:
        return Settings(**{k: v for k, v in overrides.items() if v is not None})
    except ValidationError as exc:
        raise UsageError(_first_error(exc)) from exc


def database() -> Path:
    """The warehouse file: $PRESSDIFF_DB, else ./pressdiff.duckdb."""
    try:
        return Location().db
    except ValidationError as exc:
        raise UsageError(_first_error(exc)) from exc


def _first_error(exc: ValidationError) -> str:
    error = exc.errors()[0]
    name = str(error["loc"][0]) if error["loc"] else "?"
    return f"setting {name} (PRESSDIFF_{name.upper()}): {error['msg']}"
