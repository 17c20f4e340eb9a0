"""The aligner's thresholds, as one frozen part of pressdiff's Settings."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class AlignSettings:
    """How similar sentences must be to be paired (the keywords of `align.compare`)."""

    same: float = 0.9  # least similarity for a sentence found elsewhere to count as moved
    change: float = 0.5  # least similarity for two sentences of a gap to be one changed
    loose: float = 0.5  # least word overlap for leftovers to be one changed (above 1: never)
