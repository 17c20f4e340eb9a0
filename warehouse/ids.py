"""Row ids: stable content hashes of the strings that name a stored row."""

from __future__ import annotations

import xxhash


def stable_id(*parts: str) -> str:
    """A stable 16-hex-digit id for a tuple of strings."""
    return xxhash.xxh3_64_hexdigest("\x1f".join(parts).encode("utf-8"))
