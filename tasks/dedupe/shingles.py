"""Word shingles of a comparison form, and the exact overlap measures built on them."""

from __future__ import annotations

from collections.abc import Iterable

from tasks.text.typography import words


def shingles(norm: str, k: int = 3) -> set[str]:
    """The set of `k`-word shingles of `norm` (a shorter text is one shingle)."""
    toks = words(norm)
    if len(toks) <= k:
        return {" ".join(toks)} if toks else set()
    return {" ".join(toks[i : i + k]) for i in range(len(toks) - k + 1)}


def jaccard(a: set[str], b: set[str]) -> float:
    """|a ∩ b| / |a ∪ b|, 0 for two empty sets."""
    union = len(a | b)
    return len(a & b) / union if union else 0.0


def containment(inner: set[str], outer: set[str]) -> float:
    """Share of `inner`'s shingles found in `outer`."""
    return len(inner & outer) / len(inner) if inner else 0.0


def shingles_of(sentences: Iterable[str], k: int = 3) -> set[str]:
    """Shingles of a text given as its sentences' comparison forms."""
    return shingles(" ".join(sentences), k)
