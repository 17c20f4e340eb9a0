"""`pressdiff watch` and `pressdiff run` as a person uses them, through the real CLI as a
subprocess: a watchlist file is checked entry by entry, and a loopback address is named
with its remedy (--allow-private) when it is added and when a run refuses it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import PARAS, ROOT, feed, open_db
from tests.httpserver import Response, article, make_server


def pressdiff(*args: str, db: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    environ = {**os.environ, "PRESSDIFF_HOST_DELAY": "0", "PRESSDIFF_WORKERS": "0", **(env or {})}
    for key in ("PRESSDIFF_ALLOW_PRIVATE", "PREFECT_API_URL"):
        environ.pop(key, None)
    environ["PREFECT_HOME"] = str(db.parent / "prefect-home")
    return subprocess.run(
        [sys.executable, "-m", "pressdiff.cli", *args, "--db", str(db)],
        env=environ,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


def sources(db: Path) -> list[tuple]:
    with open_db(db) as con:
        return con.execute("select uri, kind, poll_interval from sources order by uri").fetchall()


WATCHLISTS = {
    "missing uri": (
        '[[watch]]\nuri = "https://a.example/rss.xml"\n\n[[watch]]\nkind = "feed"\n',
        "entry 2: missing key 'uri'",
    ),
    "unknown kind": (
        '[[watch]]\nuri = "https://a.example/rss.xml"\nkind = "rss"\n',
        "entry 1 (https://a.example/rss.xml): kind must be one of feed, sitemap, page, not 'rss'",
    ),
    "bad every": (
        '[[watch]]\nuri = "https://a.example/rss.xml"\nevery = "10 minutes"\n',
        "entry 1 (https://a.example/rss.xml): every takes a number and a unit "
        "(90s, 15m, 2h, 1d), not '10 minutes'",
    ),
    "every not a string": (
        '[[watch]]\nuri = "https://a.example/rss.xml"\nevery = 10\n',
        "entry 1 (https://a.example/rss.xml): every must be a string such as '15m', not 10",
    ),
    "unknown key": (
        '[[watch]]\nurl = "https://a.example/rss.xml"\n',
        "entry 1: unknown key 'url' (keys: uri, kind, every)",
    ),
    "not a list": (
        'watch = "https://a.example/rss.xml"\n',
        "`watch` must be a list of tables (one per source), not a string",
    ),
    "no entries": (
        '[[sources]]\nuri = "https://a.example/rss.xml"\n',
        "has no watch entries (one table per source",
    ),
    "TOML syntax": (
        '[[watch]]\nuri = "https://a.example/rss.xml"\nkind = feed\n',
        "is not valid TOML: Invalid value (at line 3, column 8)",
    ),
}


@pytest.mark.parametrize("case", WATCHLISTS)
def test_watch_import_names_the_bad_entry_and_adds_nothing(tmp_path, case):
    text, expected = WATCHLISTS[case]
    path = tmp_path / "watchlist.toml"
    path.write_text(text)
    db = tmp_path / "w.duckdb"
    done = pressdiff("watch", "import", str(path), db=db)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr and "KeyError" not in done.stderr
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith(f"error: {path}") and expected in line, line
    assert not db.exists() or sources(db) == []  # a bad file adds nothing, not even entry 1


def test_watch_import_reports_every_bad_entry_at_once(tmp_path):
    path = tmp_path / "watchlist.toml"
    path.write_text(
        '[[watch]]\nuri = "https://a.example/rss.xml"\nevery = "1w"\n\n'
        '[[watch]]\nuri = "https://b.example/sitemap.xml"\n\n'
        '[[watch]]\nuri = "ftp://c.example/feed"\n'
    )
    done = pressdiff("watch", "import", str(path), db=tmp_path / "w.duckdb")
    assert done.returncode == 2
    assert done.stderr.strip() == (
        f"error: {path}: nothing added; entry 1 (https://a.example/rss.xml): every takes a "
        "number and a unit (90s, 15m, 2h, 1d), not '1w'; entry 3 (ftp://c.example/feed): uri "
        "must be an http(s) URL, not 'ftp://c.example/feed'"
    )


def test_watch_import_of_a_good_file(tmp_path):
    path = tmp_path / "watchlist.toml"
    path.write_text(
        '[[watch]]\nuri = "https://a.example/rss.xml"\nevery = "10m"\n\n'
        '[[watch]]\nuri = "https://b.example/news"\nkind = "page"\n'
    )
    db = tmp_path / "w.duckdb"
    done = pressdiff("watch", "import", str(path), db=db)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "added feed https://a.example/rss.xml",
        "added page https://b.example/news",
    ]
    assert [(u, k, str(e)) for u, k, e in sources(db)] == [
        ("https://a.example/rss.xml", "feed", "0:10:00"),
        ("https://b.example/news", "page", "None"),
    ]


@pytest.mark.slow
def test_a_loopback_feed_names_the_remedy_when_added_and_when_refused(tmp_path):
    db = tmp_path / "w.duckdb"
    with make_server() as site:
        base = site.url("")
        site.set("/robots.txt", Response(404))
        site.set("/feed.xml", Response(body=feed(base, "/a"), content_type="application/rss+xml"))
        site.set("/a", Response(body=article("Flood gates open", *PARAS)))

        added = pressdiff("watch", "add", site.url("/feed.xml"), db=db)
        assert added.returncode == 0, added.stderr
        assert added.stdout.splitlines() == [
            f"added feed {site.url('/feed.xml')}",
            "  warning: 127.0.0.1 is a loopback address: runs refuse it (blocked) unless you "
            "pass --allow-private to pressdiff run and pressdiff serve, or set "
            "PRESSDIFF_ALLOW_PRIVATE=1",
        ]

        refused = pressdiff("run", db=db)
        assert refused.returncode == 1, refused.stdout + refused.stderr
        assert (
            "  1 refused (blocked: loopback address): pass --allow-private to fetch loopback "
            "and private addresses"
        ) in refused.stdout.splitlines()
        assert site.hits("/feed.xml") == []  # refused before any request

        allowed = pressdiff("run", "--force", "--allow-private", db=db)
        assert allowed.returncode == 0, allowed.stdout + allowed.stderr
        assert allowed.stdout.splitlines()[0].startswith("1 article new, 1 version new")
        assert "allow-private" not in allowed.stdout
        assert len(site.hits("/feed.xml")) == 1 and len(site.hits("/a")) == 1


def test_watch_add_with_allow_private_says_runs_need_it_too(tmp_path):
    db = tmp_path / "w.duckdb"
    done = pressdiff("watch", "add", "http://10.1.2.3/feed.xml", "--allow-private", db=db)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "added feed http://10.1.2.3/feed.xml",
        "  note: a private address: pass --allow-private to pressdiff run and pressdiff serve "
        "as well",
    ]
    public = pressdiff("watch", "add", "https://outlet.example/rss.xml", db=db)
    assert public.stdout.splitlines() == ["added feed https://outlet.example/rss.xml"]
