"""Expanding what the user named: folders, globs, files, URLs, and what cannot be found."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tasks.inputs.discover import Plan, batched, is_url, not_an_article, plan_inputs
from tests.helpers import corpus
from warehouse.records import InputRef, Reject


def ref(path: Path, fmt: str) -> InputRef:
    return InputRef(source=str(path), fmt=fmt, path=str(path))


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A folder of inputs: known types (some gzipped), unknown types, hidden files."""
    root = tmp_path / "inputs"
    for name in [
        "a.txt",
        "b.HTML",
        "c.json.gz",
        "d.jsonl",
        "e.csv",
        "f.pdf",
        "k.gz",
        "l.TXT.GZ",
        ".secret.txt",
        "sub/g.md",
        "sub/j.ndjson",
        "sub/deeper/h.htm.gz",
        ".hidden/i.txt",
        "sub/.cache/x.json",
    ]:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x")
    return root


def test_folder_is_walked_recursively(tree: Path) -> None:
    assert plan_inputs([str(tree)]) == Plan(
        refs=[
            ref(tree / "a.txt", "text"),
            ref(tree / "b.HTML", "html"),
            ref(tree / "c.json.gz", "json"),
            ref(tree / "d.jsonl", "jsonl"),
            ref(tree / "e.csv", "csv"),
            ref(tree / "l.TXT.GZ", "text"),
            ref(tree / "sub/g.md", "text"),
            ref(tree / "sub/j.ndjson", "jsonl"),
            ref(tree / "sub/deeper/h.htm.gz", "html"),
        ],
        skipped=[str(tree / "f.pdf"), str(tree / "k.gz")],
        skipped_by_name=[str(tree / ".secret.txt")],
    )


def test_glob(tree: Path) -> None:
    assert plan_inputs([str(tree / "**" / "*.md"), str(tree / "*.json*")]) == Plan(
        refs=[
            ref(tree / "sub/g.md", "text"),
            ref(tree / "c.json.gz", "json"),
            ref(tree / "d.jsonl", "jsonl"),
        ]
    )


def test_glob_skips_hidden_files(tree: Path) -> None:
    plan = plan_inputs([str(tree / "*.txt")])
    assert plan == Plan(refs=[ref(tree / "a.txt", "text")])


def test_glob_matching_folders_walks_them(tree: Path) -> None:
    plan = plan_inputs([str(tree / "su*")])
    assert (plan.refs, plan.rejects) == (
        [
            ref(tree / "sub/g.md", "text"),
            ref(tree / "sub/j.ndjson", "jsonl"),
            ref(tree / "sub/deeper/h.htm.gz", "html"),
        ],
        [],
    )


def test_explicit_file_of_unknown_type_is_read_as_text(tree: Path) -> None:
    assert plan_inputs([str(tree / "f.pdf"), str(tree / "k.gz")]) == Plan(
        refs=[ref(tree / "f.pdf", "text"), ref(tree / "k.gz", "text")]
    )


def test_explicit_hidden_file_is_used(tree: Path) -> None:
    assert plan_inputs([str(tree / ".secret.txt")]) == Plan(
        refs=[ref(tree / ".secret.txt", "text")]
    )


def test_file_url_is_a_local_path(tree: Path) -> None:
    assert plan_inputs([f"file://{tree / 'a.txt'}"]) == Plan(refs=[ref(tree / "a.txt", "text")])


def test_urls_are_planned_for_fetching_in_order() -> None:
    urls = ["https://example.com/feed.xml", "http://example.com/news/a", "https://x.org/sitemap"]
    assert plan_inputs(urls) == Plan(urls=urls)


@pytest.mark.parametrize(
    "missing", ["does-not-exist.txt", "no-folder/", "nothing-*.zzz", "~/pressdiff-missing-xyz"]
)
def test_missing_path_is_rejected(tmp_path: Path, missing: str) -> None:
    source = missing if missing.startswith("~") else str(tmp_path / missing)
    assert plan_inputs([source]) == Plan(
        rejects=[Reject(source, "not found", "no such file, folder or glob match")]
    )


