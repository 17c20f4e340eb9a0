"""The near-duplicate finder's settings: one frozen object, passed whole.

`flows.settings.Settings.dedupe` builds it from the user's configuration (the fields
keep the names users set them by, `PRESSDIFF_<FIELD>`); every stage that needs a knob reads
it from here, and what the finder stores records `params()` (asdict, as JSON).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

from tasks.dedupe.minhash import SEED


@dataclass(frozen=True, slots=True)
class DedupeSettings:
    """How candidates are found and when a pair counts as a near-duplicate."""

    shingle_size: int = 3  # words per shingle
    num_perm: int = 128  # MinHash permutations
    lsh_bands: int = 32  # LSH bands of num_perm // lsh_bands rows
    jaccard_threshold: float = 0.45
    containment_threshold: float = 0.7  # of the smaller text's shingles
    # a sentence in this many articles of one site is its boilerplate, left out of the
    # site's texts when pairs are verified (0: keep everything)
    boilerplate_min_articles: int = 3
    anchor_scale: int = 8  # 1 in N shingles is a containment anchor
    anchor_max_df: int = 100  # anchors and sentences in more versions are boilerplate
    anchor_min_shared: int = 2
    anchor_min_share: float = 0.4  # of the smaller text's anchors
    sentence_min_words: int = 6  # a shared sentence this long makes a candidate (0: off)
    seed: int = SEED  # of word and shingle hashes and permutations: stored sketches need it

    def accepts(self, jaccard: float, containment: float) -> bool:
        """The pair-acceptance rule."""
        return jaccard >= self.jaccard_threshold or containment >= self.containment_threshold

    def params(self) -> str:
        """What sketches and pairs record of how they were made: every field, as JSON."""
        return json.dumps(asdict(self))


DEFAULTS = DedupeSettings()
