"""Reference implementations of near-duplicate candidates and boilerplate, in memory.

The warehouse finds candidates with one join (warehouse/sql/dedupe_candidates.sql) and
leaves each site's boilerplate out of verification in SQL
(warehouse/sql/dedupe_verification_docs.sql). These are the same rules over numpy arrays and
Python lists: bench/bench_dedupe.py times them against datasketch, and the tests check the
warehouse agrees with them. Nothing in the product imports this module.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import replace

import numpy as np
import pyarrow as pa
from numpy.typing import NDArray

from tasks.dedupe.minhash import Ragged, _offsets, mix64
from tasks.dedupe.pairs import Doc

# -- candidates (warehouse/sql/dedupe_candidates.sql does the same as a join)


def _pairs_within_groups(
    items: NDArray[np.int64], keys: NDArray[np.uint64], max_group: int | None
) -> NDArray[np.int64]:
    """Every pair (i < j) of items sharing a key, once per shared key (m x 2)."""
    order = np.argsort(keys, kind="stable")
    keys, items = keys[order], items[order]
    bounds = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1], True])
    starts, sizes = bounds[:-1], np.diff(bounds)
    ok = (sizes > 1) if max_group is None else (sizes > 1) & (sizes <= max_group)
    starts, sizes = starts[ok], sizes[ok]
    if not len(sizes):
        return np.empty((0, 2), np.int64)
    # member m of a group pairs with every later member of that group
    member_group = np.repeat(np.arange(len(sizes)), sizes)
    member = np.arange(sizes.sum()) - np.repeat(_offsets(sizes)[:-1], sizes)
    later = sizes[member_group] - member - 1
    left = np.repeat(starts[member_group] + member, later)
    within = np.arange(later.sum()) - np.repeat(_offsets(later)[:-1], later)
    right = left + within + 1
    a, b = items[left], items[right]
    return np.column_stack([np.minimum(a, b), np.maximum(a, b)])


def _count_pairs(pairs: NDArray[np.int64], n: int) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    codes, counts = np.unique(pairs[:, 0] * n + pairs[:, 1], return_counts=True)
    return np.column_stack([codes // n, codes % n]), counts


def band_candidates(keys: NDArray[np.uint64], max_group: int | None = None) -> NDArray[np.int64]:
    """Pairs (i < j) of rows whose keys agree in at least one band, by sorting each band."""
    n, bands = keys.shape
    items = np.tile(np.arange(n, dtype=np.int64), bands)
    flat = mix64(keys.T.reshape(-1) ^ np.repeat(np.arange(bands, dtype=np.uint64), n))
    pairs = _pairs_within_groups(items, flat, max_group)
    return _count_pairs(pairs, max(n, 1))[0]


def anchor_candidates(
    anchor_rows: Ragged, min_shared: int = 2, min_share: float = 0.4, max_df: int | None = 100
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Pairs sharing at least `min_shared` anchors and `min_share` of the smaller one's.

    Anchors held by more than `max_df` texts (boilerplate, stock phrases) are ignored.
    Returns the pairs (m x 2, i < j) and how many anchors each shares.
    """
    n = len(anchor_rows)
    pairs = _pairs_within_groups(anchor_rows.row_ids(), anchor_rows.values, max_df)
    pairs, shared = _count_pairs(pairs, max(n, 1))
    smaller = np.minimum(anchor_rows.lengths[pairs[:, 0]], anchor_rows.lengths[pairs[:, 1]])
    ok = (shared >= min_shared) & (shared >= min_share * smaller)
    return pairs[ok], shared[ok]


def _hex_table() -> NDArray[np.uint8]:
    table = np.full(256, 0xFF, np.uint8)
    for i, c in enumerate(b"0123456789abcdef"):
        table[c] = table[ord(chr(c).upper())] = i
    return table


_HEX = _hex_table()


Strings = pa.Array | pa.ChunkedArray | Sequence[str]


def _strings(values: Strings) -> pa.StringArray:
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if not isinstance(values, pa.Array):
        values = pa.array(values, pa.string())
    return values.cast(pa.string())


