"""MinHash signatures, LSH band keys and containment anchors, computed in numpy.

Everything works on a batch of comparison forms at once, with no Python loop per token:

1. `token_hashes` lower-cases and UTF-8 encodes the batch into one byte buffer, finds the
   words of `tasks.text.typography.words` with byte lookups (`\\w+` runs joined by an inner
   `-`, `'` or `.`; every non-ASCII byte counts as a word byte), and hashes each word from
   its first 16 and last 8 bytes and its length.
2. `shingle_hashes` combines `k` neighbouring word hashes into one 64-bit hash per shingle,
   with the semantics of `tasks.dedupe.shingles.shingles` (a text of `k` words or fewer is one
   shingle).
3. `signatures` applies `num_perm` random affine maps mod 2**32 to the shingle hashes and
   keeps each map's minimum per document (`np.minimum.reduceat`): the MinHash signature.
4. `band_keys` hashes each band of `rows = num_perm // bands` values into one UBIGINT: two
   documents whose band keys agree in any band are Jaccard candidates.
5. `anchors` keeps the shingle hashes below `2**64 / scale` (FracMinHash, as sourmash's
   "scaled" sketches). A republication that keeps 40% of a wire story has a Jaccard of
   about 0.35, which 32 bands of 4 rows find only ~40% of the time, but nearly every
   anchor of the republication is an anchor of the wire story: joining anchors and
   counting shared ones finds containment that banding misses.
6. `sentence_keys` reads the stored hash of every sentence of `min_words` words or more: a
   short copy has too few anchors to share half of them, yet it shares whole sentences
   with its original (`sentence_candidates`).

Word hashes, shingle hashes and the permutations are fixed by `SEED`: stored band keys and
anchors stay comparable across runs. Changing any of them means re-sketching everything.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
from numpy.typing import NDArray

SEED = 0x70726573_73646966  # "pressdif"
EMPTY = np.uint32(0xFFFFFFFF)  # every value of the signature of a text without words

_U64 = np.uint64
_HEAD = 16  # bytes of a word hashed from its start
_TAIL = 8  # and from its end, for longer words
_M1, _M2 = _U64(0xBF58476D1CE4E5B9), _U64(0x94D049BB133111EB)
_MAX_ROWS = 1 << 16
_KEY_MASK = (1 << 48) - 1
_WORD_MULT = tuple(
    _U64(c)
    for c in (0xD6E8FEB86659FD93, 0xA0761D6478BD642F, 0xE7037ED1A0B428DB, 0x8EBC6AF09C88C6E3)
)
_SHINGLE_MULT = tuple(
    _U64(c)
    for c in (0x9FB21C651E98DF25, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0x27D4EB2F165667C5)
)


def _byte_table(chars: bytes, non_ascii: bool = False) -> NDArray[np.bool_]:
    table = np.zeros(256, np.bool_)
    table[list(chars)] = True
    table[0x80:] = non_ascii
    return table


_WORD_BYTE = _byte_table(
    b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_", non_ascii=True
)
_JOINER = _byte_table(b"-'.")
_HEAD_MASK = np.array([[0xFF] * n + [0] * (_HEAD - n) for n in range(_HEAD + 1)], np.uint8).view(
    np.uint64
)  # row n keeps the first n bytes of a 16-byte window


@dataclass(frozen=True, slots=True)
class Ragged:
    """Rows of different lengths: row `i` is `values[offsets[i]:offsets[i + 1]]`."""

    values: NDArray[np.uint64]
    offsets: NDArray[np.int64]

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def row(self, i: int) -> NDArray[np.uint64]:
        """The values of row `i`."""
        return self.values[self.offsets[i] : self.offsets[i + 1]]

    @property
    def lengths(self) -> NDArray[np.int64]:
        """How many values each row holds."""
        return np.diff(self.offsets)

    def row_ids(self) -> NDArray[np.int64]:
        """The row of every value."""
        return np.repeat(np.arange(len(self), dtype=np.int64), self.lengths)


@dataclass(frozen=True, slots=True)
class Sketch:
    """What near-duplicate detection stores about a batch of texts."""

    signatures: NDArray[np.uint32]  # n x num_perm
    n_shingles: NDArray[np.int64]  # shingles per text (with repeats); 0 means no words
    anchors: Ragged  # distinct FracMinHash anchors per text, sorted


def mix64(x: NDArray[np.uint64]) -> NDArray[np.uint64]:
    """The splitmix64 finalizer: a bijection on uint64 that scatters every input bit."""
    x = x ^ (x >> _U64(30))
    x = x * _M1
    x = x ^ (x >> _U64(27))
    x = x * _M2
    return x ^ (x >> _U64(31))


def _offsets(lengths: NDArray[np.int64]) -> NDArray[np.int64]:
    out = np.zeros(len(lengths) + 1, np.int64)
    np.cumsum(lengths, out=out[1:])
    return out


def _word_spans(buf: NDArray[np.uint8]) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Start and end offsets of the words in `buf` (which starts and ends with a space)."""
    word = _WORD_BYTE[buf]
    inner = _JOINER[buf]
    inner[1:-1] &= word[:-2] & word[2:]
    inner[[0, -1]] = False
    tok = word | inner
    starts = np.flatnonzero(tok[1:] & ~tok[:-1]) + 1
    ends = np.flatnonzero(tok[:-1] & ~tok[1:]) + 1
    return starts, ends


