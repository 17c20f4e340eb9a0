"""Stories in the warehouse: rebuilding one must see every version of every article in it."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from tasks.stories import Thresholds
from warehouse.connection import connect
from warehouse.dedupe import component, restory
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
    stories, to_compare = restory(con, ["z1"], Thresholds(), T0)
    assert [(s.original_version_id, sorted(m.article_id for m in s.members)) for s in stories] == [
        ("x2", ["x", "y", "z"])
    ]
    # each copy is compared with the version of the original it matches best
    assert sorted(to_compare) == [("x1", "y1"), ("x2", "z1")]
