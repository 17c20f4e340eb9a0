"""The commands of `pressdiff`, one module per group; each holds its click commands (the
options and help) and the few lines that open the warehouse, call one function and print.

    ingest.py     ingest               load or fetch articles through the ingest flow
    demo.py       demo                 examples/ into the demo's own warehouse
    reextract.py  reextract            the current extractor over the stored pages
    query.py      sql, schema          read-only queries; the views and their columns
    articles.py   history, diff, story one article's versions, two versions, one story
    watch.py      watch add|remove|list|import   the sources scheduled runs poll
    schedule.py   run, serve, deploy   one tick; the schedules in the foreground or deployed
    web.py        web, search, index   the web viewer's commands (pressdiff.web does them)

and what they share: options.py (consoles, exit codes, --db/--debug/--format, signals) and
runs.py (running a flow with a progress bar, and the run summary). pressdiff.cli puts them
under one group and turns errors into one line and an exit code. Heavy modules (DuckDB,
Prefect, settings) are imported inside the commands, so `pressdiff --help` stays quick.
"""