def _hash_spans(
    buf: NDArray[np.uint8], starts: NDArray[np.int64], ends: NDArray[np.int64]
) -> NDArray[np.uint64]:
    """A 64-bit hash of each word `buf[start:end]` from its length, head and tail bytes."""
    # the 8 bytes at every byte offset, as one (unaligned) uint64 array: loads are gathers
    at = np.ndarray((len(buf) - 7,), np.uint64, buf, strides=(1,))
    length = ends - starts
    mask = _HEAD_MASK[np.minimum(length, _HEAD)]
    head0 = at[starts] & mask[:, 0]
    head1 = at[starts + 8] & mask[:, 1]
    tail = np.where(length > _HEAD, at[ends - _TAIL], _U64(0))
    h = head0 * _WORD_MULT[0] ^ head1 * _WORD_MULT[1] ^ tail * _WORD_MULT[2]
    return mix64(h ^ (length.astype(np.uint64) + _U64(SEED)) * _WORD_MULT[3])


def token_hashes(norms: Sequence[str]) -> Ragged:
    """The hash of every word of every text, in order, one row per text."""
    encoded = [norm.lower().encode("utf-8") for norm in norms]
    lengths = np.fromiter(map(len, encoded), np.int64, len(encoded))
    # one space before each text and _HEAD after the last, so windows never run out
    buf = np.frombuffer(b" " + b" ".join(encoded) + b" " * _HEAD, np.uint8)
    starts, ends = _word_spans(buf)
    text_starts = _offsets(lengths + 1)[:-1] + 1
    row = np.searchsorted(text_starts, starts, side="right") - 1
    counts = np.bincount(row, minlength=len(norms)).astype(np.int64)
    return Ragged(_hash_spans(buf, starts, ends), _offsets(counts))


def shingle_hashes(tokens: Ragged, k: int = 3) -> Ragged:
    """The hash of every `k`-word shingle, one row per text (repeats kept)."""
    n_tok = tokens.lengths
    per_row = np.where(n_tok > 0, np.maximum(n_tok - k + 1, 1), 0)
    offsets = _offsets(per_row)
    row = np.repeat(np.arange(len(tokens), dtype=np.int64), per_row)
    first = tokens.offsets[:-1][row] + (np.arange(offsets[-1]) - offsets[:-1][row])
    end = tokens.offsets[1:][row]
    padded = np.append(tokens.values, _U64(0))  # index len(values) reads as "no word"
    h = np.zeros(len(first), np.uint64)
    for i in range(k):
        pos = first + i
        word = padded[np.where(pos < end, pos, len(tokens.values))]
        h ^= (word + _U64(i)) * _SHINGLE_MULT[i % len(_SHINGLE_MULT)]
        h = (h << _U64(17)) | (h >> _U64(47))  # rotate, so that order matters
    return Ragged(mix64(h), offsets)