def hex64(hashes: Strings) -> NDArray[np.uint64]:
    """Strings of 16 hex digits (`tasks.text.typography.text_hash`) as uint64, without a Python
    loop: the digits are read straight from the Arrow string buffer."""
    arr = _strings(hashes)
    n = len(arr)
    if not n:
        return np.empty(0, np.uint64)
    offsets, buf = _offsets_and_bytes(arr)
    if arr.null_count or np.any(np.diff(offsets) != 16):
        raise ValueError("sentence hashes must be 16 hex digits each")
    digits = _HEX[buf]
    if np.any(digits == 0xFF):
        raise ValueError("sentence hashes must be 16 hex digits each")
    pairs = digits.reshape(n, 8, 2)
    packed = (pairs[:, :, 0] << 4) | pairs[:, :, 1]
    return packed.view(">u8").reshape(n).astype(np.uint64)


def sentence_columns(
    sentences: Sequence[Sequence[tuple[str, str]]],
) -> tuple[NDArray[np.int64], pa.Array, pa.Array]:
    """(sentence_hash, norm) pairs per text as the columns `sentence_keys` reads: each
    sentence's text row, its hash, its comparison form."""
    counts = np.fromiter(map(len, sentences), np.int64, len(sentences))
    flat = [pair for text in sentences for pair in text]
    return (
        np.repeat(np.arange(len(sentences), dtype=np.int64), counts),
        pa.array([h for h, _ in flat], pa.string()),
        pa.array([norm for _, norm in flat], pa.string()),
    )


def _offsets_and_bytes(arr: pa.StringArray) -> tuple[NDArray[np.int64], NDArray[np.uint8]]:
    """The string offsets (from 0) and the bytes of `arr`, read from its Arrow buffers."""
    off = np.frombuffer(arr.buffers()[1], np.int32)[arr.offset : arr.offset + len(arr) + 1]
    data = arr.buffers()[2]
    buf = np.frombuffer(data, np.uint8) if data is not None else np.empty(0, np.uint8)
    return (off - off[0]).astype(np.int64), buf[off[0] : off[-1]]


def _spaces(arr: pa.StringArray) -> NDArray[np.int64]:
    """How many spaces each string of `arr` holds."""
    off, buf = _offsets_and_bytes(arr)
    return np.diff(np.searchsorted(np.flatnonzero(buf == 32), off))


def sentence_keys(
    rows: NDArray[np.int64],
    hashes: Strings,
    norms: Strings,
    n_texts: int,
    min_words: int = 6,
) -> Ragged:
    """The distinct sentences of each of `n_texts` texts with `min_words` or more
    space-separated words, as sorted uint64 keys (each `sentence_hash` read as a number).

    The input is columns of `core.sentences` as DuckDB hands them over: for every sentence,
    its text's row number, its hash and its comparison form. `min_words=0` keeps no
    sentence (the route is off)."""
    if min_words <= 0 or not len(rows):
        return Ragged(np.empty(0, np.uint64), np.zeros(n_texts + 1, np.int64))
    long = _spaces(_strings(norms)) + 1 >= min_words
    rows, values = np.asarray(rows, np.int64)[long], hex64(hashes)[long]
    order = np.lexsort((values, rows))
    rows, values = rows[order], values[order]
    first = np.ones(len(rows), np.bool_)
    first[1:] = (rows[1:] != rows[:-1]) | (values[1:] != values[:-1])
    rows, values = rows[first], values[first]
    return Ragged(values, _offsets(np.bincount(rows, minlength=n_texts).astype(np.int64)))


def sentence_candidates(keys: Ragged, max_df: int | None = 100) -> NDArray[np.int64]:
    """Pairs (i < j) of texts sharing a whole sentence that at most `max_df` texts have."""
    pairs = _pairs_within_groups(keys.row_ids(), keys.values, max_df)
    return _count_pairs(pairs, max(len(keys), 1))[0]


def without_site_boilerplate(
    docs: Sequence[Doc], sentences: Mapping[str, Sequence[tuple[str, str]]], min_articles: int
) -> list[Doc]:
    """`docs` with their text rebuilt from their sentences, (hash, norm) by version id,
    leaving out each site's boilerplate: a sentence found in `min_articles` or more articles
    of the site. warehouse/sql/dedupe_verification_docs.sql applies the same rule."""
    if min_articles <= 0:
        return list(docs)
    articles: dict[tuple[str, str], set[str]] = defaultdict(set)
    for d in docs:
        if d.site is not None:
            for h, _ in sentences[d.version_id]:
                articles[(d.site, h)].add(d.article_id)

    def kept(d: Doc) -> str:
        return " ".join(
            norm
            for h, norm in sentences[d.version_id]
            if d.site is None or len(articles[(d.site, h)]) < min_articles
        )

    return [replace(d, norm_text=kept(d)) for d in docs]
