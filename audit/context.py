"""Who did something from where: what a service needs of a request to write its audit
record, without the request itself (services are also called by tasks and commands)."""
import ipaddress
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest


@lru_cache(maxsize=8)
def _trusted_networks(entries: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def _parse_ip(value: str) -> str | None:
    """The address in its plain form (an IPv4 address written as IPv6, ::ffff:10.0.0.2, is
    10.0.0.2), or None when it is not an address."""
    try:
        address = ipaddress.ip_address(value.strip())
    except ValueError:
        return None
    mapped = getattr(address, "ipv4_mapped", None)
    return str(mapped or address)


def client_address(request: HttpRequest | None) -> str | None:
    """The address of the client that sent `request`: REMOTE_ADDR, unless it is one of the
    proxies in settings.TRUSTED_PROXIES (addresses or networks), in which case the
    X-Forwarded-For entries are read from the right, skipping trusted proxies, and the
    first untrusted one is the client. A header sent by anybody else is ignored: otherwise
    any client could pick a new address for every request and escape every limit."""
    if request is None:
        return None
    remote = _parse_ip(request.META.get("REMOTE_ADDR") or "")
    if remote is None:
        return None
    trusted = _trusted_networks(tuple(getattr(settings, "TRUSTED_PROXIES", ()) or ()))
    if not trusted:
        return remote

    def is_trusted(address: str) -> bool:
        ip = ipaddress.ip_address(address)
        return any(ip in network for network in trusted)

    if not is_trusted(remote):
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")[:2000]
    hops = [hop for hop in forwarded.split(",") if hop.strip()]
    client = remote
    for hop in reversed(hops):
        address = _parse_ip(hop)
        if address is None:
            break  # a garbled entry: trust nothing beyond it
        client = address
        if not is_trusted(address):
            break
    return client


def request_channel(request: HttpRequest | None) -> str:
    if request is None:
        return "internal"
    return "api" if request.path.startswith("/api/") else "web"


@dataclass(frozen=True)
class AuditContext:
    """The address and channel (web, api, admin, internal) of an action."""

    ip_address: str | None = None
    channel: str = "internal"

    @classmethod
    def from_request(cls, request: HttpRequest | None) -> "AuditContext":
        if request is None:
            return cls()
        channel = request_channel(request)
        if request.path.startswith("/admin/"):
            channel = "admin"
        return cls(ip_address=client_address(request), channel=channel)


INTERNAL = AuditContext()
