"""Extraction on a Dask cluster (`--dask`, tasks/steps/cluster.py): a real cluster on loopback
(`dask scheduler` and two `dask worker` processes started here, stopped and reaped after)
makes the warehouse a local run makes from the same inputs, through the real command line;
a scheduler that does not answer is one line and exit 2; without `--dask`, nothing of dask
is even imported."""

from __future__ import annotations

import contextlib
import gzip
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench import crash_runs
from tests.helpers import ROOT, Cli, cli, corpus, feed, query
from tests.httpserver import LocalServer, Response, make_server

pytestmark = [pytest.mark.corpus, pytest.mark.slow]

DASK = Path(sys.executable).with_name("dask")


class Cluster:
    """A scheduler and two one-thread workers, each a process group of its own."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.scheduler_file = folder / "scheduler.json"
        self.procs: list[subprocess.Popen] = []

    def start(self, name: str, *args: str) -> None:
        log = (self.folder / f"{name}.log").open("wb")
        self.procs.append(
            subprocess.Popen(
                [str(DASK), *args, "--scheduler-file", str(self.scheduler_file)],
                cwd=self.folder,
                env={**os.environ, "PYTHONPATH": str(ROOT)},  # workers import tasks/
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        )

    @property
    def address(self) -> str:
        return json.loads(self.scheduler_file.read_text())["address"]

    def executed(self) -> dict[str, int]:
        """Tasks each worker has run so far."""
        from distributed import Client

        with Client(scheduler_file=str(self.scheduler_file), timeout=30) as client:
            return client.run(lambda dask_worker: dask_worker.state.executed_count)

    def logs(self) -> str:
        return "\n".join(
            f"--- {p.name}\n{p.read_text(errors='replace')[-3000:]}"
            for p in sorted(self.folder.glob("*.log"))
        )

    def stop(self) -> None:
        """SIGTERM every group (workers first), then SIGKILL what is left; reap them all."""
        for proc in reversed(self.procs):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in reversed(self.procs):
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(30)
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)  # a nanny's worker, if it outlived it
            proc.wait()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    """A local Dask cluster on 127.0.0.1; the tests are skipped, with the reason, where
    `distributed` cannot start one."""
    distributed = pytest.importorskip("distributed", reason="distributed is not installed")
    c = Cluster(tmp_path_factory.mktemp("dask"))
    common = ["--no-dashboard"]
    try:
        c.start("scheduler", "scheduler", "--host", "127.0.0.1", "--port", "0", *common)
        deadline = time.monotonic() + 120
        while not c.scheduler_file.exists():
            if c.procs[0].poll() is not None or time.monotonic() > deadline:
                pytest.skip(f"distributed could not start a local scheduler:\n{c.logs()}")
            time.sleep(0.2)
        for k in (1, 2):
            c.start(
                f"worker-{k}",
                "worker",
                "--nworkers",
                "1",
                "--nthreads",
                "1",
                "--host",
                "127.0.0.1",
                "--preload",
                "tasks.steps.prewarm",  # the extractor warm before the first task (README)
                *common,
            )
        with distributed.Client(scheduler_file=str(c.scheduler_file), timeout=60) as client:
            try:
                client.wait_for_workers(2, timeout=180)
            except TimeoutError:
                pytest.skip(f"distributed could not start two local workers:\n{c.logs()}")
        yield c
    finally:
        c.stop()


@pytest.fixture(scope="module")
def site() -> Iterator[LocalServer]:
    """Four real news pages and a feed of them on loopback: pages the flow fetches itself and
    the cluster extracts."""
    pages = sorted(corpus("fundus-news").rglob("*.html.gz"))[-4:]
    routes = {
        f"/news/{k}": Response(body=gzip.decompress(p.read_bytes())) for k, p in enumerate(pages)
    }
    with make_server(routes) as server:
        server.set(
            "/feed.xml",
            Response(body=feed(server.base_url, *routes), content_type="application/rss+xml"),
        )
        yield server


def ingest(db: Path, sources: list[str], *extra: str) -> subprocess.CompletedProcess:
    return cli("ingest", "--db", str(db), "--batch-size", "6", "--allow-private", *extra, *sources)


def test_a_run_on_the_cluster_makes_the_warehouse_a_local_run_makes(cluster, site, tmp_path):
    # 30 inputs (three wire texts in two dated versions each, the seed pair, 22 fundus pages)
    # and the 4 pages of a feed: batches of 6, so both workers get several task runs
    files = crash_runs.pages(tmp_path / "revisions", n_news=22, corpora=corpus("seeds").parent)
    sources = [*files, site.url("/feed.xml")]
    before = cluster.executed()

    local = ingest(tmp_path / "local.duckdb", sources, "--workers", "1")
    on_cluster = ingest(tmp_path / "dask.duckdb", sources, "--dask", cluster.address)

    assert (local.returncode, on_cluster.returncode) == (0, 0), local.stderr + on_cluster.stderr
    assert on_cluster.stdout == local.stdout  # the same summary line
    assert on_cluster.stderr == local.stderr  # and no word from dask
    ran = {w: n - before.get(w, 0) for w, n in cluster.executed().items()}
    assert len(ran) == 2 and min(ran.values()) >= 1, ran  # both workers extracted batches
    assert sum(ran.values()) >= 6, ran  # 34 inputs in batches of 6
    a = crash_runs.describe(tmp_path / "local.duckdb")
    b = crash_runs.describe(tmp_path / "dask.duckdb")
    assert a["counts"]["versions"] == 34
    assert a["counts"]["comparisons"] >= 4 and a["counts"]["stories"] >= 1
    assert a["counts"]["fetches"] == b["counts"]["fetches"] >= 5  # the feed and its pages
    assert b["counts"] == a["counts"]
    assert b["content"] == a["content"]  # versions, text hashes, sentences, comparisons, stories
    assert b["rejects"] == a["rejects"]
    assert set(b["duplicates"].values()) == {0} and set(b["audits"].values()) == {0}


def test_a_scheduled_tick_extracts_on_the_cluster_named_by_the_environment(cluster, site, tmp_path):
    db = str(tmp_path / "tick.duckdb")
    assert cli("watch", "add", site.url("/feed.xml"), "--db", db).returncode == 0
    before = sum(cluster.executed().values())
    env = {**os.environ, "PRESSDIFF_DB": "", "PRESSDIFF_DASK_ADDRESS": cluster.address}
    tick = subprocess.run(
        [sys.executable, "-m", "pressdiff.cli", "run", "--allow-private", "--db", db],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
        env=env,
    )
    assert tick.returncode == 0, tick.stderr
    assert "4 articles new, 4 versions new" in tick.stdout
    assert sum(cluster.executed().values()) > before


def test_ctrl_c_stores_what_came_back_and_a_rerun_finishes_the_rest(cluster, tmp_path):
    db = tmp_path / "w.duckdb"
    pages = str(corpus("trafilatura-eval", "eval") / "[0-9a]*.html.gz")  # 94 real pages
    args = ["ingest", pages, "--db", str(db), "--batch-size", "5", "--dask", cluster.address]
    run = Cli(args)
    run.wait_for_stored()
    os.killpg(run.proc.pid, signal.SIGINT)  # Ctrl-C: the terminal signals the group
    exit_code, _, lines = run.finish()  # batches in flight are cancelled, not waited for
    assert exit_code == 130, lines
    assert lines == [  # the progress bar aside
        "interrupted: storing what is already extracted, then stopping (Ctrl-C quits at once)"
    ]
    assert "Traceback" not in run.text(), run.text()
    [(status, stored)] = query(db, "select status, n_versions_new from runs")
    assert status == "interrupted" and stored > 0
    exit_code, _, lines = Cli(args).finish(timeout=900)
    assert exit_code in (0, 1), lines
    [(first, second, unchanged)] = query(
        db,
        "select first(n_versions_new order by started_at), last(n_versions_new order by "
        "started_at), last(n_unchanged order by started_at) from runs",
    )
    assert unchanged >= stored  # the first run's pages are sightings now
    assert query(db, "select count(*) from versions") == [(first + second,)]
    assert query(db, "select count(url) - count(distinct url) from articles") == [(0,)]
    assert query(db, "select count(*) - count(distinct (article_id, text_hash)) from versions") == [
        (0,)
    ]


@pytest.mark.parametrize(
    ("address", "message"),
    [
        (
            "tcp://127.0.0.1:{port}",
            "error: cannot reach the Dask scheduler at tcp://127.0.0.1:{port}",
        ),
        ("tcp://127.0.0.1", "error: 'tcp://127.0.0.1' is not a Dask scheduler address"),
    ],
)
def test_a_scheduler_that_is_not_there_is_one_line_and_exit_2(seeds, tmp_path, address, message):
    import socket

    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    db = tmp_path / "w.duckdb"
    result = cli("ingest", "--dask", address.format(port=port), "--db", str(db), str(seeds))
    assert result.returncode == 2
    assert result.stderr.startswith(message.format(port=port))
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert not db.exists()  # found before anything started


def test_without_dask_nothing_of_it_is_imported(seeds, tmp_path):
    script = (
        "import sys; from pressdiff.cli import main; "
        f"code = main(['ingest', '--db', {str(tmp_path / 'w.duckdb')!r}, {str(seeds)!r}]); "
        "print(code, sorted({m.split('.')[0] for m in sys.modules} "
        "& {'dask', 'distributed', 'prefect_dask'}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
        env={**os.environ, "PRESSDIFF_DB": "", "PRESSDIFF_DASK_ADDRESS": ""},
    )
    assert result.stdout.splitlines()[-1] == "0 []", result.stdout + result.stderr


def test_the_address_comes_from_the_environment_and_must_name_a_port(monkeypatch):
    from flows.settings import Settings, get_settings
    from pressdiff.errors import UsageError

    monkeypatch.setenv("PRESSDIFF_DASK_ADDRESS", "tcp://10.0.0.5:8786")
    assert Settings().dask_address == "tcp://10.0.0.5:8786"
    assert Settings(dask_address="").dask_address is None  # empty: extract here
    assert Settings(dask_address="[::1]:8786").dask_address == "[::1]:8786"
    monkeypatch.setenv("PRESSDIFF_DASK_ADDRESS", "tcp://10.0.0.5")
    with pytest.raises(UsageError, match=r"^setting dask_address \(PRESSDIFF_DASK_ADDRESS\): "):
        get_settings()
