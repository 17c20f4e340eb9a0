"""`pressdiff migrate-warehouse OLD NEW` through the real command line, on a warehouse the
current code built from the corpora (20 fundus news pages, the seeds, dated revisions of a
wire text, the examples, a reject and a watched source): every view of the contract has the
same rows in NEW as in OLD, OLD is not changed by a byte, and a NEW that holds data is
refused and left alone.

OLD is read with DuckDB directly (it is a DuckDB file); NEW through `pressdiff sql`, so the
test holds whatever NEW is stored as (a DuckDB file today, a lake once warehouse.lake lands).
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import duckdb
import pytest

from bench import crash_runs
from tests.helpers import ROOT, cli, corpus, query
from warehouse.schema import contract, views

pytestmark = pytest.mark.corpus
pytest_plugins = ["tests.pg"]  # the `postgres` fixture

VIEWS = [name for name, _, _ in views(contract())]
# Views whose whole rows are compared (by a hash of each row); the others by their counts.
CONTENT = ["articles", "versions", "sentences", "comparisons", "sentence_edits"]
CONTENT += ["phrase_edits", "stories", "story_members", "runs", "rejects", "sources"]


def fingerprint_sql() -> str:
    """One query: every view's row count, and for CONTENT views a sum of row hashes."""
    return " union all ".join(
        f"select '{v}' as view, count(*)::bigint as n, "
        f"{'coalesce(sum(hash(t)), 0)::varchar' if v in CONTENT else 'null::varchar'} as h "
        f"from {v} t"
        for v in VIEWS
    )


def fingerprint_old(db: Path) -> dict[str, tuple]:
    return {v: (n, h) for v, n, h in query(db, fingerprint_sql())}


def fingerprint_new(db: str) -> dict[str, tuple]:
    done = cli("sql", fingerprint_sql(), "--db", db, "--format", "json")
    assert done.returncode == 0, done.stderr
    return {r["view"]: (r["n"], r["h"]) for r in json.loads(done.stdout)}


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def old(tmp_path_factory) -> Path:
    """A warehouse of the current format, built by the real CLI from the corpora."""
    tmp = tmp_path_factory.mktemp("migrate")
    corpus("fundus-news")  # skipped without the corpora
    files = crash_runs.pages(tmp / "revisions", n_news=20, corpora=corpus("seeds").parent)
    (tmp / "short.txt").write_text("Too short to be an article.\n")  # a reject
    db = tmp / "old.duckdb"
    args = ["ingest", "--db", str(db), "--workers", "1", *files, str(tmp / "short.txt")]
    with pytest.MonkeyPatch.context() as env:
        env.setenv("PRESSDIFF_WAREHOUSE_FORMAT", "duckdb")  # a DuckDB file, lake or not
        done = cli(*args, str(ROOT / "examples" / "articles"), timeout=900)
        assert done.returncode == 1, done.stderr  # the short text is rejected
        done = cli("watch", "add", "https://outlet.example/rss.xml", "--db", str(db))
        assert done.returncode == 0, done.stderr
    return db


def test_every_view_has_the_same_rows_in_the_new_warehouse(old, tmp_path):
    before, new = digest(old), tmp_path / "new" / "w.duckdb"
    done = cli("migrate-warehouse", str(old), str(new))
    assert done.returncode == 0, done.stderr
    expected = fingerprint_old(old)
    for v in ("articles", "versions", "comparisons", "phrase_edits", "stories", "rejects"):
        assert expected[v][0] > 0, v  # the warehouse has something to copy in each
    assert expected["versions"][0] >= 28 and expected["sources"][0] == 1
    assert fingerprint_new(str(new)) == expected
    assert digest(old) == before and not old.with_name(old.name + ".wal").exists()
    # a line per table as it is copied, then the rows per table and one closing line
    lines = done.stderr.splitlines()
    n_versions = query(old, "select count(*) from core.versions")[0][0]
    tables = "select count(*) from duckdb_tables() where schema_name = 'core'"
    assert len(lines) == query(old, tables)[0][0] - 1  # all but the migrations ledger
    assert f"core.versions: {n_versions:,} rows" in lines[-1]
    assert lines[0].startswith(f"[1/{len(lines)}] core.articles: ")
    assert done.stdout.splitlines()[-1].endswith(
        f"tables copied: the warehouse {new} is ready, and {old} is unchanged"
    )


