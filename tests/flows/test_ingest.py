"""The ingest flow on the real Prefect engine, writing real DuckDB files."""

from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from flows.ingest import ingest
from pressdiff.settings import Settings
from tests.conftest import corpus
from warehouse.connection import close_warehouse

pytestmark = pytest.mark.usefixtures("prefect")


def run(sources: list[str], db: Path, **kw):
    try:
        settings = Settings(**kw)
        return ingest(sources=[str(s) for s in sources], db=str(db), settings=settings)
    finally:
        close_warehouse(str(db))


def query(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        con.execute("SET TimeZone = 'UTC'")
        return con.execute(sql, params or []).fetchall()


def test_seeds_become_two_articles_and_a_rerun_adds_nothing(tmp_path, seeds):
    db = tmp_path / "w.duckdb"
    first = run([seeds], db, workers=1)
    assert (first.articles_new, first.versions_new, first.unchanged, first.rejected) == (2, 2, 0, 0)
    assert first.status == "completed"
    rows = query(
        db,
        """select split_part(v.source, '/', -1), a.n_versions, v.version_no, v.published_at,
                  v.dateline
           from versions v join articles a using (article_id) order by 1""",
    )
    assert rows == [
        ("000_b4ab9eb716f0ff46.txt", 1, 1, None, "ANKARA (Reuters)"),
        ("001_6f49e0fbfe08af1d.txt", 1, 1, datetime(2017, 2, 8, tzinfo=UTC), "ANKARA"),
    ]
    second = run([seeds], db, workers=1)
    assert (second.articles_new, second.versions_new, second.unchanged) == (0, 0, 2)
    assert query(db, "select count(*) from versions") == [(2,)]
    assert query(db, "select count(*), count(distinct run_id) from core.sightings") == [(2, 1)]
    assert query(
        db, "select status, n_versions_new, n_unchanged from runs order by started_at"
    ) == [
        ("completed", 2, 0),
        ("completed", 0, 2),
    ]


def test_quote_style_does_not_leak_into_the_comparison_form(tmp_path, seeds):
    db = tmp_path / "w.duckdb"
    run([seeds], db, workers=0)
    curly = query(db, "select count(*) from core.sentences where regexp_matches(norm, '[“”‘’]')")
    assert curly == [(0,)]
    # the wire keeps its curly quotes in the text as published
    assert query(db, "select count(*) > 0 from sentences where text like '%“%'") == [(True,)]
    shared = query(
        db,
        """select count(*) from core.sentences a join core.sentences b
           on a.sentence_hash = b.sentence_hash and a.version_id < b.version_id""",
    )
    assert shared[0][0] >= 5  # sentences differing only by quote style hash alike


def write(path: Path, data: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


ARTICLE = (
    "The harbour council voted on Monday to rebuild the old stone pier before winter. "
    "Work will start in May and should take about five months, the council said. "
    "Fishing crews welcomed the decision after two years of delays."
)


def test_bad_inputs_become_rejects_and_the_run_goes_on(tmp_path):
    src = tmp_path / "in"
    write(src / "good.txt", ARTICLE)
    write(src / "empty.txt", "")
    write(src / "binary.html", b"\x00\x01\x02<html>\x00")
    write(src / "nothing.html", "<html><body><script>var a = 1;</script></body></html>")
    write(src / "short.txt", "Too short to be news.")
    good_line = json.dumps({"url": "https://news.example/a", "text": ARTICLE})
    write(src / "feed.jsonl", good_line + "\n{not json\n")
    write(src / "rows.csv.gz", gzip.compress(b"url,text\nhttps://news.example/b,short\n"))
    db = tmp_path / "w.duckdb"
    summary = run([src, tmp_path / "missing.txt"], db, workers=1)
    assert (summary.articles_new, summary.versions_new, summary.rejected) == (2, 2, 7)
    assert summary.status == "completed_with_rejects"
    reasons = query(db, "select split_part(source, '/', -1), reason from rejects order by 1, 2")
    assert reasons == [
        ("binary.html", "binary"),
        ("empty.txt", "empty"),
        ("feed.jsonl", "malformed JSON"),
        ("missing.txt", "not found"),
        ("nothing.html", "no article text"),
        ("rows.csv.gz", "too short"),
        ("short.txt", "too short"),
    ]
    assert query(db, "select n_rejected, status from runs") == [(7, "completed_with_rejects")]


@pytest.mark.corpus
@pytest.mark.parametrize("name", ["trafilatura-eval", "fundus-news"])
def test_real_corpora_every_page_is_a_version_or_a_reject(tmp_path, name):
    folder = corpus(name)
    pages = [p for p in folder.rglob("*.htm*") if p.is_file()]
    db = tmp_path / "w.duckdb"
    summary = run([folder], db, workers=2)
    html_outcomes = query(
        db,
        """select
             (select count(*) from versions where source like '%.htm%')
           + (select count(*) from core.sightings where source like '%.htm%')
           + (select count(*) from rejects where source like '%.htm%')""",
    )[0][0]
    assert html_outcomes == len(pages)
    assert summary.versions_new > 0.8 * len(pages)
    assert query(db, "select count(*) from rejects where reason = '' or reason is null") == [(0,)]
