"""`pressdiff sql` only reads the warehouse (issue #18, defect 1).

Every attack goes through the real command line in a new process, against a real warehouse
ingested from text files written here; the reader's two locks (the connection, the statement
check) are also tested one at a time.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from pressdiff.cli import main
from pressdiff.errors import SetupError, UsageError
from tests.helpers import ROOT, open_db
from warehouse.reader import check_read_only, open_reader

URL = "https://wire.example/harbour-timetable"
BODY = [
    "HARBOURTON - The harbour board of Harbourton met on Monday to set the ferry timetable for "
    "the winter season.",
    "The board said the new timetable would start in the first week of December.",
    "Residents of the outer islands asked for an early crossing on weekdays for school pupils.",
    "The next meeting of the board will be held in the town hall at the end of the month.",
]
COUNTED = ("core.articles", "core.versions", "core.sentences", "core.comparisons")


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory, prefect) -> Path:
    """A warehouse of one article in two versions, ingested by the real flow."""
    src = tmp_path_factory.mktemp("articles")
    revised = [*BODY[:1], BODY[1].replace("first", "second"), *BODY[2:]]
    for name, seen, body in (("v1", "2026-03-01", BODY), ("v2", "2026-03-02", revised)):
        (src / f"{name}.txt").write_text(
            f"url: {URL}\ntitle: Harbour board sets timetable\nseen: {seen}T08:00:00Z\n\n"
            + "\n\n".join(body)
            + "\n"
        )
    db = tmp_path_factory.mktemp("warehouse") / "w.duckdb"
    assert main(["ingest", str(src), "--db", str(db), "--workers", "0"]) == 0
    return db


def counts(db: Path) -> dict[str, int]:
    with open_db(db) as con:
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in COUNTED}


def cli(*args: str) -> subprocess.CompletedProcess:
    """`pressdiff ARGS` in a new process."""
    return subprocess.run(
        [sys.executable, "-m", "pressdiff.cli", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        env={**os.environ, "COLUMNS": "200"},
    )


def refused(proc: subprocess.CompletedProcess) -> str:
    """The one error line of a refused query (exit 2, nothing on stdout, no traceback)."""
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    assert proc.stdout == ""
    assert "Traceback" not in proc.stderr
    [line] = proc.stderr.strip().splitlines()
    return line


NOT_ALLOWED = (
    "is not allowed (pressdiff sql runs SELECT, WITH, FROM, VALUES, EXPLAIN, DESCRIBE, SHOW, "
    "SUMMARIZE, PRAGMA show_tables); to save a result, use pressdiff sql --output FILE"
)


def test_copy_and_export_write_no_file(warehouse, tmp_path):
    target = tmp_path / "pwn.csv"
    line = refused(cli("sql", f"COPY (SELECT 'x') TO '{target}'", "--db", str(warehouse)))
    assert line == f"error: the query is not read-only: COPY {NOT_ALLOWED}"
    line = refused(cli("sql", f"EXPORT DATABASE '{tmp_path / 'dump'}'", "--db", str(warehouse)))
    assert line == f"error: the query is not read-only: EXPORT {NOT_ALLOWED}"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("reader", ["read_text('{}')", "read_csv('{}')", "glob('{}')"])
def test_no_file_outside_the_warehouse_is_read(warehouse, tmp_path, reader):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET,1\n")
    call = reader.format(secret)
    line = refused(cli("sql", f"SELECT * FROM {call}", "--db", str(warehouse)))
    assert "TOPSECRET" not in line
    assert line == (
        f'error: the query may read only the warehouse: Permission Error: Cannot access file "'
        f'{secret}" - file system operations are disabled by configuration; to save a result, '
        "use pressdiff sql --output FILE"
    )


def test_parsing_reads_no_file_and_installs_nothing(warehouse, tmp_path):
    dump = tmp_path / "dump"
    dump.mkdir()
    (dump / "schema.sql").write_text("CREATE TABLE pwn (a INTEGER);")
    (dump / "load.sql").write_text("")
    line = refused(cli("sql", f"IMPORT DATABASE '{dump}'", "--db", str(warehouse)))
    assert line == (
        f'error: the query may read only the warehouse: Permission Error: Cannot access file "'
        f'{dump}/schema.sql" - file system operations are disabled by configuration'
    )
    with pytest.raises(SetupError) as info:  # the default connection would try to install it
        check_read_only("PRAGMA create_fts_index('versions', 'version_id', 'text')")
    assert str(info.value) == (
        'the query failed: Catalog Error: Pragma Function with name "create_fts_index" is not '
        "in the catalog, but it exists in the fts extension."
    )


def test_attach_read_write_is_refused(warehouse, tmp_path):
    other = tmp_path / "x.duckdb"
    line = refused(cli("sql", f"ATTACH '{other}' AS n2 (READ_WRITE)", "--db", str(warehouse)))
    assert line == f"error: the query is not read-only: ATTACH {NOT_ALLOWED}"
    assert not other.exists()


def test_the_detach_bypass_leaves_the_warehouse_unchanged(warehouse, tmp_path):
    before = counts(warehouse)
    other = tmp_path / "x.duckdb"
    bypass = (
        f"ATTACH '{other}' AS n2 (READ_WRITE); USE n2; DETACH w; "
        f"ATTACH '{warehouse}' AS w2 (READ_WRITE); DELETE FROM w2.core.sentences"
    )
    line = refused(cli("sql", bypass, "--db", str(warehouse)))
    assert line == f"error: the query is not read-only: ATTACH {NOT_ALLOWED}"
    line = refused(cli("sql", "SELECT 1; DELETE FROM core.sentences", "--db", str(warehouse)))
    assert line == f"error: the query is not read-only: DELETE {NOT_ALLOWED}"
    assert counts(warehouse) == before
    assert before["core.sentences"] > 0
    assert not other.exists()


@pytest.mark.parametrize(
    ("query", "error"),
    [
        ("SET TimeZone = 'Asia/Tokyo'", f"SET {NOT_ALLOWED}"),
        ("RESET TimeZone", f"RESET {NOT_ALLOWED}"),
        ("PRAGMA threads = 1", f"PRAGMA {NOT_ALLOWED}"),
        ("INSTALL httpfs", f"INSTALL {NOT_ALLOWED}"),
        ("LOAD httpfs", f"LOAD {NOT_ALLOWED}"),
        ("CHECKPOINT", f"CHECKPOINT {NOT_ALLOWED}"),
        ("EXPLAIN ANALYZE DELETE FROM core.sentences", f"DELETE {NOT_ALLOWED}"),
        ("CREATE TEMP TABLE t AS SELECT 1", f"CREATE {NOT_ALLOWED}"),
        (
            "SELECT * FROM enable_logging(storage := 'file', storage_path := '{tmp}')",
            "enable_logging() is not allowed",
        ),
        ("SELECT * FROM query('SELECT 1')", "query() is not allowed"),
        ("SELECT * FROM pandas_scan(NULL)", "pandas_scan() is not allowed"),  # was a segfault
    ],
)
def test_settings_extensions_and_writes_are_refused(warehouse, tmp_path, query, error):
    line = refused(cli("sql", query.format(tmp=tmp_path / "logs"), "--db", str(warehouse)))
    assert line == f"error: the query is not read-only: {error}"
    assert list(tmp_path.iterdir()) == []


def test_ordinary_queries_views_and_macros_still_work(warehouse):
    db = ["--db", str(warehouse), "--format", "json"]
    proc = cli("sql", "SELECT url, n_versions FROM articles", *db)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == [{"url": URL, "n_versions": 2}]
    query = "SELECT version_no FROM article_as_of(TIMESTAMPTZ '2026-03-01 12:00:00+00')"
    assert json.loads(cli("sql", query, *db).stdout) == [{"version_no": 1}]
    query = f"SELECT version_no, n_changed FROM history('{URL}')"
    assert json.loads(cli("sql", query, *db).stdout) == [
        {"version_no": 2, "n_changed": 1},
        {"version_no": 1, "n_changed": None},
    ]
    for query in ("DESCRIBE articles", "SHOW TABLES", "PRAGMA show_tables", "EXPLAIN SELECT 1"):
        proc = cli("sql", query, *db)
        assert proc.returncode == 0 and json.loads(proc.stdout), (query, proc.stderr)
    proc = cli("history", URL, "--db", str(warehouse))
    assert proc.returncode == 0 and "1 changed" in proc.stdout, proc.stderr
    proc = cli("diff", URL, "--db", str(warehouse))
    assert proc.returncode == 0 and "[-first-]{+second+}" in proc.stdout, proc.stderr


@pytest.mark.parametrize("suffix", [".csv", ".json", ".parquet"])
def test_output_writes_the_named_file_and_nothing_else(warehouse, tmp_path, suffix):
    target = tmp_path / f"result{suffix}"
    query = "SELECT version_no, title FROM versions ORDER BY version_no"
    proc = cli("sql", query, "--output", str(target), "--db", str(warehouse))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == f"wrote 2 rows to {target}"
    assert list(tmp_path.iterdir()) == [target]
    rows = [(1, "Harbour board sets timetable"), (2, "Harbour board sets timetable")]
    if suffix == ".csv":
        assert target.read_text().splitlines() == [
            "version_no,title",
            *(f"{n},{t}" for n, t in rows),
        ]
    elif suffix == ".json":
        assert json.loads(target.read_text()) == [{"version_no": n, "title": t} for n, t in rows]
    else:
        assert pq.read_table(target).to_pylist() == [{"version_no": n, "title": t} for n, t in rows]


def test_output_takes_only_the_three_formats(warehouse, tmp_path):
    target = tmp_path / "result.txt"
    line = refused(cli("sql", "SELECT 1", "--output", str(target), "--db", str(warehouse)))
    assert line == "error: --output must end in .csv, .json or .parquet, not 'result.txt'"
    assert not target.exists()


@pytest.mark.parametrize("link", ["symlink", "hardlink", "wal symlink"])
def test_output_never_overwrites_the_warehouse_by_another_name(warehouse, tmp_path, link):
    db = tmp_path / "copy.duckdb"
    shutil.copyfile(warehouse, db)
    before = counts(db)
    target = tmp_path / "result.csv"
    if link == "hardlink":
        os.link(db, target)
    else:
        target.symlink_to(db.name + (".wal" if link == "wal symlink" else ""))
    line = refused(cli("sql", "SELECT 1", "--output", str(target), "--db", str(db)))
    assert line == f"error: --output {target} is the warehouse itself; name another file"
    assert counts(db) == before


def test_each_lock_holds_alone(warehouse, tmp_path):
    """The connection refuses files, attachments, settings and extensions even for a
    statement the check would not see; the check refuses them before they run."""
    attacks = [
        f"COPY (SELECT 'x') TO '{tmp_path / 'pwn.csv'}'",
        f"EXPORT DATABASE '{tmp_path / 'dump'}'",
        f"SELECT * FROM read_text('{warehouse.parent}/*')",
        f"ATTACH '{tmp_path / 'x.duckdb'}' AS n2 (READ_WRITE)",
        f"ATTACH '{warehouse}' AS w2 (READ_WRITE)",
        f"ATTACH 'sqlite:{tmp_path / 'x.sqlite'}' AS n3 (READ_WRITE)",
        f"FROM sqlite_query('{warehouse}', 'DELETE FROM ducklake_snapshot')",
        "SET TimeZone = 'Asia/Tokyo'",
        "SET enable_external_access = true",
        "SET lock_configuration = false",
        "INSTALL httpfs",
        "LOAD httpfs",
        "DELETE FROM core.sentences",
    ]
    before = counts(warehouse)
    with open_reader(warehouse) as con:
        for attack in attacks:
            with pytest.raises(duckdb.Error):
                con.execute(attack)
            if not attack.startswith("SELECT"):  # a file read is refused by the connection
                with pytest.raises(UsageError, match="the query is not read-only"):
                    check_read_only(attack)
        settings = dict(
            con.execute(
                "SELECT name, value FROM duckdb_settings() WHERE name IN ('TimeZone', "
                "'enable_external_access', 'lock_configuration', 'allowed_paths')"
            ).fetchall()
        )
    assert settings["TimeZone"] == "UTC"
    assert settings["enable_external_access"] == "false"
    assert settings["lock_configuration"] == "true"
    assert list(tmp_path.iterdir()) == []
    assert counts(warehouse) == before


def test_two_readers_in_one_process_share_the_locked_database(warehouse, monkeypatch):
    monkeypatch.setenv("TZ", "America/New_York")
    with open_reader(warehouse) as a, open_reader(warehouse) as b:
        for con in (a, b, a.cursor()):
            assert con.execute("SELECT current_setting('TimeZone')").fetchone() == ("UTC",)
            assert con.execute("SELECT count(*) FROM history(?)", [URL]).fetchone() == (2,)


@pytest.mark.parametrize(
    "query",
    [
        "select 1",
        "with a as (select 1) select * from a",
        "from articles",
        "values (1)",
        "describe articles",
        "summarize select 1",
        "explain select 1",
        "explain analyze select 1",
        "select 'checkpoint', 'query' as enable_logging_text",
        "select 1; select 2",
    ],
)
def test_check_read_only_accepts_select_like_statements(query):
    assert check_read_only(query)


@pytest.mark.parametrize(
    "query",
    [
        "explain analyze delete from t",
        "explain (format json) select 1",
        'select * from "Enable_Logging"()',
        "select 'é', system.main.ENABLE_PROFILING()",
        "select * from json_execute_serialized_sql('x')",
        "select * from arrow_scan(null, null, null)",
        "select * from Arrow_Scan_Dumb(null, null, null)",
        "select * from python_map_function(null, null, null)",
        "select 1; attach 'x' as y",
        "use memory",
        "detach w",
        "call checkpoint()",
        "begin",
        "prepare p as select 1",
        "update t set a = 1",
        "pivot articles on site",
    ],
)
def test_check_read_only_refuses_everything_else(query):
    with pytest.raises(UsageError, match=r"^the query is not read-only: "):
        check_read_only(query)


def test_check_read_only_refuses_an_empty_query():
    with pytest.raises(UsageError, match=r"^the query is empty$"):
        check_read_only("-- nothing\n;")
