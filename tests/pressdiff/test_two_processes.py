"""Two commands on one warehouse: the second says which process holds it, in one line, and
the first finishes undisturbed. Through the real CLI, as subprocesses."""

from __future__ import annotations

import re
import time

from tests.helpers import duckdb_file_only, start_ingest


@duckdb_file_only  # two ingests into one lake both run (tests/warehouse/test_lake.py)
def test_a_second_ingest_while_the_first_starts_up_is_one_line_and_no_traceback(tmp_path):
    db = tmp_path / "w.duckdb"
    first = start_ingest(db)
    deadline = time.monotonic() + 300
    while not db.exists():  # the first has opened the warehouse; Prefect is starting
        assert first.poll() is None and time.monotonic() < deadline, first.communicate()
        time.sleep(0.05)
    second = start_ingest(db)
    out2, err2 = second.communicate(timeout=300)
    _, err1 = first.communicate(timeout=600)
    assert first.returncode == 0, err1
    assert "Traceback" not in err1 + err2
    assert second.returncode == 2, (out2, err2)
    [line] = err2.splitlines()
    assert re.fullmatch(
        rf"error: the warehouse {re.escape(str(db))} is in use by process {first.pid} \(.*\); "
        "wait for it to finish or stop it, then try again",
        line,
    )
