"""URLs for their two purposes: as fetched (`fetchable_url`), and the article they are
(`canonical_url`: one article, one URL, however it was linked)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pressdiff.errors import BlockedURLError
from tasks.web.urls import canonical_url, fetchable_url, origin, recorded_url, site_of

A = "https://example.com/news/a"


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        # tracking parameters go, the article's own parameters stay
        ("https://example.com/news/a?utm_source=x&utm_medium=y&utm_campaign=z", A),
        ("https://example.com/news/a?fbclid=abc&gclid=def", A),
        ("https://example.com/news/a?mc_cid=1&mc_eid=2", A),
        ("https://example.com/news/a?utm_source=x&id=3", f"{A}?id=3"),
        # parameter order does not matter
        ("https://example.com/news/a?page=2&id=3", f"{A}?id=3&page=2"),
        ("https://example.com/news/a?id=3&page=2", f"{A}?id=3&page=2"),
        # fragments go
        ("https://example.com/news/a#comments", A),
        ("https://example.com/news/a?id=3#top", f"{A}?id=3"),
        # scheme and host case
        ("HTTPS://Example.COM/news/a", A),
        ("https://EXAMPLE.com/news/a", A),
        # default ports go, others stay
        ("https://example.com:443/news/a", A),
        ("http://example.com:80/news/a", "http://example.com/news/a"),
        ("https://example.com:8443/news/a", "https://example.com:8443/news/a"),
        # mobile and AMP variants fold into the article they render
        ("https://m.example.com/news/a", A),
        ("https://mobile.example.com/news/a", A),
        ("https://amp.example.com/news/a", A),
        ("https://example.com/news/a/amp", A),
        ("https://example.com/news/a/amp/", A),
        ("https://example.com/news/a/amp.html", A),
        ("https://example.com/news/a?amp", A),
        ("https://example.com/news/a?amp=1", A),
        ("https://example.com/news/a?outputType=amp", A),
        ("https://m.example.com/news/a/amp?utm_source=x#top", A),
        # the bare host gets a path; www stays (it is another host)
        ("https://example.com", "https://example.com/"),
        ("https://www.example.com/news/a", "https://www.example.com/news/a"),
        # words that only contain "amp" are not AMP markers
        ("https://example.com/news/camp", "https://example.com/news/camp"),
        ("https://example.com/news/amplifier", "https://example.com/news/amplifier"),
        ("https://mamp.example.com/a", "https://mamp.example.com/a"),
        # white space around a pasted URL
        ("  https://example.com/news/a \n", A),
    ],
)
def test_canonical_url(url: str, canonical: str) -> None:
    assert canonical_url(url) == canonical


@pytest.mark.parametrize(
    ("value", "canonical"),
    [
        ("ftp://example.com/a", "ftp://example.com/a"),
        ("  /local/path/story.txt  ", "/local/path/story.txt"),
        ("story.txt#L3", "story.txt#L3"),
        ("0123456789abcdef", "0123456789abcdef"),
    ],
)
def test_non_http_strings_come_back_stripped(value: str, canonical: str) -> None:
    assert canonical_url(value) == canonical


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/news.php?story=123",
        "https://example.com/article?sid=98765",
        "https://example.com/view?articleId=42",
    ],
)
def test_article_identifying_query_parameters_are_kept(url: str) -> None:
    assert canonical_url(url) == url


def test_amp_html_suffix_folds() -> None:
    assert canonical_url("https://example.com/news/story.amp.html") == (
        "https://example.com/news/story.html"
    )


@pytest.mark.parametrize("url", ["https://mobile.de/cars/123", "https://amp.dev/about/"])
def test_mobile_prefix_of_a_registered_domain_is_kept(url: str) -> None:
    assert canonical_url(url) == url


@pytest.mark.parametrize(
    ("url", "site"),
    [
        ("https://www.bbc.co.uk/news/world", "bbc.co.uk"),
        ("https://news.example.com/a", "news.example.com"),
        ("https://example.com:8443/a", "example.com"),
        ("/local/path.txt", None),
        ("", None),
        (None, None),
    ],
)
def test_site_of(url: str | None, site: str | None) -> None:
    assert site_of(url) == site


# ---------------------------------------------------------------- properties

_LABEL = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=8).filter(
    lambda s: s not in {"m", "mobile", "amp"}
)
_HOST = st.builds(
    lambda prefix, labels, tld: ".".join([*prefix, *labels, tld]),
    st.sampled_from([[], ["www"], ["m"], ["mobile"], ["amp"], ["news"], ["m", "news"]]),
    st.lists(_LABEL, min_size=1, max_size=2),
    st.sampled_from(["com", "org", "co.uk", "de"]),
)
_PATH = st.builds(
    lambda segments, last: "/" + "/".join([*segments, last] if last else segments),
    st.lists(_LABEL, max_size=3),
    st.sampled_from(["", "amp", "amp/", "amp.html", "index.html", "story.html"]),
)
_PARAM = st.tuples(
    st.sampled_from(
        [
            "id",
            "page",
            "p",
            "utm_source",
            "utm_medium",
            "fbclid",
            "gclid",
            "amp",
            "outputType",
            "ref",
            "q",
            "lang",
        ]
    ),
    st.text(alphabet="abc123", max_size=4),
)
_URL = st.builds(
    lambda scheme, host, port, path, params, fragment: (
        f"{scheme}://{host}{port}{path}"
        + ("?" + "&".join(f"{k}={v}" for k, v in params) if params else "")
        + (f"#{fragment}" if fragment else "")
    ),
    st.sampled_from(["http", "https", "HTTP", "Https"]),
    _HOST,
    st.sampled_from(["", ":80", ":443", ":8080"]),
    _PATH,
    st.lists(_PARAM, max_size=4),
    st.text(alphabet="abc", max_size=3),
)


@settings(max_examples=300, deadline=None)
@given(_URL)
def test_canonical_url_is_idempotent(url: str) -> None:
    once = canonical_url(url)
    assert canonical_url(once) == once


@settings(max_examples=300, deadline=None)
@given(_URL)
def test_canonical_url_has_no_fragment_tracking_or_upper_case_host(url: str) -> None:
    canonical = canonical_url(url)
    scheme, rest = canonical.split("://", 1)
    host = rest.split("/", 1)[0]
    assert scheme in {"http", "https"}
    assert host == host.lower()
    assert "#" not in canonical
    assert not any(t in canonical for t in ("utm_", "fbclid", "gclid"))
    assert not host.startswith(("m.", "mobile.", "amp."))


# --- As fetched --------------------------------------------------------------------------------


def test_fetchable_url() -> None:
    assert (
        fetchable_url("HTTPS://News.Example.COM:443/a?b=2&utm_campaign=x&a=1#frag")
        == "https://news.example.com/a?a=1&b=2"
    )


_SEGMENT = st.text("abcdefghijklmnopqrstuvwxyz0123456789-._~%", max_size=8)


@given(
    host=st.from_regex(r"[a-z][a-z0-9]{0,8}(\.[a-z]{2,5}){1,2}", fullmatch=True),
    path=st.lists(_SEGMENT, max_size=4),
    query=st.dictionaries(st.sampled_from(["id", "page", "utm_source", "q", "ref"]), _SEGMENT),
    fragment=_SEGMENT,
)
def test_normalize_url_is_idempotent(
    host: str, path: list[str], query: dict[str, str], fragment: str
) -> None:
    url = f"https://{host}/{'/'.join(path)}?{'&'.join(f'{k}={v}' for k, v in query.items())}"
    once = fetchable_url(f"{url}#{fragment}")
    assert fetchable_url(once) == once
    assert "#" not in once and "utm_source" not in once


@pytest.mark.parametrize(
    ("url", "error"),
    [
        ("ftp://files.example/a", "blocked: scheme ftp is not http or https"),
        ("http:///a", "blocked: URL has no host"),
        ("http://example.com:99999/a", "invalid URL: Port out of range 0-65535"),
        ("http://example.com/" + "a" * 8192, "invalid URL: longer than 8192 characters"),
    ],
)
def test_what_cannot_be_fetched(url: str, error: str) -> None:
    """fetchable_url refuses with the row's error; recorded_url keeps such a URL as given."""
    with pytest.raises(BlockedURLError) as caught:
        fetchable_url(url)
    assert str(caught.value) == error
    assert recorded_url(url) == url


def test_the_two_forms_differ_only_in_what_they_fold() -> None:
    """An AMP page is fetched at its own URL, and is the article of its canonical one."""
    amp = "https://m.example.com/news/a/amp?utm_source=x#top"
    assert fetchable_url(amp) == "https://m.example.com/news/a/amp"
    assert canonical_url(amp) == "https://example.com/news/a"


def test_origin() -> None:
    assert origin("https://Example.com/a?b") == "https://example.com:443"
    assert origin("http://[::1]:8080/a") == "http://[::1]:8080"