def test_mixed_sources_keep_their_order(tree: Path) -> None:
    missing = str(tree / "missing.html")
    assert plan_inputs(
        [str(tree / "a.txt"), "https://example.com/a", missing, str(tree / "sub" / "deeper")]
    ) == Plan(
        refs=[ref(tree / "a.txt", "text"), ref(tree / "sub/deeper/h.htm.gz", "html")],
        urls=["https://example.com/a"],
        rejects=[Reject(missing, "not found", "no such file, folder or glob match")],
    )


def test_empty_folder_gives_an_empty_plan(tmp_path: Path) -> None:
    assert plan_inputs([str(tmp_path)]) == Plan()


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("https://example.com/a", True),
        ("http://example.com", True),
        ("s3://bucket/key", True),
        ("file:///tmp/a.txt", False),
        ("/tmp/a.txt", False),
        ("relative/a.txt", False),
    ],
)
def test_is_url(source: str, expected: bool) -> None:
    assert is_url(source) is expected


@pytest.mark.parametrize(
    ("items", "size", "batches"),
    [
        ([1, 2, 3, 4, 5], 2, [[1, 2], [3, 4], [5]]),
        ([1, 2, 3, 4], 2, [[1, 2], [3, 4]]),
        ([1], 5, [[1]]),
        ([], 3, []),
    ],
)
def test_batched(items: list[int], size: int, batches: list[list[int]]) -> None:
    assert batched(items, size) == batches


# ---------------------------------------------------------------- special files (issue 18.5)


def test_pipes_devices_and_link_loops_in_a_folder_are_rejects_and_never_read(
    tmp_path: Path,
) -> None:
    """A FIFO blocked the planner forever; a link to /dev/zero named *.html was read for
    gigabytes (its st_size is 0); now each is a reject naming what it is, read never."""
    root = tmp_path / "in"
    root.mkdir()
    (root / "good.txt").write_text("x")
    os.mkfifo(root / "pipe.txt")
    os.mkfifo(root / "pipe.bin")  # a name of no known type is sniffed: it must not block
    (root / "zero.html").symlink_to("/dev/zero")
    (root / "loop.txt").symlink_to(root / "loop.txt")
    (root / "dangling.txt").symlink_to(root / "nowhere.txt")
    plan = plan_inputs([str(root)])
    assert plan.refs == [ref(root / "good.txt", "text")]
    assert sorted(plan.rejects, key=lambda r: r.source) == [
        Reject(str(root / "dangling.txt"), "unreadable", "a symbolic link to nothing"),
        Reject(
            str(root / "loop.txt"), "unreadable", "a symbolic link that points to itself (a loop)"
        ),
        Reject(str(root / "pipe.bin"), "not a regular file", PIPE),
        Reject(str(root / "pipe.txt"), "not a regular file", PIPE),
        Reject(str(root / "zero.html"), "not a regular file", DEVICE),
    ]


PIPE = "it is a named pipe (FIFO); only files are read"
DEVICE = "it is a device; only files are read"


def test_a_pipe_or_a_link_loop_named_on_the_command_line_is_rejected(tmp_path: Path) -> None:
    """Named ones were silently ignored, with exit code 0."""
    os.mkfifo(tmp_path / "pipe.html")
    (tmp_path / "loop.txt").symlink_to(tmp_path / "loop.txt")
    plan = plan_inputs([str(tmp_path / "pipe.html"), str(tmp_path / "loop.txt")])
    assert plan.refs == []
    assert plan.rejects == [
        Reject(str(tmp_path / "pipe.html"), "not a regular file", PIPE),
        Reject(
            str(tmp_path / "loop.txt"),
            "unreadable",
            "a symbolic link that points to itself (a loop)",
        ),
    ]


def test_a_file_name_that_is_not_utf8_is_read_under_a_printable_name(tmp_path: Path) -> None:
    """A name with byte 0xff became a str with a surrogate, which no warehouse column
    holds: the whole batch failed to store (0 of 420 files). The source is now printable;
    the path is still the real one."""
    root = os.fsencode(tmp_path) + b"/caf\xe9.txt"
    with open(root, "wb") as f:
        f.write(b"x")
    plan = plan_inputs([str(tmp_path)])
    [only] = plan.refs
    assert only.source == f"{tmp_path}/caf\\xe9.txt"
    assert os.fsencode(only.path) == root


