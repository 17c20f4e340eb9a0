"""Every SQL example in README.md and the contract runs against a real warehouse.

Examples are ```sql blocks, `pressdiff sql "..."` command lines and inline code that is a
query (`select ...`). Each runs through the real command line (`pressdiff sql`) against a
warehouse built by ingesting `examples/`; a placeholder URL ('https://…') stands for the
wire story's URL.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pressdiff.cli import main
from tests.helpers import ROOT

EXAMPLES = ROOT / "examples" / "articles"
CONTRACT = ROOT.parent / "shared" / "CONTRACT.md"
WIRE = "https://wire.example/world/porthaven-ferry-strike"

_FENCED = re.compile(r"```sql\n(.*?)```", re.S)
_COMMAND = re.compile(r"""pressdiff sql "((?:[^"\\]|\\.)+)\"""")
_INLINE = re.compile(r"`((?:select|with)\b[^`]+)`", re.I)


def sql_examples(text: str) -> list[str]:
    """The SQL examples of a Markdown text, in order, without duplicates."""
    found = [m.group(1) for m in _FENCED.finditer(text)]
    found += [m.group(1) for m in _COMMAND.finditer(text)]
    found += [m.group(1) for m in _INLINE.finditer(text)]
    return list(dict.fromkeys(q.strip().replace("https://…", WIRE) for q in found))


def documents() -> list[Path]:
    return [ROOT / "README.md", *([CONTRACT] if CONTRACT.exists() else [])]


EXAMPLE_QUERIES = [(doc.name, q) for doc in documents() for q in sql_examples(doc.read_text())]


def test_the_docs_have_sql_examples() -> None:
    readme = [q for doc, q in EXAMPLE_QUERIES if doc == "README.md"]
    assert len(readme) >= 5
    assert any("article_as_of" in q for q in readme) and any("history(" in q for q in readme)


@pytest.fixture(scope="module")
def examples_db(tmp_path_factory, prefect) -> Path:
    db = tmp_path_factory.mktemp("docs") / "w.duckdb"
    assert main(["ingest", str(EXAMPLES), "--db", str(db), "--workers", "1"]) == 0
    return db


@pytest.mark.parametrize(("doc", "query"), EXAMPLE_QUERIES)
def test_every_sql_example_runs(examples_db: Path, doc: str, query: str, capsys) -> None:
    code = main(["sql", query, "--db", str(examples_db), "--format", "json"])
    out, err = capsys.readouterr()
    assert (code, err) == (0, ""), f"{doc}: {query}"
    assert out.startswith("[")
