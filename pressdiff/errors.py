"""Every error pressdiff raises on purpose.

PressdiffError                 base: one clear sentence, shown without a traceback
├── UsageError                 the command line asks for something impossible (exit 2)
├── SetupError                 the machine or warehouse is not in a usable state (exit 2)
│   └── WarehouseLockedError   another process holds the DuckDB file
├── NotFoundError              an id or URL the warehouse does not know (exit 2)
├── Interrupted                a stop was asked for before the work began (exit 130 or 143)
├── InputError                 one input cannot become a version; recorded as a reject
└── FetchError                 one HTTP attempt failed; recorded in fetches
    └── BlockedURLError        a URL was refused before any request (scheme, address, robots)
"""

from __future__ import annotations


class PressdiffError(Exception):
    """Base class: the message is one sentence a person can act on."""

    exit_code = 2


class UsageError(PressdiffError):
    """The command line asks for something impossible."""


class SetupError(PressdiffError):
    """The machine or the warehouse is not in a usable state."""


class WarehouseLockedError(SetupError):
    """Another process holds the DuckDB file open for writing."""


class NotFoundError(PressdiffError):
    """An article, version or story the warehouse does not know."""


class Interrupted(PressdiffError):
    """A stop (Ctrl-C, SIGTERM) was asked for before the work began; it said so already."""

    def __init__(self) -> None:
        from pressdiff import stopping

        super().__init__("interrupted")
        self.exit_code = stopping.exit_code() or 130


class InputError(PressdiffError):
    """One input cannot become a version; it is recorded as a reject with `reason`."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


class FetchError(PressdiffError):
    """One HTTP attempt failed; it is recorded as a fetches row."""


class BlockedURLError(FetchError):
    """A URL was refused before any request was made."""
