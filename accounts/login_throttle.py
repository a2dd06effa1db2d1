"""Failed log-ins, counted per login name and per client address in the cache: after too
many, log-ins are refused for a while, even with the right password (password guessing
against BHXH codes, which are not secret). Keys are hashed: no BHXH code in the cache."""
import hashlib

from django.conf import settings
from django.core.cache import cache

WINDOW_SECONDS = 15 * 60


def _limits() -> tuple[int, int]:
    return (
        getattr(settings, "LOGIN_FAILURES_PER_NAME", 10),
        getattr(settings, "LOGIN_FAILURES_PER_ADDRESS", 50),
    )


def _key(kind: str, value: str) -> str:
    digest = hashlib.sha256(f"{kind}:{value}".encode()).hexdigest()[:32]
    return f"login-failures:{kind}:{digest}"


def login_blocked(*, username: str, address: str | None) -> bool:
    per_name, per_address = _limits()
    if cache.get(_key("name", username.lower()), 0) >= per_name:
        return True
    return bool(address) and cache.get(_key("address", address), 0) >= per_address


def _increment(key: str) -> None:
    cache.add(key, 0, timeout=WINDOW_SECONDS)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=WINDOW_SECONDS)


def login_failed(*, username: str, address: str | None) -> None:
    _increment(_key("name", username.lower()))
    if address:
        _increment(_key("address", address))


def login_succeeded(*, username: str) -> None:
    cache.delete(_key("name", username.lower()))


def login_failures_clear(*, username: str) -> None:
    """Staff unlocked the account (or its owner proved who they are): forget its failures."""
    cache.delete(_key("name", username.lower()))
