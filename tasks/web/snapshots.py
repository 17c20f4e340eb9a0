"""Raw fetched bodies, stored once each, addressed by their SHA-256 and gzip-compressed.

A body's address is the hex SHA-256 of its bytes; it lives at `root/ab/cd/<hash>.gz`.
The same body fetched twice is stored once. Re-extraction reads snapshots, never the network.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import re
import tempfile
from pathlib import Path

from pressdiff.errors import NotFoundError, SetupError

GZIP_LEVEL = 6
_HASH_RE = re.compile(r"[0-9a-f]{64}")


def content_hash(body: bytes) -> str:
    """The address of `body`: its SHA-256 as 64 lowercase hex digits."""
    return hashlib.sha256(body).hexdigest()


class SnapshotStore:
    """A content-addressed folder of gzip-compressed bodies."""

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)
        self._folders: set[Path] = set()  # made already: skip the mkdir

    def path(self, digest: str) -> Path:
        """Where the snapshot `digest` lives (whether or not it exists)."""
        if not _HASH_RE.fullmatch(digest):
            raise NotFoundError(f"{digest!r} is not a snapshot hash (64 lowercase hex digits)")
        return self.root / digest[:2] / digest[2:4] / f"{digest}.gz"

    def __contains__(self, digest: object) -> bool:
        return (
            isinstance(digest, str)
            and bool(_HASH_RE.fullmatch(digest))
            and self.path(digest).exists()
        )

    def put(self, body: bytes) -> str:
        """Store `body` unless an identical one is stored already; return its hash."""
        digest = content_hash(body)
        target = self.path(digest)
        if not target.exists():
            if target.parent not in self._folders:
                target.parent.mkdir(parents=True, exist_ok=True)
                self._folders.add(target.parent)
            _write_atomic(target, gzip.compress(body, GZIP_LEVEL, mtime=0))
        return digest

    def get(self, digest: str) -> bytes:
        """The body stored under `digest`, checked against its hash."""
        target = self.path(digest)
        try:
            body = gzip.decompress(target.read_bytes())
        except FileNotFoundError:
            raise NotFoundError(f"no snapshot {digest} in {self.root}") from None
        except (OSError, EOFError) as exc:
            raise SetupError(f"snapshot {target} is unreadable: {exc}") from exc
        if content_hash(body) != digest:
            raise SetupError(f"snapshot {target} is corrupt: its content does not match its hash")
        return body


def _write_atomic(target: Path, data: bytes) -> None:
    """Write `data` to `target` (whose folder exists) through a temporary file and a rename."""
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=".gz")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
