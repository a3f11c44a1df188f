"""The client's address, in one place: rate limits, login lockout and the access log use it.

Only when the request comes from a trusted reverse proxy (``GBVMS_TRUSTED_PROXIES``) is
``X-Forwarded-For`` read at all, and then from the right: each trusted proxy appends the address
it received the request from, so the right-most address that is not itself a trusted proxy is
the client. Whatever the client wrote into the header lies further left and is never reached.
A forged header from anywhere else is ignored.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

# A longer header is a forgery or a loop; only its right-most hops can matter.
MAX_HOPS = 20


def parse_network(entry: str) -> Network:
    """One ``GBVMS_TRUSTED_PROXIES`` entry (an address or a CIDR); ValueError when malformed."""
    return ipaddress.ip_network(entry.strip(), strict=True)


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(parse_network(e) for e in entries)


def trusted_networks() -> tuple[Network, ...]:
    return _networks(tuple(settings.TRUSTED_PROXIES))


def parse_address(value: str) -> IPAddress | None:
    """An address as a proxy may write it (``1.2.3.4``, ``1.2.3.4:80``, ``[::1]:80``, an
    IPv4-mapped IPv6 address); None for anything else (``unknown``, garbage)."""
    text = value.strip()
    if text.startswith("[") and "]" in text:
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def is_trusted(address: IPAddress, networks: tuple[Network, ...]) -> bool:
    return any(address.version == n.version and address in n for n in networks)


def _from_forwarded(header: str, proxy: IPAddress, networks: tuple[Network, ...]) -> IPAddress:
    """Walk X-Forwarded-For from the right past trusted proxies. An unreadable entry ends the
    walk: the last address known for sure (a trusted hop) is the answer."""
    known = proxy
    for entry in reversed(header.split(",")[-MAX_HOPS:]):
        address = parse_address(entry)
        if address is None:
            break
        if not is_trusted(address, networks):
            return address
        known = address
    return known


def client_ip(request: HttpRequest) -> str:
    """The client's address as text ("" when even REMOTE_ADDR is not an address)."""
    remote = parse_address(request.META.get("REMOTE_ADDR", "") or "")
    if remote is None:
        return ""
    networks = trusted_networks()
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded and is_trusted(remote, networks):
        return str(_from_forwarded(forwarded, remote, networks))
    return str(remote)
