"""The address a request really came from, read through the reverse proxies kb is told to trust."""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from litestar.connection import ASGIConnection

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(p, strict=False) for p in proxies)


def _trusted(address: str, networks: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in networks)


def real_address(peer: str, forwarded_for: list[str], proxies: tuple[str, ...]) -> str:
    """The client's address: the peer, unless it is a trusted proxy.

    Behind trusted proxies, X-Forwarded-For is read from the right (each proxy appends the address it
    saw) and the first address no trusted proxy owns is the client; entries further left were written
    by the client itself and prove nothing.
    """
    networks = _networks(proxies)
    if not networks or not _trusted(peer, networks):
        return peer
    hops = [h.strip() for header in forwarded_for for h in header.split(",") if h.strip()]
    address = peer
    for hop in reversed(hops):
        address = hop
        if not _trusted(hop, networks):
            break
    return address[:64]


def client_address(connection: ASGIConnection) -> str:
    settings = connection.app.state.settings
    peer = connection.client.host if connection.client else "unknown"
    return real_address(peer, connection.headers.getall("x-forwarded-for", []), settings.trusted_proxies)
