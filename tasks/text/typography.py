"""The comparison form of a text: what is left when typography stops mattering.

Two texts that differ only in quote and dash styles, white space (also around punctuation:
"the mayor ’s office", "said , adding", "( AP )"), non-breaking spaces, invisible format
characters (zero-width spaces and joiners, direction marks and embeddings, word joiner,
BOM) or Unicode composition have the same comparison form, and so the same hash.
"""

from __future__ import annotations

import re
import unicodedata

import xxhash

from warehouse.ids import stable_id  # re-exported: ids are hashes of stored rows

__all__ = ["comparison_form", "stable_id", "text_hash", "words"]

_TRANSLATE = str.maketrans(
    {
        **dict.fromkeys("‘’‚‛′`´", "'"),
        **dict.fromkeys("“”„‟″«»", '"'),
        **dict.fromkeys("‐‑‒–—―−", "-"),
        "…": "...",
        "\u00ad": None,  # soft hyphen
        # invisible format characters: zero-width space and (non-)joiner, direction marks,
        # embeddings and overrides, word joiner, isolates, BOM
        **dict.fromkeys("\u200b\u200c\u200d\u200e\u200f\u2060\ufeff", None),
        **dict.fromkeys("\u202a\u202b\u202c\u202d\u202e", None),
        **dict.fromkeys("\u2066\u2067\u2068\u2069", None),
    }
)
_SPACES = re.compile(r"\s+")
# A space before closing punctuation or after an opening bracket is typography, as is one
# before an apostrophe that opens a clitic ("mayor 's", "do n't", "they 're").
_SPACE_BEFORE = re.compile(
    r"(?<=\S) (?=[,.;:!?)\]}%](?:\s|$|[,.;:!?)\]}\"'])|n?'(?:s|t|d|m|ll|re|ve)\b)"
)
_SPACE_AFTER = re.compile(r"(?<=[(\[{]) (?=\S)")
_WORDS = re.compile(r"\w+(?:[-'.]\w+)*", re.UNICODE)


def comparison_form(text: str) -> str:
    """`text` with typography folded: NFKC, straight quotes, ASCII dashes, single spaces."""
    # The table goes first (NFKC would split ″ and ´ into other characters), and again after
    # (NFKC can produce quotes and dashes); deleting invisible characters first lets NFKC
    # compose what they separated.
    text = unicodedata.normalize("NFKC", text.translate(_TRANSLATE)).translate(_TRANSLATE)
    text = _SPACES.sub(" ", text).strip()
    return _SPACE_AFTER.sub("", _SPACE_BEFORE.sub("", text))


def words(norm: str) -> list[str]:
    """The lower-cased words of a comparison form (punctuation dropped)."""
    return _WORDS.findall(norm.lower())


def text_hash(norm: str) -> str:
    """A stable 64-bit hex digest of a comparison form."""
    return xxhash.xxh3_64_hexdigest(norm.encode("utf-8"))
