"""A Dask scheduler's address (`--dask`, $PRESSDIFF_DASK_ADDRESS): its form, and whether it
answers. Imports nothing heavy: the command line checks it before Prefect or dask load."""

from __future__ import annotations

import re
import socket

from pressdiff.errors import SetupError, UsageError

# tcp://host:port, tls://host:port, or host:port (Dask's default protocol is tcp).
ADDRESS = re.compile(r"(?:(?:tcp|tls)://)?(?P<host>\[[0-9A-Fa-f:.]+\]|[^\s/:\[\]@]+):(?P<port>\d+)")


def host_and_port(address: str) -> tuple[str, int]:
    """The host and port of a scheduler address, or a usage error that shows the form."""
    match = ADDRESS.fullmatch(address.strip())
    if match is None or not 0 < int(match["port"]) < 65536:
        raise UsageError(f"{address!r} is not a Dask scheduler address such as tcp://10.0.0.5:8786")
    return match["host"].strip("[]"), int(match["port"])


def check_reachable(address: str, timeout: float = 5.0) -> None:
    """Connect to the scheduler's port once, or raise a SetupError saying why not (before
    anything starts: Dask itself would retry for 30 s, then fail inside the flow)."""
    host, port = host_and_port(address)
    try:
        socket.create_connection((host, port), timeout=timeout).close()
    except OSError as exc:
        reason = "timed out" if isinstance(exc, TimeoutError) else exc.strerror or str(exc)
        raise SetupError(
            f"cannot reach the Dask scheduler at {address} ({reason}): start it with "
            "`dask scheduler`, or check --dask / PRESSDIFF_DASK_ADDRESS"
        ) from exc
