"""The read-only web viewer: `pressdiff web`, and `pressdiff serve --web`.

app.py         Starlette routes: one function per page, each a few queries and a template
reader.py      the one place the viewer opens the warehouse (read-only)
queries.py     runs the `warehouse/sql/web_*.sql` files with bound parameters
fulltext.py    the DuckDB fts index over every version: built by the writer, read by pages
diffs.py       a comparison as rows of words marked <ins>/<del>, unchanged runs folded
charts.py      small SVG bar charts of edits over time, drawn on the server
feed.py        the Atom feed of notable changes
server.py      uvicorn in the foreground, or in a thread beside the schedules
"""