def test_a_new_warehouse_that_holds_data_is_refused_and_left_alone(old, tmp_path):
    new = tmp_path / "w.duckdb"
    assert cli("migrate-warehouse", str(old), str(new)).returncode == 0
    before = digest(new)
    done = cli("migrate-warehouse", str(old), str(new))
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == (
        f"error: the warehouse {new} already holds data (core.articles has rows): name a "
        "new warehouse; migrate-warehouse never adds to one\n"
    )
    assert digest(new) == before


def test_a_warehouse_of_an_older_format_is_upgraded_in_a_copy_never_in_place(old, tmp_path):
    older = tmp_path / "older.duckdb"
    shutil.copyfile(old, older)
    with duckdb.connect(str(older)) as con:  # as pressdiff before migration 0009 left it
        con.execute("DROP TABLE core.pending_work")
        con.execute("DELETE FROM core.schema_migrations WHERE name = '0009_pending_work'")
    before, new = digest(older), tmp_path / "new.duckdb"
    done = cli("migrate-warehouse", str(older), str(new))
    assert done.returncode == 0, done.stderr
    assert f"{older} was of an older format" in done.stdout
    assert "] core.pending_work: 0 rows\n" in done.stderr  # made by 0009 in the copy
    assert fingerprint_new(str(new)) == fingerprint_old(old)
    assert digest(older) == before
    assert not list(tmp_path.glob("pressdiff-migrate-*"))  # the temporary copy is gone


def test_mistakes_are_one_line_and_exit_2(old, tmp_path):
    cases = {
        (str(tmp_path / "none.duckdb"), str(tmp_path / "n.duckdb")): (
            f"error: no warehouse at {tmp_path / 'none.duckdb'}: run 'pressdiff ingest' "
            "or 'pressdiff demo' first\n"
        ),
        (str(old), str(old)): (
            f"error: OLD and NEW are the same file ({old}): name a new warehouse\n"
        ),
        ("postgresql://pd@127.0.0.1:1/x", str(tmp_path / "n.duckdb")): (
            "error: OLD must be a DuckDB warehouse file, not postgresql://pd@127.0.0.1:1/x\n"
        ),
    }
    for (a, b), message in cases.items():
        done = cli("migrate-warehouse", a, b)
        assert (done.returncode, done.stderr) == (2, message)
    assert not (tmp_path / "n.duckdb").exists()


def test_into_a_local_lake_every_view_has_the_same_rows(old, tmp_path, monkeypatch):
    pytest.importorskip("warehouse.lake", reason="the DuckLake warehouse is not here yet")
    monkeypatch.setenv("PRESSDIFF_WAREHOUSE_FORMAT", "lake")
    new = str(tmp_path / "new.lake")
    done = cli("migrate-warehouse", str(old), new)
    assert done.returncode == 0, done.stderr
    assert fingerprint_new(new) == fingerprint_old(old)


def test_into_a_postgresql_catalog_every_view_has_the_same_rows(
    old, tmp_path, postgres, monkeypatch
):
    pytest.importorskip("warehouse.lake", reason="a postgresql:// warehouse needs the lake")
    monkeypatch.setenv("PRESSDIFF_DATA_PATH", str(tmp_path / "data") + "/")
    url = postgres.database()
    done = cli("migrate-warehouse", str(old), url)
    assert done.returncode == 0, done.stderr
    assert fingerprint_new(url) == fingerprint_old(old)
    again = cli("migrate-warehouse", str(old), url)
    assert again.returncode == 2 and "already holds data" in again.stderr
