"""Watchlist input: poll intervals (`10m`), `[[watch]]` files, and private addresses.

A watchlist file is TOML with one `[[watch]]` table per source:

    [[watch]]
    uri = "https://outlet.example/rss.xml"   # required, http or https
    kind = "feed"                             # optional: feed, sitemap or page
    every = "10m"                             # optional: a number and s, m, h or d

The whole file is checked before anything is added; every problem is named by its entry
(number and uri) and key, in one UsageError: a file is added entirely or not at all.
(Messages avoid square brackets: the CLI prints errors as rich markup.)
"""

from __future__ import annotations

import ipaddress
import tomllib
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from pressdiff.errors import UsageError

KINDS = ("feed", "sitemap", "page")
KEYS = ("uri", "kind", "every")
UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


@dataclass(frozen=True, slots=True)
class WatchEntry:
    """One source to watch, as a file or the command line gives it."""

    uri: str
    kind: str | None = None
    every: timedelta | None = None


def parse_every(text: str | None, name: str = "--every") -> timedelta | None:
    """A poll interval like 90s, 15m, 2h or 1d (None stays None)."""
    if text is None:
        return None
    try:
        every = timedelta(**{UNITS[text[-1]]: float(text[:-1])})
    except (KeyError, ValueError, IndexError, TypeError, OverflowError):
        raise UsageError(
            f"{name} takes a number and a unit (90s, 15m, 2h, 1d), not {text!r}"
        ) from None
    if every <= timedelta(0):
        raise UsageError(f"{name} must be longer than 0, not {text!r}")
    return every


def read_watchlist(path: str | Path) -> list[WatchEntry]:
    """The `[[watch]]` entries of a TOML file, every one checked."""
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{path} is not valid TOML: {exc}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read {path}: {exc}") from None
    entries = data.get("watch")
    if entries is None:
        raise UsageError(f'{path} has no watch entries (one table per source: uri = "https://…")')
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise UsageError(
            f"{path}: `watch` must be a list of tables (one per source), not {_type(entries)}"
        )
    problems, out = [], []
    for n, entry in enumerate(entries, 1):
        try:
            out.append(_entry(entry))
        except UsageError as exc:
            uri = entry.get("uri")
            label = f"entry {n}" + (f" ({uri})" if isinstance(uri, str) else "")
            problems.append(f"{label}: {exc}")
    if problems:
        raise UsageError(f"{path}: nothing added; " + "; ".join(problems))
    return out


def _entry(entry: dict) -> WatchEntry:
    """One [[watch]] table as a WatchEntry; UsageError names the key at fault."""
    unknown = sorted(set(entry) - set(KEYS))
    if unknown:
        raise UsageError(f"unknown key {', '.join(map(repr, unknown))} (keys: {', '.join(KEYS)})")
    if "uri" not in entry:
        raise UsageError("missing key 'uri'")
    uri, kind, every = entry["uri"], entry.get("kind"), entry.get("every")
    if not isinstance(uri, str) or not uri.lower().startswith(("http://", "https://")):
        raise UsageError(f"uri must be an http(s) URL, not {uri!r}")
    if kind is not None and kind not in KINDS:
        raise UsageError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    if every is not None and not isinstance(every, str):
        raise UsageError(f"every must be a string such as '15m', not {every!r}")
    return WatchEntry(uri, kind, parse_every(every, "every"))


def _type(value: object) -> str:
    return {dict: "a table", str: "a string", list: "a list of other values"}.get(
        type(value), type(value).__name__
    )


def private_address(uri: str) -> str | None:
    """What kind of non-public address `uri` names (loopback, private, …), or None.

    Only what the URL itself says: an IP literal or localhost. A name that resolves to a
    private address is found when it is fetched, and rejected then.
    """
    host = (urlsplit(uri).hostname or "").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return "loopback"
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return None
    from tasks.web.addresses import address_refusal

    refusal = address_refusal(str(ip))
    return refusal.removeprefix("blocked: ").split(" address")[0] if refusal else None
