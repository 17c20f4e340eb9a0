"""URLs, normalised for their two purposes: the URL fetched, and the article it is.

courlan (trafilatura's URL library) normalises scheme, host case, default ports, query
order and tracking parameters for both. Then:

    fetchable_url   the URL as pressdiff fetches it and records it in `fetches`: the
                    fragment dropped; BlockedURLError when it cannot be fetched at all
                    (not http or https, no host, a bad port, over 8 KiB)
    canonical_url   the URL pressdiff keys an article by: also AMP and mobile variants
                    folded into the article they render

`origin` is the unit of politeness and of robots.txt; `http_url` and `site_of` read URLs
that come from pages and records.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

import courlan

from pressdiff.errors import BlockedURLError

MAX_URL_LENGTH = 8192  # longer URLs are refused; servers commonly stop at 8 KiB

_AMP_PATH = re.compile(r"(/amp/?|/amp\.html?)$")
_AMP_SUFFIX = re.compile(r"\.amp(?=\.html?$)")
_AMP_QUERY = re.compile(r"(^|&)(amp|outputType=amp)(=[^&]*)?(?=&|$)")
_MOBILE_HOST = re.compile(r"^(m|mobile|amp)\.(?=[^.]+\.[^.]+)")  # not mobile.de itself


def fetchable_url(url: str) -> str:
    """`url` as pressdiff fetches and stores it; BlockedURLError if it cannot be fetched."""
    text = url.strip()
    if len(text) > MAX_URL_LENGTH:
        raise BlockedURLError(f"invalid URL: longer than {MAX_URL_LENGTH} characters")
    check_url(text)
    try:
        normal = courlan.normalize_url(text)
        return urlunsplit(urlsplit(normal)._replace(fragment=""))
    except ValueError as exc:
        raise BlockedURLError(f"invalid URL: {exc}") from exc


def check_url(url: str) -> None:
    """BlockedURLError unless `url` may be asked for: http or https, a host, a port that
    is a number, at most MAX_URL_LENGTH characters (every redirect hop is checked too)."""
    try:
        parts = urlsplit(url)
        check_scheme(parts.scheme, parts.hostname)
        parts.port  # noqa: B018 -- raises ValueError when out of range
    except ValueError as exc:
        raise BlockedURLError(f"invalid URL: {exc}") from exc
    if len(url) > MAX_URL_LENGTH:
        raise BlockedURLError(f"invalid URL: longer than {MAX_URL_LENGTH} characters")


def recorded_url(url: str) -> str:
    """`url` as the fetcher records it (unchanged when the fetcher would refuse it)."""
    try:
        return fetchable_url(url)
    except BlockedURLError:
        return url


def check_scheme(scheme: str, host: str | None) -> None:
    """BlockedURLError unless the URL is http or https with a host."""
    if scheme.lower() not in ("http", "https"):
        raise BlockedURLError(f"blocked: scheme {scheme or '(none)'} is not http or https")
    if not host:
        raise BlockedURLError("blocked: URL has no host")


def origin(url: str) -> str:
    """scheme://host:port, the unit of politeness and of robots.txt."""
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    host = f"[{parts.hostname}]" if ":" in (parts.hostname or "") else parts.hostname
    return f"{parts.scheme}://{host}:{port}"


def canonical_url(url: str) -> str:
    """The canonical form of an http(s) `url`; other strings come back stripped."""
    url = url.strip()
    if not url.lower().startswith(("http://", "https://")):
        return url
    try:
        url = courlan.normalize_url(url, strict=False)  # drops trackers, keeps article ids
        parts = urlsplit(url)
    except ValueError:  # courlan or urlsplit: `http://[::1`
        return url
    host = _MOBILE_HOST.sub("", parts.netloc.lower())
    path = _AMP_SUFFIX.sub("", _AMP_PATH.sub("", parts.path)) or "/"
    query = _AMP_QUERY.sub("", parts.query).strip("&")
    return urlunsplit((parts.scheme.lower(), host, path, query, ""))


def http_url(url: str | None) -> str | None:
    """`url` stripped when it is an absolute http(s) URL with a host that parses, else None
    (`12345`, `mailto:x`, `http://[::1` name no page)."""
    url = (url or "").strip()
    if not url.lower().startswith(("http://", "https://")) or any(c < " " for c in url):
        return None
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError:
        return None
    return url if parts.hostname else None


def site_of(url: str | None) -> str | None:
    """The host an article was published on, without `www.`: `www.bbc.co.uk` -> `bbc.co.uk`."""
    if not url or "://" not in url:
        return None
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return None
    return host.removeprefix("www.") or None
