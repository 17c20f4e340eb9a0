"""One near-duplicate settings object: the user's names, today's defaults, stored whole."""

from __future__ import annotations

import json
from dataclasses import fields

from flows.settings import Settings
from tasks.dedupe.minhash import SEED
from tasks.dedupe.settings import DedupeSettings


def test_settings_build_it_from_the_fields_users_set() -> None:
    settings = Settings(jaccard_threshold=0.5, anchor_min_share=0.3, lsh_bands=16)
    dedupe = settings.dedupe
    assert (dedupe.jaccard_threshold, dedupe.anchor_min_share, dedupe.lsh_bands) == (0.5, 0.3, 16)
    for f in fields(DedupeSettings):
        if f.name != "seed":  # fixed by the stored sketches, not a user setting
            assert getattr(dedupe, f.name) == getattr(settings, f.name), f.name


def test_the_defaults_are_the_users_defaults() -> None:
    assert Settings().dedupe == DedupeSettings()


def test_params_record_every_field() -> None:
    assert json.loads(DedupeSettings().params()) == {
        "shingle_size": 3,
        "num_perm": 128,
        "lsh_bands": 32,
        "jaccard_threshold": 0.45,
        "containment_threshold": 0.7,
        "boilerplate_min_articles": 3,
        "anchor_scale": 8,
        "anchor_max_df": 100,
        "anchor_min_shared": 2,
        "anchor_min_share": 0.4,
        "sentence_min_words": 6,
        "seed": SEED,
    }


def test_acceptance_is_either_threshold() -> None:
    s = DedupeSettings(jaccard_threshold=0.5, containment_threshold=0.8)
    assert s.accepts(0.5, 0.0) and s.accepts(0.1, 0.8)
    assert not s.accepts(0.49, 0.79)
