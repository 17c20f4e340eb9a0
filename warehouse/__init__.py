"""What pressdiff remembers: the DuckDB schema, its migrations, views and the writers."""