def _permutations(num_perm: int, seed: int) -> tuple[NDArray[np.uint32], NDArray[np.uint32]]:
    rng = np.random.default_rng(seed)
    a = rng.integers(0, 2**32, num_perm, dtype=np.uint64).astype(np.uint32) | np.uint32(1)
    b = rng.integers(0, 2**32, num_perm, dtype=np.uint64).astype(np.uint32)
    return a, b


def signatures(shingles: Ragged, num_perm: int = 128, seed: int = SEED) -> NDArray[np.uint32]:
    """MinHash signatures (n x num_perm uint32); a row without shingles is all `EMPTY`."""
    out = np.full((len(shingles), num_perm), EMPTY, np.uint32)
    filled = np.flatnonzero(shingles.lengths > 0)
    if not len(filled):
        return out
    x = (shingles.values ^ (shingles.values >> _U64(32))).astype(np.uint32)
    starts = shingles.offsets[filled]
    a, b = _permutations(num_perm, seed)
    v = np.empty_like(x)
    for p in range(num_perm):
        np.multiply(x, a[p], out=v)
        v += b[p]
        out[filled, p] = np.minimum.reduceat(v, starts)
    return out


def band_keys(sigs: NDArray[np.uint32], bands: int) -> NDArray[np.uint64]:
    """One 64-bit key per band of each signature (n x bands); rows = num_perm // bands."""
    n, num_perm = sigs.shape
    if num_perm % bands:
        raise ValueError(f"{bands} bands do not divide {num_perm} permutations")
    rows = sigs.reshape(n, bands, num_perm // bands).astype(np.uint64)
    keys = np.broadcast_to(mix64(np.arange(bands, dtype=np.uint64) + _U64(SEED)), (n, bands))
    for r in range(rows.shape[2]):
        keys = mix64(keys ^ rows[:, :, r])
    return keys


def estimated_jaccard(a: NDArray[np.uint32], b: NDArray[np.uint32]) -> NDArray[np.float64]:
    """Share of equal signature values: one number per row of `a` and `b` (or a scalar)."""
    return np.mean(a == b, axis=-1)


def anchors(shingles: Ragged, scale: int = 8) -> Ragged:
    """Distinct shingle hashes below 2**64 / `scale` per text, as sorted 48-bit keys.

    This is FracMinHash: the same shingle is an anchor in every text that has it. Keys are
    the top 48 bits of the hash: one sort of `row << 48 | key` groups and orders them.
    `scale=1` gives every distinct shingle (what exact verification compares).
    """
    keep = shingles.values < _U64((2**64 - 1) // scale) if scale > 1 else slice(None)
    rows = shingles.row_ids()[keep].astype(np.uint64)
    out_rows, out_keys = [], []
    for lo in range(0, len(shingles), _MAX_ROWS):  # the row number must fit in 16 bits
        part = (rows >= _U64(lo)) & (rows < _U64(lo + _MAX_ROWS))
        packed = np.sort(
            ((rows[part] - _U64(lo)) << _U64(48)) | (shingles.values[keep][part] >> _U64(16))
        )
        first = np.ones(len(packed), np.bool_)
        first[1:] = packed[1:] != packed[:-1]
        packed = packed[first]
        out_rows.append((packed >> _U64(48)).astype(np.int64) + lo)
        out_keys.append(packed & _U64(_KEY_MASK))
    all_rows = np.concatenate(out_rows) if out_rows else np.empty(0, np.int64)
    counts = np.bincount(all_rows, minlength=len(shingles)).astype(np.int64)
    keys = np.concatenate(out_keys) if out_keys else np.empty(0, np.uint64)
    return Ragged(keys, _offsets(counts))


def distinct_shingles(shingles: Ragged) -> Ragged:
    """Every distinct shingle of each text as a sorted 48-bit key (exact verification)."""
    return anchors(shingles, 1)


def sketch(
    norms: Sequence[str], k: int = 3, num_perm: int = 128, scale: int = 8, seed: int = SEED
) -> Sketch:
    """Signatures, shingle counts and anchors of a batch of comparison forms."""
    shingles = shingle_hashes(token_hashes(norms), k)
    return Sketch(signatures(shingles, num_perm, seed), shingles.lengths, anchors(shingles, scale))


# -- candidates in memory (warehouse/sql/dedupe_candidates.sql does the same as a join)


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
