"""Extraction health: a change the extractor or the page template made is labelled
`comparisons.cause = 'extraction'` (with its reason) and is never a notable change, and
`pressdiff reextract` re-reads stored pages without making versions. Through the real
ingest, the real CLI and the views."""

from __future__ import annotations

from pathlib import Path

import pytest

from pressdiff.cli import main
from tests.helpers import FAST, FERRY, STORIES, capture, fetch_run, open_db, query, run, write
from tests.httpserver import LocalServer, Response, article
from tests.httpserver import http_server as http_server  # the fixture

pytestmark = pytest.mark.usefixtures("prefect")

CAUSES = """select c.cause, c.cause_reason from comparisons c
            join versions v on v.version_id = c.new_version_id
            where c.relation = 'revision' order by v.source"""


def test_a_revision_of_page_furniture_only_is_extraction_caused(tmp_path):
    db, src = tmp_path / "w.duckdb", tmp_path / "in"
    run([capture(src, "v1.txt", "2026-03-01T08:00:00Z", FERRY)], db, workers=0)
    furnished = ["Photo", *FERRY, "Advertisement Continue reading the main story"]
    run([capture(src, "v2.txt", "2026-03-01T09:00:00Z", furnished)], db, workers=0)
    edited = ["Photo", *FERRY[:2], *FERRY[3:], "Correction: the ferry runs at nine."]
    run([capture(src, "v3.txt", "2026-03-01T10:00:00Z", edited)], db, workers=0)
    assert query(db, CAUSES) == [
        ("extraction", "only page furniture changed"),
        ("editorial", None),
    ]
    assert query(db, "select rule from notable_changes") == [("correction added",)]


SITE = "https://quay-times.example/"
TOPICS = {
    "school": "Pupils of the island school will learn to sail this summer, with lessons "
    "given twice a week by volunteers from the rowing club near the old quay.",
    "market": "Stallholders voted to move the Saturday market indoors for the winter, "
    "after gales tore three awnings in November and soaked the fish counter.",
    "lighthouse": "A local trust bought the disused lighthouse at auction and plans a "
    "small museum about the keepers who lived there until nineteen eighty.",
    "bus": "The island bus will run every half hour from April, the transport board said "
    "after a survey of more than four hundred passengers last autumn.",
}
TEMPLATE = "Update: readers can now follow every story of the Quay Times on the new app."


def page(topic: str, seen: str, *extra: str) -> str:
    return f"url: {SITE}{topic}\nseen: {seen}\n\n" + "\n\n".join([TOPICS[topic], *extra]) + "\n"


def test_the_same_change_in_many_articles_of_a_site_in_one_run_is_a_template_change(tmp_path):
    """Four articles of one site gain the same line in one run (one per batch, so the
    first ones are compared before it is known as the site's boilerplate): a template
    change, not four corrections; another site's own correction stays editorial."""
    db, src = tmp_path / "w.duckdb", tmp_path / "in"
    other = "https://other-paper.example/ferry"
    for topic in TOPICS:
        write(src / "v1" / f"{topic}.txt", page(topic, "2026-03-01T08:00:00Z"))
        write(src / "v2" / f"{topic}.txt", page(topic, "2026-03-01T09:00:00Z", TEMPLATE))
    body = " ".join(FERRY)
    write(src / "v1" / "zz-other.txt", f"url: {other}\nseen: 2026-03-01T08:00:00Z\n\n{body}\n")
    fixed = f"{body}\n\nCorrection: the ferry leaves from pier two."
    write(src / "v2" / "zz-other.txt", f"url: {other}\nseen: 2026-03-01T09:00:00Z\n\n{fixed}\n")
    run([src / "v1"], db, workers=0)
    run([src / "v2"], db, workers=0, batch_size=1)
    causes = query(db, CAUSES)
    template = "template change: 4 articles of quay-times.example changed the same way in one run"
    assert causes[:2] == [("extraction", template)] * 2  # bus, lighthouse: before it was known
    assert all(cause == "extraction" for cause, _ in causes[:4])
    assert causes[4] == ("editorial", None)
    assert query(db, "select url, rule from notable_changes") == [(other, "correction added")]


def _pretend_an_older_extractor(db: Path, url_part: str) -> None:
    """Make the stored version of `url_part` look as an older extractor left it: without
    its last sentence, so with another text hash and version id."""
    with open_db(db, read_only=False) as con:
        vid, last = con.execute(
            """select v.version_id, max(s.sentence_no) from core.versions v
               join core.articles a using (article_id) join core.sentences s using (version_id)
               where a.url like ? group by all""",
            [f"%{url_part}"],
        ).fetchone()
        con.execute(
            "delete from core.sentences where version_id = ? and sentence_no = ?", [vid, last]
        )
        con.execute(
            "update core.versions set text_hash = 'older-extractor' where version_id = ?", [vid]
        )
        tables = con.execute(
            """select table_name from duckdb_columns()
               where schema_name = 'core' and column_name = 'version_id'"""
        ).fetchall()
        for (table,) in tables:  # names from the catalogue
            con.execute(f"update core.{table} set version_id = 'older' where version_id = ?", [vid])


def test_reextract_records_extractor_changes_never_versions(
    tmp_path, http_server: LocalServer, capsys
):
    db = tmp_path / "w.duckdb"
    for name in ("pier", "library"):
        http_server.set(f"/news/{name}", Response(body=article(*STORIES[name]).encode()))
    urls = [http_server.url(f"/news/{n}") for n in ("pier", "library")]
    fetch_run(urls, db)
    write(tmp_path / "local.txt", f"url: {SITE}bus\n\n{TOPICS['bus']}\n")
    run([tmp_path / "local.txt"], db, workers=0)
    _pretend_an_older_extractor(db, "/news/pier")
    capsys.readouterr()

    assert main(["reextract", "--db", str(db)]) == 0
    said = capsys.readouterr().out
    assert "2 stored pages re-extracted: 1 give the stored text, 1 another" in said
    assert "1 versions have no stored page (local files keep none)" in said
    assert query(
        db,
        """select c.relation, c.cause, c.n_same, c.n_added, c.cause_reason from comparisons c
           where c.relation = 'reextraction'""",
    ) == [
        (
            "reextraction",
            "extraction",
            2,
            1,
            "a re-extraction of the stored page gives another text",
        )
    ]
    assert query(db, "select count(*), sum(n_versions) from articles") == [(3, 3)]
    assert main(["reextract", "--site", "quay-times.example", "--db", str(db)]) == 0
    assert "0 stored pages re-extracted" in capsys.readouterr().out

    # the same bytes fetched again give the current extractor's text: a new version, but
    # the revision is the extractor's, not the newsroom's
    fetch_run(urls[:1], db, **FAST)
    assert query(db, CAUSES) == [
        ("extraction", "the same stored page gives both texts (an extractor change)")
    ]
    assert query(db, "select count(*) from notable_changes") == [(0,)]
