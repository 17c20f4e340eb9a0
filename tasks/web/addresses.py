"""Which addresses pressdiff may connect to, and a transport that connects only to those.

By default loopback, private, link-local, multicast, reserved and other non-public
addresses are refused. `checked_addresses(host, port)` resolves a host once and refuses it
when any of its addresses is refused. `pinned_transport()` is an httpx transport whose every
new connection does exactly that and then connects to the address it checked, so a name
that resolves to a public address when it is checked and to 127.0.0.1 a moment later (DNS
rebinding) never reaches loopback. The Host header, TLS SNI and the certificate check stay
on the name: only the TCP connection is made to the checked address. Each redirect hop to
a new origin is a new connection, checked the same way.

A refusal is a `BlockedURLError`; it passes through httpx unchanged.
"""

from __future__ import annotations

import asyncio
import functools
import ipaddress
import socket
import ssl
from collections.abc import Iterable
from typing import Any

import httpcore
import httpx

from pressdiff.errors import BlockedURLError

_ADDRESS_KINDS = (
    ("loopback", "is_loopback"),
    ("unspecified", "is_unspecified"),
    ("link-local", "is_link_local"),
    ("multicast", "is_multicast"),
    ("private", "is_private"),
    ("reserved", "is_reserved"),
)
# Refused whatever this Python's ipaddress says (3.11 calls them global): 6to4 wraps an IPv4
# address, 2002:7f00:1:: is 127.0.0.1 to a host with a 6to4 route, and the range is
# deprecated (RFC 7526); 3fff::/20 is for documentation (RFC 9637).
_IPV6_KINDS = (
    ("6to4", ipaddress.IPv6Network("2002::/16")),
    ("documentation", ipaddress.IPv6Network("3fff::/20")),
)


def address_refusal(address: str) -> str | None:
    """Why `address` (an IP literal) may not be fetched by default, or None if it may."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    if isinstance(ip, ipaddress.IPv6Address):
        for kind, network in _IPV6_KINDS:
            if ip in network:
                return f"blocked: {kind} address {ip}"
    for kind, attribute in _ADDRESS_KINDS:
        if getattr(ip, attribute):
            return f"blocked: {kind} address {ip}"
    return None if ip.is_global else f"blocked: non-public address {ip}"


def _literal(host: str) -> str | None:
    """`host` as an IP literal, or None when it is a name."""
    try:
        ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return None
    return host


async def checked_addresses(host: str, port: int) -> list[str]:
    """The addresses `host` resolves to, each one allowed; BlockedURLError otherwise."""
    addresses = [literal] if (literal := _literal(host)) else await _resolve(host, port)
    for address in addresses:
        refusal = address_refusal(address)
        if refusal:
            raise BlockedURLError(refusal)
    return addresses


async def _resolve(host: str, port: int) -> list[str]:
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise BlockedURLError(f"cannot resolve host {host}: {exc}") from None
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    if not addresses:
        raise BlockedURLError(f"cannot resolve host {host}: no addresses")
    return addresses


class _CheckedBackend(httpcore.AsyncNetworkBackend):
    """httpcore's network backend, connecting only to addresses `checked_addresses` allows."""

    def __init__(self) -> None:
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        failure: Exception | None = None
        for address in await checked_addresses(host, port):
            try:
                return await self._inner.connect_tcp(
                    address, port, timeout, local_address, socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc  # try the next checked address, as a resolver would
        assert failure is not None
        raise failure

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Any = None
    ) -> httpcore.AsyncNetworkStream:
        raise BlockedURLError("blocked: unix sockets are never fetched")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


@functools.cache
def ssl_context(trust_env: bool = False) -> ssl.SSLContext:
    """The TLS settings every client shares (loading the CA bundle takes a tenth of a second)."""
    return httpx.create_ssl_context(trust_env=trust_env)


class PinnedTransport(httpx.AsyncHTTPTransport):
    """httpx's transport over `_CheckedBackend`: each connection goes to a checked address."""

    def __init__(self, limits: httpx.Limits, trust_env: bool = False) -> None:
        super().__init__(verify=ssl_context(trust_env), limits=limits, trust_env=trust_env)
        # httpx 0.28 takes no network backend; its pool is rebuilt with ours (same settings)
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=ssl_context(trust_env),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=_CheckedBackend(),
        )
