"""The snapshot store: bodies kept once each by their hash, read back checked."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from pressdiff.errors import NotFoundError, SetupError
from tasks.web.snapshots import SnapshotStore, content_hash

PAGE_BYTES = b"<html><body><p>A ferry strike in Porthaven.</p></body></html>"


def test_snapshot_store_round_trip_and_dedupe(tmp_path: Path) -> None:
    store = SnapshotStore(tmp_path)
    digest = store.put(PAGE_BYTES)
    assert digest == content_hash(PAGE_BYTES) and len(digest) == 64
    path = store.path(digest)
    assert path == tmp_path / digest[:2] / digest[2:4] / f"{digest}.gz"
    mtime = path.stat().st_mtime_ns
    assert store.put(PAGE_BYTES) == digest
    assert path.stat().st_mtime_ns == mtime  # not rewritten
    assert store.get(digest) == PAGE_BYTES
    assert gzip.decompress(path.read_bytes()) == PAGE_BYTES
    assert digest in store and store.put(b"") in store
    assert [p.name for p in tmp_path.rglob("*") if p.name.startswith(".tmp")] == []


def test_snapshot_store_errors(tmp_path: Path) -> None:
    store = SnapshotStore(tmp_path)
    with pytest.raises(NotFoundError, match="no snapshot"):
        store.get("0" * 64)
    with pytest.raises(NotFoundError, match="not a snapshot hash"):
        store.get("../../etc/passwd")
    digest = store.put(PAGE_BYTES)
    store.path(digest).write_bytes(gzip.compress(b"tampered"))
    with pytest.raises(SetupError, match="corrupt"):
        store.get(digest)
