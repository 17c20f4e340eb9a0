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

Candidates are the warehouse's join over the stored bands and anchors, plus a third route:
a shared whole sentence (a short copy has too few anchors to share half of them, yet it
shares whole sentences with its original), all in warehouse/sql/dedupe_candidates.sql. The
same routes in memory, the reference the benchmark and tests compare with, are
bench/reference_dedupe.py.

Word hashes, shingle hashes and the permutations are fixed by `SEED`: stored band keys and
anchors stay comparable across runs. Changing any of them means re-sketching everything.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
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
