"""What fetching one URL gave: the `fetches` row of every attempt, and the body."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

FETCH_COLUMNS = (
    "url",
    "final_url",
    "status_code",
    "error",
    "fetched_at",
    "bytes",
    "etag",
    "last_modified",
    "elapsed_ms",
    "content_type",
    "snapshot",
)


def now() -> datetime:
    """The time now, in UTC."""
    return datetime.now(UTC)


@dataclass(slots=True)
class FetchResult:
    """One URL's fetch: the `fetches` row (FETCH_COLUMNS) and what came with it."""

    url: str
    final_url: str | None = None
    status_code: int | None = None
    error: str | None = None
    fetched_at: datetime = field(default_factory=now)
    bytes: int | None = None  # length of the decoded body kept; 0 for a 304; None if none
    etag: str | None = None
    last_modified: str | None = None  # the header as sent, for If-Modified-Since
    elapsed_ms: int | None = None
    content_type: str | None = None
    body: bytes | None = None
    snapshot: str | None = None  # SnapshotStore hash of `body`
    not_modified: bool = False
    attempts: int = 1
    previous: tuple[FetchResult, ...] = ()  # earlier attempts that were retried

    @property
    def ok(self) -> bool:
        """True for a body or a 304: something to extract or to mark unchanged."""
        return self.error is None

    def row(self) -> dict[str, Any]:
        """This attempt as a `fetches` row."""
        return {name: getattr(self, name) for name in FETCH_COLUMNS}

    def rows(self) -> list[dict[str, Any]]:
        """Every HTTP attempt for this URL, retried ones first, as `fetches` rows."""
        return [*(earlier.row() for earlier in self.previous), self.row()]

    def as_dict(self) -> dict[str, Any]:
        """All fields, for logs and tests (the body is left out)."""
        return {k: v for k, v in asdict(self).items() if k not in ("body", "previous")}
