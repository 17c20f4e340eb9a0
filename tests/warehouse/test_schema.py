"""The warehouse describes itself: every view and column has a description, docs match."""

from __future__ import annotations

import csv
import io
import subprocess
import sys

import duckdb

from tests.helpers import ROOT, duckdb_file_only
from warehouse import schema
from warehouse.connection import connect


def test_every_view_and_column_has_a_description():
    con = schema.contract()
    views = schema.views(con)
    assert len(views) >= 17
    for view, n_columns, description in views:
        assert description.strip(), f"view {view} has no description"
        rows = schema.columns(con, view)
        assert len(rows) == n_columns
        blank = [name for name, _, text in rows if not text.strip()]
        assert not blank, f"{view}: columns without a description: {blank}"


@duckdb_file_only
def test_descriptions_survive_reopening_a_warehouse_file(tmp_path):
    path = tmp_path / "w.duckdb"
    connect(path).close()
    connect(path).close()  # the second open re-creates the views: comments come back too
    con = duckdb.connect(str(path), read_only=True)
    got = con.execute(
        "select comment from duckdb_columns() where table_name = 'versions' "
        "and column_name = 'valid_to'"
    ).fetchone()
    assert got == ("When a later text replaced it; NULL while current.",)


def test_docs_warehouse_md_is_the_schema_document():
    expected = schema.document(schema.contract())
    got = (ROOT / "docs" / "warehouse.md").read_text()
    stale = "docs/warehouse.md is stale: run `pressdiff schema --all > docs/warehouse.md`"
    assert got == expected, stale


def pressdiff(*args: str, cwd) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pressdiff.cli", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=60,
    )


def test_schema_command_lists_views_and_one_views_columns(tmp_path):
    listed = pressdiff("schema", "--format", "csv", cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    rows = list(csv.reader(io.StringIO(listed.stdout)))
    assert rows[0] == ["view", "columns", "description"]
    assert [
        "story_members",
        "7",
        "One row per article in a story, with its similarity to the original.",
    ] in rows

    one = pressdiff("schema", "comparisons", "--format", "csv", cwd=tmp_path)
    assert one.returncode == 0, one.stderr
    assert "relation,VARCHAR,'revision' (a later text of the same article)" in one.stdout
    assert not (tmp_path / "pressdiff.duckdb").exists(), "describing must not create a warehouse"


def test_schema_of_an_unknown_view_is_one_line_and_exit_2(tmp_path):
    got = pressdiff("schema", "article", cwd=tmp_path)
    assert got.returncode == 2
    assert got.stderr.startswith("error: there is no view 'article'; the views are: articles,")
    assert "Traceback" not in got.stderr and len(got.stderr.strip().splitlines()) == 1
