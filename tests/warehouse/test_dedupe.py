"""Stories in the warehouse: rebuilding one must see every version of every article in it."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from tasks.dedupe.settings import DedupeSettings
from tasks.steps.dedupe import component, restory
from warehouse.connection import connect
from warehouse.store import insert_arrow

T0 = datetime(2026, 3, 4, 8, tzinfo=UTC)


def add_version(con, version_id: str, article_id: str, no: int, seen: datetime) -> None:
    if no == 1:
        insert_arrow(
            con,
            "core.articles",
            {
                "article_id": [article_id],
                "url": [f"https://{article_id}.example/a"],
                "source_key": [article_id],
                "site": [f"{article_id}.example"],
                "first_seen": [seen],
            },
        )
    insert_arrow(
        con,
        "core.versions",
        {
            "version_id": [version_id],
            "article_id": [article_id],
            "version_no": [no],
            "published_at": [T0],
            "seen_at": [seen],
            "text": ["t"],
            "norm": ["t"],
            "text_hash": [version_id],
            "n_words": [1],
        },
    )


def add_pair(con, a: str, b: str, shared: int, n_a: int, n_b: int) -> None:
    insert_arrow(
        con,
        "core.duplicate_pairs",
        {
            "version_a": [a],
            "version_b": [b],
            "method": ["lsh"],
            "estimated_jaccard": [0.5],
            "jaccard": [shared / (n_a + n_b - shared)],
            "containment": [shared / min(n_a, n_b)],
            "shared": [shared],
            "n_a": [n_a],
            "n_b": [n_b],
            "params": [json.dumps({})],
        },
    )


def test_a_new_version_keeps_the_copies_of_the_older_one(tmp_path):
    con = connect(tmp_path / "w.duckdb")
    add_version(con, "x1", "x", 1, T0)  # the wire story, first version
    add_version(con, "x2", "x", 2, T0 + timedelta(hours=2))  # its revision
    add_version(con, "y1", "y", 1, T0 + timedelta(hours=1))  # copy of x1
    add_version(con, "z1", "z", 1, T0 + timedelta(hours=3))  # copy of x2
    add_pair(con, "x1", "y1", 90, 100, 95)
    add_pair(con, "x2", "z1", 80, 100, 85)
    versions, pairs = component(con, ["x2"])
    assert versions == {"x1", "x2", "y1", "z1"}
    assert {(p.version_a, p.version_b) for p in pairs} == {("x1", "y1"), ("x2", "z1")}
    stories, to_compare = restory(con, ["z1"], DedupeSettings(), T0)
    assert [(s.original_version_id, sorted(m.article_id for m in s.members)) for s in stories] == [
        ("x2", ["x", "y", "z"])
    ]
    # each copy is compared with the version of the original it matches best
    assert sorted(to_compare) == [("x1", "y1"), ("x2", "z1")]


# -- a site's boilerplate is left out when pairs are verified ---------------------------

WIRE = [
    "The harbour authority of Port Selwyn said on Tuesday that the eastern pier would stay "
    "closed for repairs until the end of the month after a storm damaged its pilings.",
    "Engineers found three cracked supports during an inspection on Monday morning, the "
    "authority said, and ferries to the outer islands will use the western terminal.",
    "The pier was rebuilt twelve years ago at a cost of forty million crowns and carries "
    "most of the island freight that reaches the mainland each week.",
    "Local traders warned that deliveries of fresh fish and vegetables could be delayed by "
    "two days while the ferries share a single berth at the western terminal.",
    "The storm brought winds of up to one hundred kilometres an hour to the coast and cut "
    "power to several thousand homes in the northern districts overnight.",
]
BOILERPLATE = [
    "Subscribe to the Valley Courier newsletter for the morning's headlines in your inbox.",
    "Follow the Valley Courier on every social network for updates throughout the day.",
    "All content copyright Valley Courier; no part may be reproduced without permission.",
]
OTHER_STORIES = [
    "The town council approved a new budget for the public library on Wednesday evening.",
    "A bakery on the high street celebrated its hundredth anniversary with free pastries.",
    "Schools across the valley will close early on Friday for the autumn sports festival.",
]


def _article(site: str, key: str, paragraphs: list[str], hour: int):
    from tasks.text.extract import extract_document
    from warehouse.records import Article, Document

    doc = Document(
        source=key,
        key=key,
        url=f"https://{site}/{key}",
        text="\n\n".join(paragraphs),
        seen_at=T0 + timedelta(hours=hour),
    )
    article = extract_document(doc, min_words=5)
    assert isinstance(article, Article)
    return article


def test_site_boilerplate_is_left_out_when_pairs_are_verified(tmp_path) -> None:
    from bench.reference_dedupe import without_site_boilerplate
    from tasks.steps.dedupe import (
        candidates,
        index_versions,
        load_docs,
        load_verification_docs,
        verify_candidates,
    )
    from tasks.steps.load import store_articles

    con = connect(tmp_path / "w.duckdb")
    articles = [_article("wire.example", "wire", WIRE, 0)]
    for n, story in enumerate(OTHER_STORIES):  # the courier's own articles, each with its footer
        articles.append(_article("courier.example", f"local{n}", [story, *BOILERPLATE], 1 + n))
    # the courier's copy keeps two of the wire's five paragraphs, and adds its footer
    articles.append(_article("courier.example", "copy", [*WIRE[:2], *BOILERPLATE], 9))
    stored = store_articles(con, articles, "run", T0)
    ids = stored.new_version_ids
    settings = DedupeSettings(anchor_max_df=100, anchor_min_shared=2, anchor_min_share=0.5)
    index_versions(con, ids, settings)
    cands = candidates(con, ids, settings)

    def pairs(min_articles: int) -> set[tuple[str, str]]:
        found = verify_candidates(con, cands, DedupeSettings(boilerplate_min_articles=min_articles))
        sites = dict(
            con.execute(
                "SELECT version_id, site FROM versions JOIN articles USING (article_id)"
            ).fetchall()
        )
        return {tuple(sorted((sites[p.version_a], sites[p.version_b]))) for p in found}

    # the footer is in four courier articles: without it, the copy is the wire's text, and
    # the courier's articles are not paired with each other through it
    assert pairs(3) == {("courier.example", "wire.example")}
    # counted in, the footer outweighs what the copy kept (containment under 0.7) and pairs
    # the courier's own articles
    assert pairs(0) == {("courier.example", "courier.example")}

    # the SQL rule and the Python rule give the same texts
    docs = list(load_docs(con, ids).values())
    sentences = {
        v: [
            (h, n)
            for h, n in con.execute(
                "SELECT sentence_hash, norm FROM core.sentences WHERE version_id = ? "
                "ORDER BY sentence_no",
                [v],
            ).fetchall()
        ]
        for v in ids
    }
    python = {d.version_id: d.norm_text for d in without_site_boilerplate(docs, sentences, 3)}
    sql = {v: d.norm_text for v, d in load_verification_docs(con, ids, 3).items()}
    assert python == sql
    assert not any(line in t for line in BOILERPLATE for t in sql.values())
    con.close()


def test_a_pair_found_again_replaces_its_row(tmp_path) -> None:
    from tasks.dedupe.pairs import Overlap, Pair, pair_columns
    from warehouse.dedupe import store_pairs

    con = connect(tmp_path / "w.duckdb")
    for v, a in (("x1", "x"), ("y1", "y")):
        add_version(con, v, a, 1, T0)
    settings = DedupeSettings()
    first = Pair("x1", "y1", "lsh", 0.4, Overlap(40, 100, 60), {"seed": 1})
    again = Pair("x1", "y1", "lsh+anchor", 0.5, Overlap(50, 100, 60), json.loads(settings.params()))
    assert store_pairs(con, pair_columns([first]), "run1", T0) == 1
    assert store_pairs(con, pair_columns([again]), "run2", T0 + timedelta(hours=1)) == 1
    assert store_pairs(con, pair_columns([]), "run3", T0) == 0
    rows = con.execute(
        "SELECT version_a, version_b, method, shared, n_a, n_b, containment, run_id, params "
        "FROM core.duplicate_pairs"
    ).fetchall()
    assert rows == [("x1", "y1", "lsh+anchor", 50, 100, 60, 50 / 60, "run2", settings.params())]
    con.close()
