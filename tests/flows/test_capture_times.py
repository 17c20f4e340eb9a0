"""Capture times for whole ingests and crawl archives: `ingest --seen-at`, and a folder's
`index.json` giving each of its files its crawl date (fundus' re-crawls), so captures
ingested in any order become versions in capture order."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pressdiff.cli import main
from tasks.inputs.crawl_index import parse_crawl_index
from tests.helpers import FERRY, corpus, query, write
from tests.helpers import FERRY_URL as URL

pytestmark = pytest.mark.usefixtures("prefect")


def ingest(db: Path, *args: str) -> int:
    return main(["ingest", *args, "--workers", "0", "--db", str(db)])


def test_seen_at_dates_a_whole_ingest_unless_an_input_has_its_own(tmp_path, capsys):
    db = tmp_path / "w.duckdb"
    old, new = " ".join(FERRY), " ".join([*FERRY[:4], "Islanders asked for years."])
    write(tmp_path / "new" / "a.txt", f"url: {URL}\n\n{new}\n")
    write(tmp_path / "old" / "a.txt", f"url: {URL}\n\n{old}\n")
    own = f"url: {URL}\nseen: 2026-03-01T12:00:00Z\n\n{old} Ferries are popular.\n"
    write(tmp_path / "own" / "a.txt", own)
    assert ingest(db, str(tmp_path / "new"), "--seen-at", "2026-03-01T10:00:00+01:00") == 0
    assert ingest(db, str(tmp_path / "old"), "--seen-at", "2026-03-01 08:00") == 0
    assert ingest(db, str(tmp_path / "own"), "--seen-at", "2026-03-01T06:00:00Z") == 0
    rows = "select version_no, hour(seen_at), right(text, 19) from versions order by 1"
    assert query(db, rows) == [
        (1, 8, "e than three years."),
        (2, 9, "rs asked for years."),
        (3, 12, "erries are popular."),
    ]
    assert query(db, "select count(*) from comparisons") == [(2,)]
    capsys.readouterr()
    assert ingest(db, str(tmp_path / "old"), "--seen-at", "yesterday") == 2
    assert "'yesterday' is not an ISO 8601 time" in capsys.readouterr().err


def test_an_index_of_another_shape_is_no_crawl_index():
    assert parse_crawl_index(b'[{"file": "a.html", "crawl_date": "2024-12-23 12:45:54"}]') == {
        "a.html": datetime(2024, 12, 23, 12, 45, 54, tzinfo=UTC)
    }
    for data in (b"{}", b"[]", b'[{"url": "x"}]', b'[{"file": "../a", "crawl_date": "2024"}]'):
        assert parse_crawl_index(data) is None
    assert parse_crawl_index(b'[{"file": "a.html", "crawl_date": "soon"}]') is None


def test_fundus_recrawls_come_out_in_crawl_order(tmp_path):
    """The fundus re-crawls (pages plus their index.json; a link to each, nothing copied),
    ingested latest crawl first: every version is dated by its crawl, in crawl order."""
    src = corpus("fundus-recrawls")
    index = json.loads((src / "index.json").read_text())
    crawls = tmp_path / "crawls"
    crawls.mkdir()
    for e in index:
        (crawls / e["file"]).symlink_to(src / e["file"])
    (crawls / "index.json").symlink_to(src / "index.json")
    latest: dict[str, str] = {}
    for e in sorted(index, key=lambda e: e["crawl_date"]):
        latest[e["url"]] = e["file"]
    db = tmp_path / "w.duckdb"
    assert ingest(db, *(str(crawls / f) for f in sorted(latest.values()))) == 0
    assert ingest(db, str(crawls)) == 0  # the earlier crawls arrive later: a backfill

    dated = {e["file"]: e["crawl_date"][:19] for e in index}
    rows = query(
        db,
        """select split_part(source, '/', -1), strftime(seen_at, '%Y-%m-%d %H:%M:%S'),
                  valid_from, valid_to from versions""",
    )
    assert rows and all(seen == dated[file] for file, seen, _, _ in rows)
    assert all(until is None or since < until for _, _, since, until in rows)
    assert query(db, "select count(*) from rejects") == [(0,)]

    def history(site: str) -> list[tuple]:
        return query(
            db,
            """select v.version_no, v.title, v.text_hash from versions v
               join articles a using (article_id) where a.site like ? order by 1""",
            [f"%{site}"],
        )

    mbl = history("mbl.is")
    assert len(mbl) == 2 and mbl[0][2] != mbl[1][2]  # v1 -> v2, never back to v1
    corriere = history("corriere.it")
    assert len(corriere) == 2 and corriere[0][1] != corriere[1][1]  # one headline change
    assert len(history("taz.de")) <= 2  # two crawls, at most two versions
