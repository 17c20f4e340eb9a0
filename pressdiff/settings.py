"""Every default pressdiff uses, in one typed object.

Values come from keyword arguments, then `PRESSDIFF_*` environment variables, then the
defaults below. Flows take the fields they need as typed parameters.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from pressdiff import __version__
from tasks.dedupe.settings import DedupeSettings


def cores() -> int:
    """The CPU cores this machine has (the default number of extraction processes)."""
    return os.cpu_count() or 1


class Settings(BaseSettings):
    """pressdiff's configuration."""

    model_config = SettingsConfigDict(env_prefix="PRESSDIFF_", extra="ignore")

    db: Path = Field(Path("pressdiff.duckdb"), description="The DuckDB warehouse file.")
    workers: int = Field(default_factory=lambda: cores(), ge=0)  # 0: in-process
    batch_size: int = Field(200, ge=1, description="Documents per task run.")
    max_file_bytes: int = Field(20_000_000, description="Larger input files are rejected.")
    min_words: int = Field(20, description="Shorter extracted texts are rejected.")
    allow_private: bool = Field(False, description="Allow fetching loopback/private hosts.")
    seen_at: datetime | None = Field(
        None, description="Capture time of every input that carries none (ingest --seen-at)."
    )

    # Fetching
    user_agent: str = Field(
        default_factory=lambda: f"pressdiff/{__version__} (+https://example.invalid/pressdiff)"
    )
    fetch_concurrency: int = Field(16, ge=1, description="Requests in flight, all hosts.")
    fetch_per_host: int = Field(2, ge=1, description="Requests in flight to one host.")
    host_delay: float = Field(0.5, ge=0, description="Least seconds between requests to a host.")
    fetch_timeout: float = Field(30.0, gt=0, description="Longest wait for the next bytes.")
    fetch_retries: int = Field(3, ge=0)
    fetch_deadline: float = Field(
        60.0, gt=0, description="Longest one URL may take, all its attempts and waits."
    )
    max_fetch_bytes: int = Field(10_000_000, description="Larger bodies are aborted.")
    respect_robots: bool = True
    max_sitemaps_per_source: int = Field(
        50, ge=1, description="Sitemaps and feeds fetched for one named source, itself included."
    )
    max_sitemaps_per_run: int = Field(200, ge=1, description="Sitemaps and feeds in one run.")
    max_links_per_source: int = Field(
        5_000, ge=0, description="Article links followed from one named source."
    )
    max_links_per_run: int = Field(20_000, ge=0, description="Article links from sources, per run.")

    # Scheduled runs
    poll_every: int = Field(900, ge=1, description="Seconds between polls of a source.")
    revisit_horizon_days: int = Field(30, ge=1, description="Stop revisiting after this.")
    webhooks: dict[str, str] = Field(
        default_factory=dict,
        description='Notable-change rule (or "*") -> URL that gets a JSON summary per run; '
        'from the environment as JSON: PRESSDIFF_WEBHOOKS=\'{"headline changed": "https://…"}\'',
    )
    revisit_scale: float = Field(
        1.0, gt=0, description="Multiply every revisit interval (tests and demos: < 1)."
    )

    # Comparison
    same_threshold: float = Field(0.9, description="Similarity above which sentences match.")
    change_threshold: float = Field(0.5, description="Similarity above which one is an edit.")

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

    @property
    def dedupe(self) -> DedupeSettings:
        """How near-duplicates are found, as `tasks.steps.dedupe.find_stories` takes them."""
        return DedupeSettings(
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
    """Settings from the environment, with explicit overrides (None means 'not given')."""
    return Settings(**{k: v for k, v in overrides.items() if v is not None})
