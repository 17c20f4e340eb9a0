"""What the warehouse explains with SQL after an ingest: stories, comparisons, edits, swaps.

Every assertion reads the contract's views (stories, story_members, comparisons,
sentence_edits, phrase_edits, term_swaps, articles, versions, sentences and the history
macro), on real DuckDB files written by the ingest flow on the real Prefect engine.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.helpers import corpus, query, run, write

pytestmark = pytest.mark.usefixtures("prefect")

WIRE, COPY = "000_b4ab9eb716f0ff46.txt", "001_6f49e0fbfe08af1d.txt"
FEB_8 = datetime(2017, 2, 8, tzinfo=UTC)

# The seed pair, sentence by sentence (wire number -> republication number); the same
# figures as tests/tasks/test_align.py::test_seed_pair_is_swaps_and_cuts_only.
SEED_CHANGED = {1: 1, 2: 2, 4: 4, 5: 5, 8: 8, 13: 9, 16: 12}
SEED_SAME = {3: 3, 6: 6, 7: 7, 14: 10, 15: 11, 17: 13, 18: 14, 19: 15}
SEED_REMOVED = [9, 10, 11, 12, *range(20, 36)]  # a block of four, and the second half
ISLAMIC_STATE, IS, ISLAMIST = ("Islamic State", "Daesh"), ("IS", "Daesh"), ("Islamist ", "")
SEED_PHRASES = [
    (1, 1, *ISLAMIC_STATE),
    (2, 2, *IS),
    (2, 2, *ISLAMIC_STATE),
    (4, 4, *IS),
    (4, 4, *IS),
    (5, 5, *ISLAMIC_STATE),
    (8, 8, *IS),
    (13, 9, *ISLAMIC_STATE),
    (16, 12, *ISLAMIST),
]


def dated_seeds(tmp_path: Path) -> Path:
    """The seed folder with the wire story's date (2017-02-08, from the corpus README) as a
    header line: its text carries no date, so as read it is the original only because it
    contains its dated copy (tested below); dated, it is also the earliest published."""
    seeds = corpus("seeds")
    folder = tmp_path / "seeds"
    write(folder / WIRE, "date 2017-02-08\n" + (seeds / WIRE).read_text(encoding="utf-8"))
    write(folder / COPY, (seeds / COPY).read_bytes())
    return folder


def assert_seed_pair(db: Path) -> None:
    """The seed pair as the views must tell it: one story, one republication, and in it
    only the dropped sentences and the swapped terms."""
    assert query(
        db,
        """select s.n_articles, s.n_sites, s.first_published, split_part(v.source, '/', -1)
           from stories s join versions v on v.version_id = s.original_version_id""",
    ) == [(2, 0, FEB_8, WIRE)]
    assert query(
        db,
        """select split_part(v.source, '/', -1), m.is_original, round(m.jaccard, 4),
                  round(m.containment, 4), m.story_id = (select story_id from stories)
           from story_members m join versions v using (version_id) order by 1""",
    ) == [(WIRE, True, 1.0, 1.0, True), (COPY, False, 0.4217, 0.9309, True)]
    assert query(
        db,
        """select c.relation, split_part(o.source, '/', -1), split_part(n.source, '/', -1),
                  round(c.jaccard, 4), round(c.containment, 4), c.n_same, c.n_changed,
                  c.n_added, c.n_removed, c.n_moved, c.title_changed
           from comparisons c
           join versions o on o.version_id = c.old_version_id
           join versions n on n.version_id = c.new_version_id""",
    ) == [("republication", WIRE, COPY, 0.4217, 0.9309, 8, 7, 0, 20, 0, False)]

    # every row carries the sentences' texts as stored; changed rows are close, not equal
    edits = query(
        db,
        """select e.kind, e.old_sentence_no, e.new_sentence_no,
                  e.old_text is not distinct from so.text,
                  e.new_text is not distinct from sn.text,
                  case e.kind when 'same' then e.similarity = 1
                              when 'removed' then e.similarity = 0
                              when 'changed' then e.similarity > 0.9 and e.similarity < 1
                  end
           from sentence_edits e join comparisons c using (comparison_id)
           left join sentences so
             on so.version_id = c.old_version_id and so.sentence_no = e.old_sentence_no
           left join sentences sn
             on sn.version_id = c.new_version_id and sn.sentence_no = e.new_sentence_no
           order by e.old_sentence_no""",
    )
    expected = sorted(
        [("changed", o, n, True, True, True) for o, n in SEED_CHANGED.items()]
        + [("same", o, n, True, True, True) for o, n in SEED_SAME.items()]
        + [("removed", o, None, True, True, True) for o in SEED_REMOVED],
        key=lambda row: row[1],
    )
    assert edits == expected
    # in the view's own order too: reading order of the wire story, nothing added or moved
    assert query(db, "select kind, old_sentence_no, new_sentence_no from sentence_edits") == [
        row[:3] for row in expected
    ]

    assert (
        query(
            db,
            """select old_sentence_no, new_sentence_no, removed, inserted from phrase_edits
               order by all""",
        )
        == SEED_PHRASES
    )
    # "Islamic State" 4 times and "IS" 4 times in the kept sentences (the other three and
    # one of the dropped sentences); "Islamist " dropped, nothing inserted: no swap
    assert query(
        db, "select removed, inserted, occurrences, n_comparisons, n_sites from term_swaps"
    ) == [(*IS, 4, 1, 0), (*ISLAMIC_STATE, 4, 1, 0)]


@pytest.mark.corpus
def test_seed_pair_as_read_is_one_story_with_the_wire_story_as_original(tmp_path, seeds):
    db = tmp_path / "w.duckdb"
    run([seeds], db, workers=0)
    assert query(db, "select count(*) from duplicate_pairs") == [(1,)]
    assert_seed_pair(db)


@pytest.mark.corpus
def test_seed_pair_is_one_story_of_swaps_and_cuts(tmp_path):
    db = tmp_path / "w.duckdb"
    summary = run([dated_seeds(tmp_path)], db, workers=0)
    assert (summary.versions_new, summary.comparisons) == (2, 1)
    assert_seed_pair(db)


# -- a revision, and a revert ---------------------------------------------------------------

URL = "https://harbour-news.example/2024/03/pier-rebuild"
PIER = [
    "The harbour council voted on Monday to rebuild the old stone pier before winter.",
    "Work will start in May and should take about five months, the council said.",
    "The pier was damaged in a storm two years ago and has been closed since.",
    "Fishing crews welcomed the decision after two years of delays.",
    "The mayor said the town would apply for a regional grant to cover part of the cost.",
]
PIER_V2 = [
    PIER[0],
    PIER[1].replace("five", "seven"),
    *PIER[3:],
    "A public meeting on the plans will be held in the town hall next week.",
]


def pier(folder: Path, name: str, seen: str, title: str, sentences: list[str]) -> Path:
    header = f"title: {title}\nurl: {URL}\nseen: {seen}\n\n"
    return write(folder / name, header + "\n\n".join(sentences) + "\n")


def test_revision_history_and_revert(tmp_path):
    db, src = tmp_path / "w.duckdb", tmp_path / "in"
    v1 = pier(src, "v1.txt", "2024-03-01T08:00:00Z", "Council backs pier rebuild", PIER)
    v2 = pier(src, "v2.txt", "2024-03-02T09:30:00Z", "Pier rebuild to take longer", PIER_V2)
    run([v1], db, workers=0)
    second = run([v2], db, workers=0)
    assert (second.articles_new, second.versions_new, second.comparisons) == (0, 1, 1)

    assert query(
        db,
        """select c.relation, o.version_no, n.version_no, c.n_same, c.n_changed, c.n_added,
                  c.n_removed, c.n_moved, c.title_changed
           from comparisons c
           join versions o on o.version_id = c.old_version_id
           join versions n on n.version_id = c.new_version_id""",
    ) == [("revision", 1, 2, 3, 1, 1, 1, 0, True)]
    assert query(
        db,
        """select kind, old_sentence_no, new_sentence_no, old_text, new_text
           from sentence_edits""",
    ) == [
        ("same", 1, 1, PIER[0], PIER[0]),
        ("changed", 2, 2, PIER[1], PIER_V2[1]),
        ("removed", 3, None, PIER[2], None),
        ("same", 4, 3, PIER[3], PIER[3]),
        ("same", 5, 4, PIER[4], PIER[4]),
        ("added", None, 5, None, PIER_V2[4]),
    ]
    assert query(db, "select * exclude (comparison_id) from phrase_edits") == [
        (2, 2, "five", "seven")
    ]
    assert query(db, "select removed, inserted, occurrences, n_sites from term_swaps") == [
        ("five", "seven", 1, 1)
    ]

    history = """select version_no, seen_at, valid_to, title, n_same, n_changed, n_added,
                        n_removed, n_moved, title_changed,
                        comparison_id is not distinct from (
                            select comparison_id from comparisons
                            where new_version_id = h.version_id)
                 from history(?) h"""
    mar = [datetime(2024, 3, d, h, m, tzinfo=UTC) for d, h, m in ((1, 8, 0), (2, 9, 30))]
    assert query(db, history, [URL]) == [
        (2, mar[1], None, "Pier rebuild to take longer", 3, 1, 1, 1, 0, True, True),
        (1, mar[0], mar[1], "Council backs pier rebuild", None, None, None, None, None, None, True),
    ]

    # the first text comes back a day later: a revert is a version again, compared with v2
    v3 = pier(src, "v3.txt", "2024-03-03T10:00:00Z", "Council backs pier rebuild", PIER)
    third = run([v3], db, workers=0)
    assert (third.versions_new, third.unchanged, third.comparisons) == (1, 0, 1)
    mar.append(datetime(2024, 3, 3, 10, tzinfo=UTC))
    assert query(db, history, [URL]) == [
        (3, mar[2], None, "Council backs pier rebuild", 3, 1, 1, 1, 0, True, True),
        (2, mar[1], mar[2], "Pier rebuild to take longer", 3, 1, 1, 1, 0, True, True),
        (1, mar[0], mar[1], "Council backs pier rebuild", None, None, None, None, None, None, True),
    ]
    assert query(
        db,
        """select o.version_no, n.version_no, c.relation, c.n_changed, c.n_added, c.n_removed
           from comparisons c
           join versions o on o.version_id = c.old_version_id
           join versions n on n.version_id = c.new_version_id order by all""",
    ) == [(1, 2, "revision", 1, 1, 1), (2, 3, "revision", 1, 1, 1)]
    assert query(
        db,
        """select a.n_versions, count(distinct v.version_id), count(distinct v.text_hash)
           from articles a join versions v using (article_id) group by all""",
    ) == [(3, 3, 2)]
    # re-reading the first file (seen on March 1st) is a sighting of version 1, not a version
    again = run([v1], db, workers=0)
    assert (again.versions_new, again.unchanged, again.comparisons) == (0, 1, 0)


# -- typography is not an edit -------------------------------------------------------------

TRAM_CURLY = [
    "Lisbon’s city council said on Tuesday it would replace the ageing trams on route 28"
    " by 2027, a plan it called “overdue”.",
    "The new trams — built by a local firm — will keep the yellow livery that visitors"
    " photograph every day.",
    "Officials said the work would cost about 40 million euros, shared with the national"
    " government.",
    "“We are not going to lose what makes this city special,” the mayor told reporters.",
    "Residents’ groups said the timetable was too slow and asked for night services on the route.",
]
TRAM_STRAIGHT = [
    "Lisbon's city council said on Tuesday it would replace the ageing trams on route 28"
    ' by 2027, a plan it called "overdue".',
    "The new trams – built by a local firm – will keep the yellow livery that visitors"
    " photograph every day.",
    TRAM_CURLY[2],
    '"We are not going to lose what makes this city special," the mayor told reporters.',
    "Residents' groups said the timetable was too slow and asked for night services on the route.",
]
# the wire: one sentence a line, curly quotes, em dashes, an agency dateline
TRAM_WIRE = (
    "url: https://wire.example/world/lisbon-trams\ndate 2024-05-02\n\n"
    + "LISBON (Reuters) - "
    + "\n".join(TRAM_CURLY)
)
# the copy a day later: straight quotes, en dashes, sentences re-flowed into paragraphs
TRAM_COPY = (
    "url: https://daily.example/news/2024/05/03/trams\ndate 2024-05-03\n\n"
    + f"LISBON: {TRAM_STRAIGHT[0]}\n\n"
    + f"{TRAM_STRAIGHT[1]} {TRAM_STRAIGHT[2]}\n\n"
    + f"{TRAM_STRAIGHT[3]}   {TRAM_STRAIGHT[4]}\n"
)


def test_a_copy_differing_only_in_typography_has_no_edits(tmp_path):
    db, src = tmp_path / "w.duckdb", tmp_path / "in"
    write(src / "wire.txt", TRAM_WIRE)
    write(src / "copy.txt", TRAM_COPY)
    summary = run([src], db, workers=0)
    assert (summary.articles_new, summary.versions_new, summary.duplicates) == (2, 2, 1)
    assert query(
        db,
        """select a.site, v.dateline, m.is_original, m.jaccard, m.containment
           from story_members m join versions v using (version_id)
           join articles a on a.article_id = v.article_id order by 3 desc""",
    ) == [
        ("wire.example", "LISBON (Reuters)", True, 1.0, 1.0),
        ("daily.example", "LISBON", False, 1.0, 1.0),
    ]
    assert query(db, "select n_articles, n_sites from stories") == [(2, 2)]
    assert query(
        db,
        """select relation, n_same, n_changed, n_added, n_removed, n_moved, title_changed
           from comparisons""",
    ) == [("republication", 5, 0, 0, 0, 0, False)]
    assert query(
        db,
        """select kind, old_sentence_no, new_sentence_no, old_text, new_text, similarity
           from sentence_edits""",
    ) == [  # each side's text as published, every sentence the same
        ("same", i, i, TRAM_CURLY[i - 1], TRAM_STRAIGHT[i - 1], 1.0) for i in range(1, 6)
    ]
    assert query(db, "select count(*) from phrase_edits") == [(0,)]
    assert query(db, "select count(*) from term_swaps") == [(0,)]


def test_header_lines_after_a_date_line_are_fields(tmp_path):
    db = tmp_path / "w.duckdb"
    date_first = (
        "date 2024-05-02\nurl: https://wire.example/world/lisbon-trams\n\n"
        + "LISBON (Reuters) - "
        + "\n".join(TRAM_CURLY)
    )
    run([write(tmp_path / "in" / "wire.txt", date_first)], db, workers=0)
    assert query(
        db,
        """select a.url, v.published_at, v.dateline
           from versions v join articles a using (article_id)""",
    ) == [
        (
            "https://wire.example/world/lisbon-trams",
            datetime(2024, 5, 2, tzinfo=UTC),
            "LISBON (Reuters)",
        )
    ]


# -- re-running an ingest ------------------------------------------------------------------

COUNTS = """select (select count(*) from comparisons), (select count(*) from sentence_edits),
                   (select count(*) from phrase_edits), (select count(*) from stories),
                   (select count(*) from story_members), (select count(*) from duplicate_pairs),
                   (select count(*) from versions)"""


@pytest.mark.corpus
def test_rerunning_an_ingest_adds_no_comparisons_stories_or_pairs(tmp_path):
    db, src = tmp_path / "w.duckdb", tmp_path / "in"
    write(src / "trams" / "wire.txt", TRAM_WIRE)
    write(src / "trams" / "copy.txt", TRAM_COPY)
    pier(src / "pier", "v1.txt", "2024-03-01T08:00:00Z", "Council backs pier rebuild", PIER)
    pier(src / "pier", "v2.txt", "2024-03-02T09:30:00Z", "Pier rebuild to take longer", PIER_V2)
    sources = [dated_seeds(tmp_path), src]
    first = run(sources, db, workers=1)
    assert (first.versions_new, first.comparisons) == (6, 3)
    before = query(db, COUNTS)
    assert before == [(3, 35 + 5 + 6, 9 + 1, 2, 4, 2, 6)]
    second = run(sources, db, workers=1)
    assert (second.versions_new, second.unchanged, second.comparisons) == (0, 6, 0)
    assert query(db, COUNTS) == before


# -- real re-crawls ------------------------------------------------------------------------

CORRIERE, MBL, TAZ = "corriere.it", "mbl.is", "taz.de"


def recrawl_rounds() -> tuple[list[list[str]], dict]:
    """The fundus re-crawls as ingest rounds: round k holds the k-th crawl of every URL, so
    versions are seen in crawl order; and the index, by file name."""
    root = corpus("fundus-recrawls")
    index = json.loads((root / "index.json").read_text())
    crawls = defaultdict(list)
    for entry in sorted(index, key=lambda e: e["crawl_date"]):
        crawls[entry["url"]].append(str(root / entry["file"]))
    rounds: list[list[str]] = []
    for files in crawls.values():
        for k, f in enumerate(files):
            if k == len(rounds):
                rounds.append([])
            rounds[k].append(f)
    return rounds, {e["file"]: e for e in index}


@pytest.fixture(scope="module")
def recrawls(tmp_path_factory, prefect):
    """A warehouse of the fundus re-crawls, ingested round by round."""
    rounds, index = recrawl_rounds()
    db = tmp_path_factory.mktemp("recrawls") / "w.duckdb"
    for files in rounds:
        run(files, db, workers=2)
    return db, index


@pytest.mark.corpus
def test_recrawls_with_the_same_text_are_one_version(recrawls):
    db, index = recrawls
    urls = {e["url"] for e in index.values() if TAZ not in e["url"]}
    rows = query(
        db,
        """select a.url, a.n_versions, count(c.comparison_id)
           from articles a join versions v using (article_id)
           left join comparisons c on v.version_id in (c.old_version_id, c.new_version_id)
           where a.site <> ? group by all order by 1""",
        [TAZ],
    )
    # each URL is one article, its canonical URL; a re-crawl of the same text is a sighting
    assert [r[0] for r in rows] == sorted(urls)
    edited = {u for u in urls if CORRIERE in u or MBL in u}
    assert [(u, n, c) for u, n, c in rows if u not in edited] == [
        (u, 1, 0) for u in sorted(urls - edited)
    ]
    assert len(urls - edited) == 13
    assert query(db, "select sum(n_unchanged) from runs") == [(14,)]  # 17 re-crawls, 3 edited


@pytest.mark.corpus
def test_recrawls_with_real_edits_are_revisions(recrawls):
    db, _ = recrawls
    assert query(
        db,
        """select a.site, split_part(o.source, '/', -1), split_part(n.source, '/', -1),
                  o.version_no, n.version_no, c.relation, c.n_same, c.n_changed, c.n_added,
                  c.n_removed, c.n_moved, c.title_changed
           from comparisons c
           join versions o on o.version_id = c.old_version_id
           join versions n on n.version_id = c.new_version_id
           join articles a on a.article_id = n.article_id
           where a.site in ('corriere.it', 'mbl.is') order by 1""",
    ) == [
        (
            CORRIERE,
            "it_CorriereDellaSera_2025-01-05T160552_393cb0fa.html.gz",
            "it_CorriereDellaSera_2025-02-04T185639_c4c70b21.html.gz",
            1,
            2,
            "revision",
            34,
            4,
            3,
            2,
            0,
            True,
        ),
        (
            MBL,
            "isl_Morgunbladid_2025-02-12T012136_331c20c9.html.gz",
            "isl_Morgunbladid_2025-04-16T143843_708c55c7.html.gz",
            1,
            2,
            "revision",
            49,
            3,
            0,
            0,
            0,
            False,
        ),
    ]
    edits = query(
        db,
        """select a.site, e.kind, e.old_sentence_no, e.new_sentence_no
           from sentence_edits e join comparisons c using (comparison_id)
           join versions n on n.version_id = c.new_version_id join articles a using (article_id)
           where e.kind <> 'same' and a.site in ('corriere.it', 'mbl.is')
           order by 1, coalesce(e.new_sentence_no, e.old_sentence_no), e.old_sentence_no""",
    )
    assert edits == [
        # a new headline, the old headline's quote moved down under a new lead-in (moved and
        # edited: changed), a quote and two sentences added, the old quote dropped
        (CORRIERE, "added", None, 1),
        (CORRIERE, "changed", 2, 2),
        (CORRIERE, "removed", 3, None),
        (CORRIERE, "changed", 1, 4),
        (CORRIERE, "removed", 4, None),
        (CORRIERE, "changed", 8, 7),
        (CORRIERE, "added", None, 8),
        (CORRIERE, "added", None, 9),
        (CORRIERE, "changed", 13, 14),
        # copy edits: spelling and grammar in three sentences
        (MBL, "changed", 16, 16),
        (MBL, "changed", 25, 25),
        (MBL, "changed", 27, 27),
    ]
    assert query(
        db,
        """select distinct old_sentence_no, new_sentence_no from phrase_edits p
           join comparisons c using (comparison_id) join versions n
           on n.version_id = c.new_version_id join articles a using (article_id)
           where a.site = 'mbl.is' order by all""",
    ) == [(16, 16), (25, 25), (27, 27)]


@pytest.mark.corpus
def test_recrawls_of_taz_are_one_article(recrawls):
    db, _ = recrawls
    assert query(db, "select count(*), sum(n_versions) from articles where site = ?", [TAZ]) == [
        (1, 2)
    ]
