"""The comparison form of a text: what is left when typography stops mattering.

Two texts that differ only in quote and dash styles, white space, non-breaking spaces or
Unicode composition have the same comparison form, and so the same hash.
"""

from __future__ import annotations

import re
import unicodedata

import xxhash

_TRANSLATE = str.maketrans(
    {
        **dict.fromkeys("‘’‚‛′`´", "'"),
        **dict.fromkeys("“”„‟″«»", '"'),
        **dict.fromkeys("‐‑‒–—―−", "-"),
        "…": "...",
        "\u00ad": None,  # soft hyphen
        "\u200b": None,  # zero-width space
        "\u200c": None,
        "\u200d": None,
        "\ufeff": None,
    }
)
_SPACES = re.compile(r"\s+")
_WORDS = re.compile(r"\w+(?:[-'.]\w+)*", re.UNICODE)


def comparison_form(text: str) -> str:
    """`text` with typography folded: NFKC, straight quotes, ASCII dashes, single spaces."""
    # The table goes first (NFKC would split ″ and ´ into other characters), and again after
    # (NFKC can produce quotes and dashes); deleting invisible characters first lets NFKC
    # compose what they separated.
    text = unicodedata.normalize("NFKC", text.translate(_TRANSLATE)).translate(_TRANSLATE)
    return _SPACES.sub(" ", text).strip()


def words(norm: str) -> list[str]:
    """The lower-cased words of a comparison form (punctuation dropped)."""
    return _WORDS.findall(norm.lower())


def text_hash(norm: str) -> str:
    """A stable 64-bit hex digest of a comparison form."""
    return xxhash.xxh3_64_hexdigest(norm.encode("utf-8"))


def stable_id(*parts: str) -> str:
    """A stable 16-hex-digit id for a tuple of strings."""
    return xxhash.xxh3_64_hexdigest("\x1f".join(parts).encode("utf-8"))
