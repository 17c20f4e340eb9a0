"""Every default pressdiff uses, in one typed object.

Values come from keyword arguments, then `PRESSDIFF_*` environment variables, then the
defaults below. Flows take the fields they need as typed parameters.
"""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """pressdiff's configuration."""

    model_config = SettingsConfigDict(env_prefix="PRESSDIFF_", extra="ignore")

    db: Path = Field(Path("pressdiff.duckdb"), description="The DuckDB warehouse file.")
    workers: int = Field(default_factory=lambda: os.cpu_count() or 1, ge=1)
    batch_size: int = Field(200, ge=1, description="Documents per task run.")
    max_file_bytes: int = Field(20_000_000, description="Larger input files are rejected.")
    min_words: int = Field(20, description="Shorter extracted texts are rejected.")
    allow_private: bool = Field(False, description="Allow fetching loopback/private hosts.")

    # Comparison
    same_threshold: float = Field(0.9, description="Similarity above which sentences match.")
    change_threshold: float = Field(0.5, description="Similarity above which one is an edit.")

    # Near-duplicates
    shingle_size: int = 3
    num_perm: int = 128
    lsh_bands: int = 32
    jaccard_threshold: float = 0.45
    containment_threshold: float = 0.7


def get_settings(**overrides: object) -> Settings:
    """Settings from the environment, with explicit overrides (None means 'not given')."""
    return Settings(**{k: v for k, v in overrides.items() if v is not None})
