"""pressdiff.prefect_server: a real process on a free loopback port, waited for through
its /health answer and stopped with its process group (a stand-in for Prefect's server)."""

from __future__ import annotations

import sys

import pytest

from pressdiff import prefect_server
from pressdiff.errors import SetupError

# Answers GET /api/health with 200 on the port given as its argument, after printing a line.
FAKE_API = """
import http.server, sys
class Health(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200 if self.path == "/api/health" else 404)
        self.end_headers()
    def log_message(self, *args):
        pass
print("serving", flush=True)
http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), Health).serve_forever()
"""


def start(tmp_path, script: str) -> prefect_server.LocalServer:
    port = prefect_server.free_port()
    command = [sys.executable, "-c", script, str(port)]
    return prefect_server.start(command, port, {}, tmp_path / "logs" / "server.log")


def test_a_server_that_answers_is_healthy_until_stopped(tmp_path) -> None:
    server = start(tmp_path, FAKE_API)
    try:
        server.wait_healthy(timeout=60)
        assert prefect_server.healthy(server.api)
        assert server.api.startswith("http://127.0.0.1:") and server.api.endswith("/api")
    finally:
        server.stop(forget_log=True)
    assert server.proc.returncode is not None
    assert not prefect_server.healthy(server.api)
    assert not server.log.exists()  # it was serving: nothing to report


def test_a_server_that_dies_is_reported_with_its_logs_last_line(tmp_path) -> None:
    server = start(
        tmp_path, "import sys; print('early line', flush=True); sys.exit('address in use')"
    )
    with pytest.raises(SetupError) as failed:
        server.wait_healthy(timeout=60)
    assert str(failed.value) == (
        f"Prefect's local server did not start ({server.log}): address in use"
    )
    server.stop(forget_log=True)  # already gone: the log stays for the person to read
    assert server.log.exists()


def test_a_server_that_never_answers_is_stopped_at_the_timeout(tmp_path) -> None:
    server = start(tmp_path, "import time; time.sleep(600)")
    with pytest.raises(SetupError, match=r"did not answer within 0 s \("):
        server.wait_healthy(timeout=0.3)
    assert server.proc.poll() is not None  # stopped, not left behind
    assert server.log.exists()


def test_nothing_answers_on_a_free_port() -> None:
    assert not prefect_server.healthy(prefect_server.api_url(prefect_server.free_port()))
