"""The viewer over HTTP, without a browser: addresses, escaping, 404s, the feed, search,
and `pressdiff search` on the command line."""

from __future__ import annotations

import re

import feedparser
import httpx
import pytest

from pressdiff.web.app import RULES
from pressdiff.web.diffs import Piece, words
from tests.helpers import cli

WIRE = "https://wire.example/world/porthaven-ferry-strike"
ALTERNATE = re.compile(r'<link rel="alternate" type="application/atom\+xml" href="([^"]+)"')


def get(site: str, path: str, **params) -> httpx.Response:
    return httpx.get(site + path, params=params or None, timeout=30)


def ids(site: str, pattern: str, path: str = "/") -> list[str]:
    return re.findall(pattern, get(site, path).text)


def test_every_page_answers_and_advertises_its_feed(site: str) -> None:
    article = ids(site, r'href="/article/([0-9a-f]{16})"')[0]
    story = ids(site, r'href="/story/([0-9a-f]{16})"')[0]
    pages = [
        "/",
        f"/article/{article}",
        f"/article/{article}/diff",
        f"/story/{story}",
        "/outlet/wire.example",
        "/swaps",
        "/search?q=ferry",
    ]
    for path in pages:
        r = get(site, path)
        assert r.status_code == 200, path
        assert r.headers["content-type"].startswith("text/html")
        assert "script-src 'none'" in r.headers["content-security-policy"]
        assert ALTERNATE.search(r.text), path
    outlet = get(site, "/outlet/wire.example").text
    assert ALTERNATE.search(outlet)[1] == "/feed.atom?outlet=wire.example"


@pytest.mark.parametrize(
    "path",
    [
        "/article/zzz",
        "/article/0000000000000000",
        "/article/0000000000000000/diff",
        "/story/0000000000000000",
        "/story/../../etc/passwd",
        "/outlet/%3Cscript%3E",
        "/outlet/nowhere.example",
        "/feed.atom?rule=nonsense",
        "/nothing-here",
    ],
)
def test_a_bad_address_is_a_404_page_not_a_traceback(site: str, path: str) -> None:
    r = get(site, path)
    assert r.status_code == 404
    assert "<h1>Not found</h1>" in r.text
    assert "Traceback" not in r.text
    assert "<script>" not in r.text


def test_an_unknown_version_of_a_real_article_is_a_404(site: str) -> None:
    article = ids(site, r'href="/article/([0-9a-f]{16})"')[0]
    r = get(site, f"/article/{article}/diff", to="0123456789abcdef")
    assert r.status_code == 404
    assert "this article has no version &#39;0123456789abcdef&#39;" in r.text


def test_a_script_in_an_article_shows_as_text(site: str) -> None:
    found = get(site, "/search", q="pilots").text
    article = re.search(r'href="/article/([0-9a-f]{16})"', found)[1]
    html = get(site, f"/article/{article}").text
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Harbour pilots &lt;b&gt;vote&lt;/b&gt;" in html
    assert "<p>&lt;script&gt;alert(1)&lt;/script&gt; The association said" in html
    for page in (found, get(site, "/").text, get(site, "/outlet/mischief.example").text):
        assert "<script>" not in page
        assert "<b>vote</b>" not in page


def test_the_wire_revision_marks_the_number_and_the_removed_quote(site: str) -> None:
    home = get(site, "/").text
    link = re.search(
        r'href="(/article/[0-9a-f]{16}/diff\?from=[0-9a-f]{16}&amp;to=[0-9a-f]{16})"', home
    )
    html = get(site, link[1].replace("&amp;", "&")).text
    assert WIRE in html
    assert '<del>14,000</del><ins class="swap" data-swap-of="14,000"' in html
    assert "<del>“We asked for one thing: rest between shifts,” union organiser" in html
    assert "<del>crews </del>" in html  # the headline, on its own


def test_the_feed_is_valid_atom_per_rule_and_per_outlet(site: str) -> None:
    everything = feedparser.parse(get(site, "/feed.atom").content)
    assert everything.bozo == 0, everything.bozo_exception
    assert everything.version == "atom10"
    assert {e.tags[0].term for e in everything.entries} >= {
        "headline changed",
        "number changed",
        "quote removed",
    }
    for rule in RULES:
        only = feedparser.parse(get(site, "/feed.atom", rule=rule).content)
        assert only.bozo == 0
        assert all(e.tags[0].term == rule for e in only.entries)
    wire = feedparser.parse(get(site, "/feed.atom", outlet="wire.example").content)
    assert wire.bozo == 0
    assert len(wire.entries) == 3
    assert all("wire.example" in e.summary for e in wire.entries)
    link = wire.entries[0].link
    assert link.startswith(site + "/article/")
    assert get(site, link.removeprefix(site)).status_code == 200


def test_search_finds_text_a_later_version_removed(site: str) -> None:
    everyone = get(site, "/search", q="rest between shifts").text
    assert everyone.count('class="results"') == 1
    assert everyone.count('<li><a href="/article/') == 2  # the wire and the Courier's copy
    gone = get(site, "/search", q="rest between shifts", gone="1").text
    assert gone.count('<li><a href="/article/') == 1
    assert "no longer says it" in gone
    assert "<mark>rest</mark> <mark>between</mark> <mark>shifts,”</mark>" in gone


def test_search_on_the_command_line(warehouse) -> None:
    done = cli("search", "--db", str(warehouse), "--gone", "--format", "csv", "Maren Olt")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert lines[0] == "article_id,site,title,versions,latest says it,snippet,url"
    assert len(lines) == 2
    assert ",wire.example,Porthaven ferry crews strike over night-shift rota,1 of 2,no," in lines[1]
    assert lines[1].endswith(WIRE)


def test_the_web_command_listens_on_loopback_by_default() -> None:
    done = cli("web", "--help")
    assert done.returncode == 0
    assert "[default: 127.0.0.1]" in done.stdout
    assert "[default: 8080;" in done.stdout


def test_a_swapped_term_is_paired_with_what_it_replaced() -> None:
    assert words(
        "joint action against Islamic State in Raqqa", "joint action against Daesh in Raqqa"
    ) == (
        Piece("same", "joint action against "),
        Piece("del", "Islamic State"),
        Piece("ins", "Daesh", "Islamic State"),
        Piece("same", " in Raqqa"),
    )
    assert words("a cut here", "a here") == (
        Piece("same", "a "),
        Piece("del", "cut "),
        Piece("same", "here"),
    )


def test_serve_web_runs_the_viewer_in_a_thread(warehouse) -> None:
    import time

    from pressdiff.serve import free_port
    from pressdiff.web.server import start_in_thread

    said: list[str] = []
    port = free_port()
    server = start_in_thread(warehouse, said.append, port=port)
    try:
        deadline = time.monotonic() + 60
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.1)
        r = httpx.get(f"http://127.0.0.1:{port}/swaps", timeout=30)
        assert r.status_code == 200
        assert "<del>Harbour Authority</del>" in r.text
        assert said == [f"web viewer: http://127.0.0.1:{port}/"]
    finally:
        server.should_exit = True


@pytest.mark.parametrize("command", [["web"], ["search", "ferry"], ["index"]])
def test_a_missing_warehouse_is_one_line_not_a_new_file(tmp_path, command) -> None:
    missing = tmp_path / "typo.duckdb"
    done = cli(*command, "--db", str(missing))
    assert done.returncode == 2
    assert done.stderr.strip() == (
        f"error: no warehouse at {missing}: run 'pressdiff ingest' or 'pressdiff demo' first"
    )
    assert not missing.exists()
