"""What tests share: paths and the corpora, running the pipeline and reading a warehouse,
texts written for the tests, and the command line as a person runs it. Tests import these
from here, never from one another (fixtures live in the conftest files)."""

from __future__ import annotations

import functools
import os
import pty
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pytest

# --- Paths and the corpora --------------------------------------------------------------------

ROOT = Path(__file__).resolve().parents[1]
CORPORA = Path(os.environ.get("PRESSDIFF_CORPORA", ROOT.parent / "shared" / "corpora"))


def corpus(*parts: str) -> Path:
    """A path inside ../shared/corpora; the test is skipped when it is absent."""
    path = CORPORA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"corpus not available: {path}")
    return path


ARTIFACTS = ROOT / "tests" / "web" / "artifacts"  # screenshots and pages the web tests save

# --- Running the pipeline, reading the warehouse ----------------------------------------------


def run(sources: list, db: Path, **kw):
    """The ingest flow over `sources` into `db`, on the real Prefect engine (the test asks
    for the `prefect` fixture); its run summary."""
    from flows.ingest import ingest
    from flows.settings import Settings
    from warehouse.connection import close_warehouse

    try:
        settings = Settings(**kw)
        return ingest(sources=[str(s) for s in sources], db=str(db), settings=settings)
    finally:
        close_warehouse(str(db))


def open_db(db: Path | str, *, read_only: bool = True) -> duckdb.DuckDBPyConnection:
    """The warehouse `db` opened as the code opens it (a DuckDB file, or a lake attached and
    in use), without migrating it."""
    from warehouse.connection import open_file

    return open_file(str(db), read_only=read_only)


# The views two warehouses of the same inputs must count alike in (writers' tests, bench_lake).
COUNTED_VIEWS = (
    "articles", "versions", "sentences", "comparisons", "sentence_edits", "phrase_edits",
    "stories", "story_members", "duplicate_pairs", "term_swaps", "republications",
)  # fmt: skip


def view_counts(db: Path | str) -> dict[str, int]:
    """Rows in each of COUNTED_VIEWS of the warehouse `db`."""
    with open_db(db) as con:
        return {v: con.execute(f"SELECT count(*) FROM {v}").fetchone()[0] for v in COUNTED_VIEWS}


def linked(folder: Path, pages) -> Path:
    """`folder`, new, holding a link to each of `pages` (named by its folder and name)."""
    folder.mkdir()
    for page in pages:
        (folder / f"{page.parent.name}-{page.name}").symlink_to(page)
    return folder


def fundus_pages(folder: Path, start: int, stop: int) -> Path:
    """`folder` with links to fundus-news pages start..stop, in a stable order."""
    return linked(folder, sorted(corpus("fundus-news").rglob("*.html.gz"))[start:stop])


def stop_serve(serve: subprocess.Popen) -> str:
    """SIGTERM to a `pressdiff serve` started with its output piped; that output once it
    stopped. The test fails if it has not stopped within 90 s (its group is then killed)."""
    serve.send_signal(signal.SIGTERM)
    try:
        output, _ = serve.communicate(timeout=90)
    except subprocess.TimeoutExpired:
        os.killpg(serve.pid, signal.SIGKILL)
        output, _ = serve.communicate()
        pytest.fail(f"serve did not stop on SIGTERM:\n{output[-2000:]}")
    return output


def on_lake() -> bool:
    """Whether new warehouses of this run are DuckLakes (warehouse/lake.py's
    NEW_WAREHOUSE_FORMAT, or PRESSDIFF_WAREHOUSE_FORMAT)."""
    from warehouse.lake import new_format

    return new_format() == "lake"


def duckdb_file_only(test):
    """A test of the single DuckDB file itself (its lock, its write-ahead log, its file
    format): the warehouses it makes, and those of the processes it starts, are DuckDB
    files, whatever PRESSDIFF_WAREHOUSE_FORMAT or the default says."""

    @functools.wraps(test)
    def on_a_duckdb_file(*args, **kwargs):
        saved = os.environ.get("PRESSDIFF_WAREHOUSE_FORMAT")
        os.environ["PRESSDIFF_WAREHOUSE_FORMAT"] = "duckdb"
        try:
            return test(*args, **kwargs)
        finally:
            if saved is None:
                del os.environ["PRESSDIFF_WAREHOUSE_FORMAT"]
            else:
                os.environ["PRESSDIFF_WAREHOUSE_FORMAT"] = saved

    return on_a_duckdb_file


