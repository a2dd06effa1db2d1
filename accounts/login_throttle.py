"""Failed log-ins, counted per login name and per client address in the cache.

Per login name: after the second failure each try must wait longer (1, 2, 4 … seconds),
and after LOGIN_FAILURES_PER_NAME failures the name is locked for LOGIN_LOCK_SECONDS; the
refusal says until when. The counters exist for any name typed, account or not, so the
answer never tells whether a BHXH code has an account.

Per client address: LOGIN_FAILURES_PER_ADDRESS failures in 15 minutes lock the address —
but mobile carriers put thousands of people behind one address, so a browser where the
account logged in before (a signed "known device" cookie, see accounts.devices) is let
through both locks. The owner can always get in anyway through the forgotten-password
flow, which clears the name's lock. Keys are hashed: no BHXH code in the cache. When the
cache is down, logins are not limited rather than refused (logged)."""
import datetime
import hashlib
import logging

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

logger = logging.getLogger(__name__)

ADDRESS_WINDOW_SECONDS = 15 * 60
KNOWN_DEVICE_FACTOR = 4


def _limits() -> tuple[int, int, int]:
    return (
        getattr(settings, "LOGIN_FAILURES_PER_NAME", 5),
        getattr(settings, "LOGIN_FAILURES_PER_ADDRESS", 100),
        getattr(settings, "LOGIN_LOCK_SECONDS", 15 * 60),
    )


def _key(kind: str, value: str) -> str:
    digest = hashlib.sha256(f"{kind}:{value}".encode()).hexdigest()[:32]
    return f"login-failures:{kind}:{digest}"


def _get(key: str, default):
    try:
        return cache.get(key, default)
    except Exception:  # the cache (Redis) is down: do not refuse the citizen for it
        logger.warning("Login limits unavailable (cache error)", exc_info=True)
        return default


def _name_state(username: str) -> dict:
    state = _get(_key("name", username.lower()), None)
    return state if isinstance(state, dict) else {"count": 0, "last": 0.0}


def name_blocked_until(*, username: str, known_device: bool = False
                       ) -> datetime.datetime | None:
    """Until when the login name is refused (growing delays, then the lock), or None. A
    known device is refused only past KNOWN_DEVICE_FACTOR times the limit: its owner is
    not kept out by strangers' failures, and it is no free pass for guessing either."""
    per_name, _per_address, lock_seconds = _limits()
    state = _name_state(username)
    count = state.get("count", 0)
    if known_device:
        if count < per_name * KNOWN_DEVICE_FACTOR:
            return None
        wait = lock_seconds
    elif count < 2:
        return None
    else:
        wait = lock_seconds if count >= per_name else min(2 ** (count - 2), lock_seconds)
    until = datetime.datetime.fromtimestamp(state.get("last", 0.0) + wait, tz=datetime.UTC)
    return until if until > timezone.now() else None


def address_blocked(*, address: str | None) -> bool:
    _per_name, per_address, _lock = _limits()
    return bool(address) and _get(_key("address", address), 0) >= per_address


def login_blocked(*, username: str, address: str | None) -> bool:
    return name_blocked_until(username=username) is not None or address_blocked(address=address)


def login_failed(*, username: str, address: str | None) -> None:
    _per_name, _per_address, lock_seconds = _limits()
    state = _name_state(username)
    state = {"count": state.get("count", 0) + 1, "last": timezone.now().timestamp()}
    try:
        cache.set(_key("name", username.lower()), state, timeout=lock_seconds + 3600)
        if address:
            key = _key("address", address)
            cache.add(key, 0, timeout=ADDRESS_WINDOW_SECONDS)
            try:
                cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.set(key, 1, timeout=ADDRESS_WINDOW_SECONDS)
    except Exception:
        logger.warning("Login failure not counted (cache error)", exc_info=True)


def login_succeeded(*, username: str) -> None:
    login_failures_clear(username=username)


def login_failures_clear(*, username: str) -> None:
    """The owner proved who they are (a good password, a password reset) or staff unlocked
    the account: forget the name's failures."""
    try:
        cache.delete(_key("name", username.lower()))
    except Exception:
        logger.warning("Login failures not cleared (cache error)", exc_info=True)
