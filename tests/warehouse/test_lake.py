"""The warehouse as a DuckLake with a SQLite catalog: what opens as a lake, what plain DuckDB
sees of it, housekeeping, and real processes reading and writing it at once."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest

from tests.helpers import ROOT, fundus_pages, open_db, view_counts
from warehouse import lake, maintenance
from warehouse.connection import connect
from warehouse.keys import CHECKED, stored_twice

SQLITE = b"SQLite format 3\x00"
DUCKDB_MAGIC = b"DUCK"


@pytest.fixture
def lake_format(monkeypatch: pytest.MonkeyPatch) -> None:
    """New warehouses are lakes, here and in the processes the test starts."""
    monkeypatch.setenv("PRESSDIFF_WAREHOUSE_FORMAT", "lake")
    monkeypatch.delenv("PRESSDIFF_DATA_PATH", raising=False)


def env(prefect_home: Path | None = None) -> dict[str, str]:
    drop = ("PREFECT_API_URL", "PREFECT_HOME", "PRESSDIFF_DB")
    out = {k: v for k, v in os.environ.items() if k not in drop}
    if prefect_home is not None:
        out["PREFECT_HOME"] = str(prefect_home)
    return out


def pressdiff(*args: str, prefect_home: Path | None = None) -> subprocess.Popen:
    """`pressdiff ARGS` started; processes started at once each get their own Prefect home
    (in one folder they would share one beside the warehouses, and race to start its server)."""
    return subprocess.Popen(
        [sys.executable, "-m", "pressdiff.cli", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env=env(prefect_home),
    )


# ------------------------------------------------------------------ what opens as what


def test_a_new_path_becomes_a_lake_with_its_files_beside_it(tmp_path, lake_format):
    db = tmp_path / "w.pressdiff"
    with connect(db) as con:
        assert con.execute("SELECT count(*) FROM versions").fetchone() == (0,)
        assert lake.lake_of(con) == str(db)
    assert db.read_bytes()[:16] == SQLITE
    assert (tmp_path / "w.pressdiff.files").is_dir()


def test_a_new_path_is_a_duckdb_file_by_default(tmp_path, monkeypatch):
    monkeypatch.delenv("PRESSDIFF_WAREHOUSE_FORMAT", raising=False)
    assert lake.NEW_WAREHOUSE_FORMAT == "duckdb"
    db = tmp_path / "w.duckdb"
    connect(db).close()
    assert db.read_bytes()[8:12] == DUCKDB_MAGIC
    assert not lake.is_lake(db)


def test_an_existing_duckdb_file_stays_one_when_new_warehouses_are_lakes(tmp_path, monkeypatch):
    db = tmp_path / "w.duckdb"
    monkeypatch.setenv("PRESSDIFF_WAREHOUSE_FORMAT", "duckdb")
    with connect(db) as con:
        con.execute("INSERT INTO core.runs (run_id, started_at, status) VALUES ('r', now(), 'x')")
    monkeypatch.setenv("PRESSDIFF_WAREHOUSE_FORMAT", "lake")
    with connect(db) as con:
        assert lake.lake_of(con) is None
        assert con.execute("SELECT run_id FROM core.runs").fetchall() == [("r",)]
    assert db.read_bytes()[8:12] == DUCKDB_MAGIC
    assert not (tmp_path / "w.duckdb.files").exists()


def test_a_postgresql_url_is_a_lake_that_needs_a_data_path(monkeypatch):
    monkeypatch.delenv("PRESSDIFF_DATA_PATH", raising=False)
    url = "postgresql://pd@127.0.0.1:5999/pressdiff"
    assert lake.is_lake(url)
    with pytest.raises(Exception, match="needs PRESSDIFF_DATA_PATH"):
        lake.attach_sql(url, read_only=True)
    monkeypatch.setenv("PRESSDIFF_DATA_PATH", "/srv/lake")
    assert lake.attach_sql(url, read_only=True) == (
        f"ATTACH 'ducklake:postgres:{url}' AS pd (DATA_PATH '/srv/lake/', READ_ONLY)"
    )


def test_data_path_puts_a_lakes_files_where_it_says(tmp_path, lake_format):
    from pressdiff.cli import main

    db, data = tmp_path / "w.pressdiff", tmp_path / "parquet"
    feed = "https://outlet.example/rss.xml"
    add = ["watch", "add", feed, "--db", str(db), "--data-path", str(data)]
    assert main(add) == 0
    assert data.is_dir() and not (tmp_path / "w.pressdiff.files").exists()
    with sqlite3.connect(db) as catalog:
        stored = catalog.execute(
            "SELECT value FROM ducklake_metadata WHERE key = 'data_path'"
        ).fetchone()
    assert stored == (f"{data}/",)
    with open_db(db) as con:  # PRESSDIFF_DATA_PATH, as --data-path set it for the process
        assert con.execute("SELECT uri FROM sources").fetchall() == [(feed,)]


def test_a_postgresql_warehouse_without_a_data_path_is_one_line_and_exit_2(monkeypatch, capsys):
    from pressdiff.cli import main

    monkeypatch.delenv("PRESSDIFF_DATA_PATH", raising=False)
    url = "postgresql://pd:secret@127.0.0.1:9/pressdiff"
    for argv in (["sql", "select 1", "--db", url], ["migrate-warehouse", "old.duckdb", url]):
        assert main(argv) == 2
        assert capsys.readouterr().err == (
            "error: a postgresql:// warehouse keeps its Parquet files apart from its catalog: "
            "name their folder with --data-path FOLDER (or $PRESSDIFF_DATA_PATH), the same on "
            "every machine that uses postgresql://pd:***@127.0.0.1:9/pressdiff\n"
        )


def test_the_lake_schema_is_the_migrations_without_keys():
    ddl = (
        "CREATE TABLE core.t (\n    id VARCHAR PRIMARY KEY,\n    uri VARCHAR NOT NULL UNIQUE,\n"
        "    n INTEGER,\n    UNIQUE (id, n)\n);\n"
        "ALTER TABLE core.t ADD COLUMN moved BOOLEAN DEFAULT false;\n"
        "comment on view v is 'A view.';\ncomment on column v.id is 'It''s the id.';\n"
    )
    assert lake.lake_form(ddl) == (
        "CREATE TABLE core.t (\n    id VARCHAR,\n    uri VARCHAR NOT NULL,\n"
        "    n INTEGER\n);\n"
        "ALTER TABLE core.t ADD COLUMN moved BOOLEAN DEFAULT 'false';\n"
        "comment on view v is 'A view.';\n"
    )


# ------------------------------------------------------------------ plain DuckDB


def test_plain_duckdb_sees_the_views_and_macros_with_the_readme_attach_line(tmp_path, lake_format):
    db = tmp_path / "w.pressdiff"
    examples = ROOT / "examples"
    done = pressdiff("ingest", str(examples), "--db", str(db), "--workers", "0")
    _, err = done.communicate(timeout=600)
    assert done.returncode == 0, err
    ext = lake.extension_dir()
    script = (
        "import duckdb\n"
        "con = duckdb.connect(config={'autoinstall_known_extensions': False})\n"
        f"con.execute(\"LOAD '{ext}/ducklake.duckdb_extension'\")\n"
        f"con.execute(\"LOAD '{ext}/sqlite_scanner.duckdb_extension'\")\n"
        f"con.execute(\"ATTACH 'ducklake:sqlite:{db}' AS pd (DATA_PATH '{db}.files/'); USE pd\")\n"
        "print(con.execute('SELECT count(*) FROM versions').fetchone()[0])\n"
        "print(con.execute('SELECT count(*) FROM article_as_of(now())').fetchone()[0])\n"
        "url = con.execute('SELECT url FROM articles WHERE n_versions > 1').fetchone()[0]\n"
        "print(len(con.execute('SELECT * FROM history(?)', [url]).fetchall()))\n"
    )
    plain = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, cwd=tmp_path
    )
    assert plain.returncode == 0, plain.stderr
    with open_db(db) as con:
        versions = con.execute("SELECT count(*) FROM versions").fetchone()[0]
        current = con.execute("SELECT count(*) FROM article_as_of(now())").fetchone()[0]
        most = con.execute("SELECT max(n_versions) FROM articles").fetchone()[0]
    assert plain.stdout.split() == [str(versions), str(current), str(most)]
    assert versions > current > 0 and most >= 2


# ------------------------------------------------------------------ housekeeping


def files_of(con, table: str) -> int:
    return con.execute(
        "SELECT count(*) FROM ducklake_list_files(?, ?, schema => 'core')", [lake.CATALOG, table]
    ).fetchone()[0]


def test_a_small_write_makes_no_file_and_maintenance_merges_what_many_did(tmp_path, lake_format):
    db = tmp_path / "w.pressdiff"
    con = connect(db)
    try:
        con.execute("INSERT INTO core.rejects (source, reason, \"at\") VALUES ('a', 'x', now())")
        assert files_of(con, "rejects") == 0  # kept in the catalog (data inlining)
        for i in range(6):  # six inserts over the inlining limit: six files
            con.execute(
                'INSERT INTO core.rejects (source, reason, "at") '
                "SELECT 'f' || range, 'y', now() FROM range(?)",
                [lake.DATA_INLINING_ROW_LIMIT + 1 + i],
            )
        assert files_of(con, "rejects") == 6
        before = con.execute("SELECT count(*), count(DISTINCT source) FROM rejects").fetchone()
        maintenance.checkpoint(con, retention=timedelta(0))
        assert files_of(con, "rejects") == 1  # merged, the inlined row written out with them
        assert con.execute("SELECT count(*), count(DISTINCT source) FROM rejects").fetchone() == (
            before
        )
        parquet = list((tmp_path / "w.pressdiff.files").rglob("*.parquet"))
        in_use = con.execute(
            "SELECT count(*) FROM ducklake_list_files(?, 'rejects', schema => 'core')",
            [lake.CATALOG],
        ).fetchone()[0]
        rejects_files = [p for p in parquet if p.parent.name == "rejects"]
        assert len(rejects_files) == in_use  # the merged-away files are deleted
        assert (
            con.execute("SELECT count(*) FROM ducklake_snapshots(?)", [lake.CATALOG]).fetchone()[0]
            == 1
        )  # nothing older than the retention (0 here) is kept
    finally:
        con.close()


def test_maintenance_keeps_a_week_of_time_travel(tmp_path, lake_format):
    assert timedelta(days=7) <= maintenance.RETENTION
    db = tmp_path / "w.pressdiff"
    con = connect(db)
    try:
        snapshots = "SELECT count(*) FROM ducklake_snapshots(?)"
        n = con.execute(snapshots, [lake.CATALOG]).fetchone()[0]
        maintenance.checkpoint(con)
        assert con.execute(snapshots, [lake.CATALOG]).fetchone()[0] >= n  # all younger
    finally:
        con.close()


# ------------------------------------------------------------------ processes at once


@pytest.mark.corpus
def test_readers_never_wait_for_an_ingest_and_counts_never_go_down(tmp_path, lake_format):
    folder = fundus_pages(tmp_path / "pages", 0, 50)
    db = tmp_path / "w.pressdiff"
    connect(db).close()  # the lake exists: readers start before the ingest stores anything
    batches = ("--workers", "1", "--batch-size", "10")  # five commits to read between
    ingest = pressdiff("ingest", str(folder), "--db", str(db), *batches)
    counts, failures = [], []
    while ingest.poll() is None:
        read = subprocess.run(
            [sys.executable, "-m", "pressdiff.cli", "sql", "select count(*) from versions",
             "--db", str(db), "--format", "csv"],
            capture_output=True, text=True, timeout=120, cwd=ROOT, env=env(),
        )  # fmt: skip
        if read.returncode != 0:
            failures.append(read.stderr)
        else:
            counts.append(int(read.stdout.split()[-1]))
        time.sleep(0.3)
    _, err = ingest.communicate(timeout=60)
    assert ingest.returncode in (0, 1), err
    assert failures == []
    assert counts == sorted(counts)  # never down
    final = open_db(db).execute("SELECT count(*) FROM versions").fetchone()[0]
    assert len(counts) >= 5 and counts[0] < final  # they read while it wrote
    assert counts[-1] <= final


@pytest.mark.corpus
def test_two_writers_with_overlapping_inputs_store_nothing_twice(tmp_path, lake_format):
    first = fundus_pages(tmp_path / "first", 0, 25)
    second = fundus_pages(tmp_path / "second", 12, 37)
    union = fundus_pages(tmp_path / "union", 0, 37)
    shared, alone = tmp_path / "shared.pressdiff", tmp_path / "alone.pressdiff"
    connect(shared).close()
    writers = [
        pressdiff(
            "ingest",
            str(f),
            "--db",
            str(shared),
            "--workers",
            "1",
            "--batch-size",
            "5",
            prefect_home=tmp_path / h,
        )
        for f, h in ((first, "home1"), (second, "home2"))
    ]
    one = pressdiff(
        "ingest", str(union), "--db", str(alone), "--workers", "1", prefect_home=tmp_path / "home3"
    )
    for proc in [*writers, one]:
        _, err = proc.communicate(timeout=900)
        assert proc.returncode in (0, 1) and "Traceback" not in err, err
    with open_db(shared) as con:
        (_, first_done), (second_start, _) = con.execute(
            "SELECT started_at, finished_at FROM runs ORDER BY started_at"
        ).fetchall()
    assert second_start < first_done  # the two ingests ran at the same time
    with open_db(shared) as con:  # sentences too: stored once per version
        assert stored_twice(con) == dict.fromkeys(CHECKED, 0)
    together = view_counts(shared)
    assert together == view_counts(alone)
    assert together["versions"] >= 30


def test_reopening_an_unchanged_lake_writes_nothing_and_changed_views_are_made_anew(
    tmp_path, lake_format, monkeypatch
):
    from warehouse import migrate as migrations

    db = tmp_path / "w.pressdiff"
    snapshots = "SELECT count(*) FROM ducklake_snapshots('pd')"
    with connect(db) as con:
        first = con.execute(snapshots).fetchone()[0]
    for _ in range(2):  # every writable open used to drop and create the views: a commit
        with connect(db) as con:
            assert con.execute(snapshots).fetchone()[0] == first
    changed = migrations.view_sql(lake=True) + "\nCREATE OR REPLACE VIEW probe AS SELECT 1 AS x;"
    monkeypatch.setattr(migrations, "view_sql", lambda lake=False: changed)
    with connect(db) as con:  # new view text: made anew, in one more snapshot
        assert con.execute(snapshots).fetchone()[0] == first + 1
        assert con.execute("SELECT x FROM probe").fetchall() == [(1,)]
