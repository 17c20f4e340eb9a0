"""The readable views answer the first questions in one short query each (examples' warehouse)."""

from __future__ import annotations

import pytest

from tests.helpers import ROOT, query, run

pytestmark = pytest.mark.usefixtures("prefect")

WIRE = "https://wire.example/world/porthaven-ferry-strike"
COURIER = "https://coastalcourier.example/news/2026/03/04/ferry-strike-selva"
GAZETTE = "https://islandgazette.example/2026/03/04/ferry-walkout"


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("views") / "w.duckdb"
    run([ROOT / "examples" / "articles"], path, workers=1)
    return path


def test_changes_names_both_sides_of_every_comparison(db):
    rows = query(
        db,
        "select relation, old_url, new_url, old_site, new_site, old_title, new_title, "
        "title_changed from changes order by relation, new_url",
    )
    assert rows == [
        (
            "republication", WIRE, COURIER, "wire.example", "coastalcourier.example",
            "Porthaven ferry crews strike over night-shift rota",
            "Ferry strike cuts off Selva Islands", True,
        ),
        (
            "republication", WIRE, GAZETTE, "wire.example", "islandgazette.example",
            "Porthaven ferry crews strike over night-shift rota",
            "Islands braced as ferry walkout begins", True,
        ),
        (
            "revision", WIRE, WIRE, "wire.example", "wire.example",
            "Porthaven ferry crews strike over night-shift rota",
            "Porthaven ferry strike enters second day as mediator is named", True,
        ),
    ]  # fmt: skip
    assert query(db, "select count(*) from changes") == query(
        db, "select count(*) from comparisons"
    )


def test_headline_changes_are_one_query(db):
    rows = query(
        db,
        "select new_url, old_title, new_title from changes "
        "where relation = 'revision' and title_changed",
    )
    assert rows == [
        (
            WIRE,
            "Porthaven ferry crews strike over night-shift rota",
            "Porthaven ferry strike enters second day as mediator is named",
        )
    ]


def test_republications_name_the_original_version_actually_compared(db):
    rows = query(
        db,
        "select copy_site, n_kept, n_cut, n_swaps, original_version_no, original_version_id "
        "from republications order by copy_site",
    )
    wire_v1 = query(
        db,
        "select version_id from versions join articles using (article_id) "
        "where url = ? and version_no = 1",
        [WIRE],
    )[0][0]
    # the wire story has a second version, which `stories` names as the original; the copies
    # were compared with the first, and the view says so
    assert query(db, "select original_version_id <> ? from stories", [wire_v1]) == [(True,)]
    assert [r[0] for r in rows] == ["coastalcourier.example", "islandgazette.example"]
    assert all(r[4] == 1 and r[5] == wire_v1 for r in rows)
    courier = rows[0]
    assert courier[3] == 2  # "Harbour Authority" -> "port regulator", twice
    assert courier[1] > 0 and courier[2] > 0
    members = query(
        db,
        "select is_original, compared_with_version_id from story_members order by is_original",
    )
    assert members == [(False, wire_v1), (False, wire_v1), (True, None)]