def test_a_path_below_a_name_too_long_to_search_is_a_reject(tmp_path: Path) -> None:
    """os.stat failing with an error other than 'not found' (EACCES in a folder one may not
    search; ENAMETOOLONG here, as root may search anything) raised out of the planner."""
    source = str(tmp_path / ("x" * 300) / "a.txt")
    assert plan_inputs([source]) == Plan(
        rejects=[Reject(source, "unreadable", "File name too long")]
    )


PLAN_AS_NOBODY = """
import sys
from tasks.inputs.discover import plan_inputs
for source in sys.argv[1:]:
    print(repr(plan_inputs([source]).rejects))
"""


@pytest.mark.skipif(
    os.geteuid() != 0 or shutil.which("setpriv") is None,
    reason="needs root and setpriv to plan as a user who may not search a folder",
)
def test_a_folder_that_cannot_be_listed_or_searched_is_a_reject() -> None:
    """Planning as `nobody` (root reads any folder): a folder it may not list was skipped
    silently; a file named inside a folder it may not search raised PermissionError."""
    root = Path(tempfile.mkdtemp(prefix="pressdiff-closed-"))  # pytest's tmp is root's only
    try:
        root.chmod(0o777)
        (root / "closed" / "inner").mkdir(parents=True)
        (root / "closed" / "inner" / "a.txt").write_text("x")
        (root / "closed" / "inner").chmod(0)
        (root / "closed").chmod(0o711)
        closed, inner = str(root / "closed"), str(root / "closed" / "inner" / "a.txt")
        proc = subprocess.run(
            ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", sys.executable,
             "-c", PLAN_AS_NOBODY, closed, inner],
            capture_output=True, text=True, timeout=120, cwd=Path(__file__).parents[3],
            env={**os.environ, "HOME": str(root), "PREFECT_HOME": str(root / "prefect")},
        )  # fmt: skip
    finally:
        (root / "closed" / "inner").chmod(0o700)
        shutil.rmtree(root)
    assert proc.returncode == 0, proc.stderr
    listing = "cannot list the folder: Permission denied"
    assert proc.stdout.splitlines() == [
        repr([Reject(closed, "unreadable", listing)]),
        repr([Reject(inner, "unreadable", "Permission denied")]),
    ]


@pytest.mark.parametrize(
    "folder, names",
    [
        ("article-extraction-benchmark", {"ground-truth.json", "LICENSE", "SOURCE.txt"}),
        (
            "trafilatura-eval",
            {"evaldata.json", "eval_baseline.json", "README.rst", "LICENSE", "SOURCE.txt"},
        ),
        ("fundus-recrawls", {"index.json", "LICENSE", "SOURCE.txt"}),
    ],
)
def test_a_corpus_notes_and_answer_keys_are_skipped_by_name(folder: str, names: set[str]) -> None:
    plan = plan_inputs([str(corpus(folder))])
    skipped = {Path(p).name for p in plan.skipped_by_name}
    assert names <= skipped
    assert {n for n in skipped if ".expected." not in n} == names
    assert not {Path(r.source).name for r in plan.refs} & skipped
    assert plan.rejects == []


def test_names_that_are_not_articles() -> None:
    no = ["README", "readme.md", "LICENSE", "License.txt", "SOURCE.txt", "index.json", ".DS_Store"]
    no += ["ground-truth.json", "de_Taz_f4c5397b69.expected.json", "COPYING", "NOTICE.rst"]
    yes = ["changelog.blog.zwischenbilanz.html.gz", "source-of-the-nile.txt", "index.html"]
    yes += ["readme-of-a-court-case.html", "story.txt", "Rzeczpospolita.json"]
    assert [n for n in no if not not_an_article(n)] == []
    assert [n for n in yes if not_an_article(n)] == []


def test_a_file_named_explicitly_is_read_whatever_its_name(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("x")
    (tmp_path / "index.json").write_text("{}")
    named = plan_inputs([str(tmp_path / "README.md"), str(tmp_path / "index.json")])
    assert named == Plan(
        refs=[ref(tmp_path / "README.md", "text"), ref(tmp_path / "index.json", "json")]
    )
    assert plan_inputs([str(tmp_path)]) == Plan(
        skipped_by_name=[str(tmp_path / "README.md"), str(tmp_path / "index.json")]
    )
