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


# The most X-Forwarded-For entries ever read, from the right: enough for any chain of our
# proxies; a client's long header cannot push the proxies' own entries out of reach.
MAX_FORWARDED_HOPS = 16


def _forwarded_hops(request: HttpRequest) -> list[str]:
    """The rightmost X-Forwarded-For entries (appended last by our proxies), in order."""
    header = request.META.get("HTTP_X_FORWARDED_FOR", "")
    return [hop for hop in header.rsplit(",", MAX_FORWARDED_HOPS)[-MAX_FORWARDED_HOPS:]
            if hop.strip()]


def _parse_ip(value: str) -> str | None:
    """The address in its plain form (an IPv4 address written as IPv6, ::ffff:10.0.0.2, is
    10.0.0.2), or None when it is not an address (an IPv6 address with a zone,
    fe80::1%eth0, is not one a client on the Internet can have)."""
    value = value.strip()
    if "%" in value or len(value) > 45:
        return None
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    mapped = getattr(address, "ipv4_mapped", None)
    return str(mapped or address)


def _counted_hop(request: HttpRequest, remote: str, proxies: int) -> str:
    """With settings.NUM_PROXIES = n (and no TRUSTED_PROXIES): the n-th X-Forwarded-For
    entry from the right is the one our first proxy appended, the client. n = 0 (the
    default): the header is ignored."""
    if proxies <= 0:
        return remote
    hops = _forwarded_hops(request)
    if not hops:
        return remote
    return _parse_ip(hops[max(len(hops) - proxies, 0)]) or remote


def client_address(request: HttpRequest | None) -> str | None:
    """The address of the client that sent `request`: REMOTE_ADDR, unless forwarded
    headers are to be believed: from the proxies in settings.TRUSTED_PROXIES (addresses
    or networks) the X-Forwarded-For entries are read from the right, skipping trusted
    proxies, and the first untrusted one is the client; or, with settings.NUM_PROXIES = n,
    the n-th entry from the right. With neither (the default) a header is ignored:
    otherwise any client could pick a new address for every request and escape every
    limit. Every limit, the audit trail and the login counters ask this function."""
    if request is None:
        return None
    trusted = _trusted_networks(tuple(getattr(settings, "TRUSTED_PROXIES", ()) or ()))
    proxies = int(getattr(settings, "NUM_PROXIES", 0) or 0)
    remote = _parse_ip(request.META.get("REMOTE_ADDR") or "")
    if remote is None:
        # gunicorn on a unix socket sets no REMOTE_ADDR: behind configured proxies the
        # forwarded address is the client's, otherwise there is no address at all.
        if not (trusted or proxies):
            return None
        hops = _forwarded_hops(request)
        return _parse_ip(hops[max(len(hops) - max(proxies, 1), 0)]) if hops else None
    if not trusted:
        return _counted_hop(request, remote, proxies)

    def is_trusted(address: str) -> bool:
        ip = ipaddress.ip_address(address)
        return any(ip in network for network in trusted)

    if not is_trusted(remote):
        return remote
    hops = _forwarded_hops(request)
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