def query(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    """The rows of `sql` on `db`, opened read-only, in UTC."""
    with open_db(db) as con:
        con.execute("SET TimeZone = 'UTC'")
        return con.execute(sql, params or []).fetchall()


def write(path: Path, data: bytes | str) -> Path:
    """`data` written to `path`, its folders made."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


# for the local server: loopback allowed, no politeness delay
FAST = {"allow_private": True, "host_delay": 0, "fetch_retries": 1, "workers": 0}


def fetch_run(sources: list, db: Path, **kw):
    """`run` with FAST settings: for sources served by the local test server."""
    return run(sources, db, **(FAST | kw))


# --- Texts written for the tests --------------------------------------------------------------

FERRY_URL = "https://harbour-news.example/2026/03/ferry-sunday"
FERRY = [
    "The mayor’s office said the ferry would run on Sunday as planned.",
    "The crossing to the island takes about forty minutes in calm weather.",
    "Tickets will be sold at the harbour office from eight in the morning.",
    "The operator said it had hired two extra crew members for the weekend.",
    "Islanders had asked for a Sunday service for more than three years.",
]


def capture(
    folder: Path, name: str, seen: str, paragraphs: list[str], title: str = "Ferry"
) -> Path:
    """A plain-text capture of FERRY_URL seen at `seen`."""
    header = f"title: {title}\nurl: {FERRY_URL}\nseen: {seen}\n\n"
    return write(folder / name, header + "\n\n".join(paragraphs) + "\n")


STORIES = {
    "pier": (
        "Harbour council backs new pier",
        "The harbour council of Wexmoor voted on Monday to rebuild the old stone pier before "
        "the winter storms arrive.",
        "Work will start in May and should take about five months, a council spokeswoman said, "
        "and the fish market will stay open throughout.",
        "Fishing crews welcomed the decision after two years of delays and three rejected plans.",
    ),
    "library": (
        "Village library reopens after flood",
        "The library in Ashcombe reopened its doors on Saturday, eleven months after the river "
        "burst its banks and filled the reading room with mud.",
        "Volunteers dried and catalogued nearly four thousand books by hand during the summer.",
        "The head librarian said children's story hour would return next week.",
    ),
    "tram": (
        "Tram line extension approved",
        "Regional planners in Lorrich approved a two kilometre extension of the northern tram "
        "line, linking the hospital to the central station.",
        "Construction is expected to disrupt traffic on Mill Street for most of next year.",
        "Shopkeepers asked for compensation while the road is closed to cars.",
    ),
    "orchard": (
        "Frost threatens apple harvest",
        "Growers across the Tansey valley lit braziers overnight as an unseasonal frost settled "
        "over orchards already in blossom.",
        "Early estimates suggest a third of the crop may be lost, the growers' cooperative said.",
        "Cider makers warned that prices would rise by the autumn.",
    ),
    "choir": (
        "Miners' choir celebrates centenary",
        "A choir founded by coal miners in Penhallow a hundred years ago sang to a packed chapel "
        "on Sunday evening.",
        "Only two of its forty members ever worked underground, but the repertoire has barely "
        "changed since the nineteen twenties.",
        "A recording of the concert will be broadcast on local radio at Christmas.",
    ),
    "bridge": (
        "Footbridge closed for repairs",
        "Engineers closed the iron footbridge over the Dunmere canal after inspectors found "
        "rust eating through two of its supporting beams.",
        "Pedestrians face a detour of almost a mile through the industrial estate.",
        "The county expects the repairs to cost more than half a million pounds.",
    ),
    "lighthouse": (
        "Lighthouse keeper's cottage sold",
        "The cottage beside the decommissioned Gullrock lighthouse sold at auction for twice "
        "its guide price after a bidding war lasting forty minutes.",
        "The buyer, who did not wish to be named, plans to open a small maritime museum there.",
        "The lighthouse itself remains in the care of the coastal trust.",
    ),
    "market": (
        "Farmers' market moves indoors",
        "The weekly farmers' market in Brindle will move into the old corn exchange from next "
        "month, ending thirty years of trading in the square.",
        "Stallholders said the wind and rain had cost them customers every winter.",
        "The town council will charge a reduced rent for the first year.",
    ),
}


PARAS = [
    "The river authority opened the new flood gates at Millbrook on Tuesday after four "
    "years of work, the county council said in a statement.",
    "The gates can hold back a surge two metres higher than the one that flooded the "
    "lower town in 2019, engineers said.",
    "About 3,200 homes lie behind the new defences, according to the council.",
]


def feed(base: str, *paths: str) -> str:
    """An RSS feed linking `base` + each of `paths`."""
    items = "".join(f"<item><title>Story {p}</title><link>{base}{p}</link></item>" for p in paths)
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{items}</channel></rss>'
    )


# --- The command line, as a person runs it ----------------------------------------------------


def cli(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    """`pressdiff ARGS` as a subprocess, as a person would run it."""
    return subprocess.run(
        [sys.executable, "-m", "pressdiff.cli", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
        env={**os.environ, "PRESSDIFF_DB": ""},
    )


ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07")


class Cli:
    """`pressdiff ARGS` in its own session, stderr on a terminal, read as it comes."""

    def __init__(self, args: list[str]) -> None:
        master, slave = pty.openpty()
        env = {k: v for k, v in os.environ.items() if k not in ("PREFECT_API_URL", "PREFECT_HOME")}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "pressdiff.cli", *args],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=slave,
            cwd=ROOT,
            env={**env, "COLUMNS": "120", "TERM": "xterm"},
            start_new_session=True,  # its own process group: what a terminal's Ctrl-C reaches
        )
        os.close(slave)
        self.raw = b""
        self.reader = threading.Thread(target=self._read, args=(master,), daemon=True)
        self.reader.start()

    def _read(self, fd: int) -> None:
        while True:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            self.raw += chunk
        os.close(fd)

    def text(self) -> str:
        return ANSI.sub("", self.raw.decode("utf-8", "replace"))

    def wait_for_stored(self, timeout: float = 900) -> None:
        """Until the progress shows a stored batch and extraction of the next going on."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, self.text()
            text = self.text()
            if re.search(r"storing\b[^\n\r]*?\b[1-9]\d*/", text) and "extracting" in text:
                return
            time.sleep(0.2)
        raise AssertionError(f"no batch stored within {timeout} s:\n{self.text()}")

    def finish(self, timeout: float = 120) -> tuple[int, float, str]:
        """(exit code, seconds it took, stderr lines that are not the progress bar)."""
        t = time.monotonic()
        self.proc.wait(timeout)
        took = time.monotonic() - t
        self.reader.join(10)
        lines = [line.strip() for line in re.split(r"[\r\n]+", self.text())]
        return self.proc.returncode, took, [line for line in lines if line and not _bar(line)]


def _bar(line: str) -> bool:
    """A line of the progress display: a stage's label, then its bar, count and times."""
    shape = r"\s+[━╸╺╾╼ ]*[\d,]+(/[\d,]+)?\s"
    from pressdiff.commands.runs import STAGES

    return any(re.match(f"^{label}{shape}", line) for label in STAGES.values())


def start_ingest(db, **env: str) -> subprocess.Popen:
    """`pressdiff ingest examples/articles --db DB` as a background process with its own
    Prefect server (no PREFECT_API_URL/PREFECT_HOME of this session), `env` added."""
    clean = {k: v for k, v in os.environ.items() if k not in ("PREFECT_API_URL", "PREFECT_HOME")}
    examples = str(ROOT / "examples" / "articles")
    return subprocess.Popen(
        [sys.executable, "-m", "pressdiff.cli", "ingest", examples, "--db", str(db)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={**clean, **env},
    )
