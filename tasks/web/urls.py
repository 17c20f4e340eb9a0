"""One article, one URL: the canonical form pressdiff keys articles by.

courlan (trafilatura's URL library) normalises scheme, host case, default ports, query
order and tracking parameters; on top, fragments go, AMP and mobile variants fold into the
article they render.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

from courlan import normalize_url

_AMP_PATH = re.compile(r"(/amp/?|/amp\.html?)$")
_AMP_SUFFIX = re.compile(r"\.amp(?=\.html?$)")
_AMP_QUERY = re.compile(r"(^|&)(amp|outputType=amp)(=[^&]*)?(?=&|$)")
_MOBILE_HOST = re.compile(r"^(m|mobile|amp)\.(?=[^.]+\.[^.]+)")  # not mobile.de itself


def canonical_url(url: str) -> str:
    """The canonical form of an http(s) `url`; other strings come back stripped."""
    url = url.strip()
    if not url.lower().startswith(("http://", "https://")):
        return url
    try:
        url = normalize_url(url, strict=False)  # drops trackers, keeps article ids
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
