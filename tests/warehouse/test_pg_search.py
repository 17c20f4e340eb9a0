"""Full-text search on a lake whose catalog is a real PostgreSQL database (tests/pg.py): the
URL has no folder, so its index is a file in this machine's cache keyed by the catalog and
the data path; `pressdiff index` builds it, `pressdiff search` and the web reader read it,
and a new version leaves it behind until the next build."""

from __future__ import annotations

from pathlib import Path

import pytest

from pressdiff.cli import main
from pressdiff.web import fulltext
from pressdiff.web.reader import reading
from tests.warehouse.test_lake_reader import capture, finds_the_ferry_story_only

pytest_plugins = ["tests.pg"]  # the `postgres` fixture


@pytest.fixture
def pg_lake(postgres, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A new PostgreSQL-catalog lake (its files in tmp_path); its cached index removed after."""
    url = postgres.database()
    monkeypatch.setenv("PRESSDIFF_DATA_PATH", str(tmp_path / "files"))
    yield url
    fulltext.index_file(url).unlink(missing_ok=True)


def test_the_index_of_a_postgresql_lake_is_a_cached_file_keyed_by_catalog_and_data_path(
    tmp_path, monkeypatch
):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    url = "postgresql://pd@db.example:5432/news"
    index = fulltext.cached_index_path(url, "/srv/lake/")
    assert index.parent == tmp_path / "cache" / "pressdiff" / "search"
    assert index.name.startswith("news-") and index.suffix == ".search"
    with_password = "postgresql://pd:s3cret@db.example:5432/news"
    assert fulltext.cached_index_path(with_password, "/srv/lake/") == index
    others = [
        fulltext.cached_index_path(url, "/srv/other-lake/"),
        fulltext.cached_index_path("postgresql://pd@db.example:5433/news", "/srv/lake/"),
        fulltext.cached_index_path("postgresql://pd@db.example:5432/news2", "/srv/lake/"),
    ]
    assert len({index, *others}) == 4


def test_search_works_on_a_postgresql_lake(pg_lake, tmp_path, prefect, capsys):
    src = tmp_path / "articles"
    src.mkdir()
    capture(src, "a.txt", "2026-03-01T08:00:00Z", "winter", "Monday")
    assert main(["ingest", str(src), "--db", pg_lake, "--workers", "0"]) == 0
    assert main(["index", "--db", pg_lake]) == 0
    index = fulltext.index_file(pg_lake)
    assert index.is_file() and index.parent.name == "search"
    assert sorted(p.name for p in index.parent.glob(f"{index.name}*")) == [index.name]
    with reading(pg_lake) as con:
        finds_the_ferry_story_only(con)
    capture(src, "b.txt", "2026-03-02T08:00:00Z", "spring", "Tuesday")
    assert main(["ingest", str(src), "--db", pg_lake, "--workers", "0"]) == 0
    with reading(pg_lake) as con:
        assert fulltext.state(con) == fulltext.IndexState(1, 2)
    capsys.readouterr()
    # `pressdiff search` brings the index up to date first, then finds what is gone
    assert main(["search", "winter", "--gone", "--db", pg_lake, "--format", "csv"]) == 0
    out, err = capsys.readouterr()
    assert "search index built: 2 versions" in err
    assert out.splitlines()[0] == "article_id,site,title,versions,latest says it,snippet,url"
    [row] = out.splitlines()[1:]
    assert row.endswith(",1 of 2,no,The harbour board set the winter ferry timetable on "
                        "Monday. Residents of the outer …,https://wire.example/ferry")  # fmt: skip
