"""Which addresses may be fetched: loopback, private, link-local and the like are refused."""

from __future__ import annotations

import pytest

from tasks.web.addresses import address_refusal


@pytest.mark.parametrize(
    ("address", "refusal"),
    [
        ("127.0.0.1", "blocked: loopback address 127.0.0.1"),
        ("::1", "blocked: loopback address ::1"),
        ("::ffff:127.0.0.1", "blocked: loopback address 127.0.0.1"),
        ("0.0.0.0", "blocked: unspecified address 0.0.0.0"),
        ("10.0.0.8", "blocked: private address 10.0.0.8"),
        ("192.168.1.20", "blocked: private address 192.168.1.20"),
        ("169.254.169.254", "blocked: link-local address 169.254.169.254"),
        ("fe80::1%eth0", "blocked: link-local address fe80::1"),
        ("224.0.0.251", "blocked: multicast address 224.0.0.251"),
        ("100.64.0.1", "blocked: non-public address 100.64.0.1"),
        ("2002:7f00:1::", "blocked: 6to4 address 2002:7f00:1::"),
        ("2002:5db8:d70e::1", "blocked: 6to4 address 2002:5db8:d70e::1"),
        ("3fff::1", "blocked: documentation address 3fff::1"),
        ("93.184.215.14", None),
        ("2606:4700::1111", None),
    ],
)
def test_address_refusal(address: str, refusal: str | None) -> None:
    assert address_refusal(address) == refusal
