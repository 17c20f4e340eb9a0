"""The throw-away PostgreSQL of tests/pg.py: it answers queries, on loopback, as `pd`, and
each `database()` is a fresh, empty database of its own."""

from __future__ import annotations

pytest_plugins = ["tests.pg"]  # the `postgres` fixture


def test_the_cluster_answers_a_query_on_loopback_as_pd(postgres):
    rows = postgres.execute(
        "select current_user, inet_server_addr()::text, current_setting('port')::int,"
        " split_part(current_setting('server_version'), '.', 1)::int >= 15"
    )
    assert rows == [("pd", "127.0.0.1/32", postgres.port, True)]
    assert postgres.url == f"postgresql://pd@127.0.0.1:{postgres.port}/postgres"


def test_each_database_is_new_and_empty_and_keeps_its_own_tables(postgres):
    first, second = postgres.database(), postgres.database()
    assert first != second
    a, b = first.rsplit("/", 1)[1], second.rsplit("/", 1)[1]
    postgres.execute("create table t (x int)", database=a)
    postgres.execute("insert into t values (1), (2)", database=a)
    assert postgres.execute("select count(*) from t", database=a) == [(2,)]
    tables = "select count(*) from pg_tables where schemaname = 'public'"
    assert postgres.execute(tables, database=b) == [(0,)]
