"""Rate limits: the one mechanism behind the API's throttles (vssid_portal.throttling), the
BHXH-code look-up's limit (LookupRateThrottle, shared by the page and the API) and the
web pages' limits (declarations.limits).

A fixed window per key (scope and identity): the first use opens a window as long as the
rate's period ("30/hour": an hour), each use adds one to an integer counter in the shared
cache that expires with the window, and once the counter passes the rate's count every
use is refused until the window closes; Retry-After is the time left in it. A use costs
one round trip to Redis (vssid_portal.cache.FallbackRedisCache.window_incr) whatever the
client's traffic. DRF's SimpleRateThrottle, used before, kept the time of every request
of the window in one cache entry, read and rewritten whole on each request: its cost grew
with the traffic (up to 2,000 pickled floats per request at the "user" rate, without
bound at raised rates), and two requests at once could each write back a list
without the other's entry.

What a fixed window changes: at most the count per window, but up to twice the count
across the end of one window and the start of the next (DRF's log: the count in any
period). What is kept: the rate strings, the scopes, the identity (client_address), the
Retry-After header and messages, and a cache that fails lets the use through (logged):
a limit must not turn an outage of the cache into an outage of the portal (while Redis is
down FallbackRedisCache counts in each process's memory instead).
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from django.core.cache import cache
from django.http import HttpRequest
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from audit.context import client_address

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RateDecision:
    allowed: bool
    # Uses counted in the window so far, this one included (0: the cache failed).
    count: int
    # When refused: seconds until the window closes.
    retry_after: float | None = None


def parse_rate(rate: str | None) -> tuple[int | None, int | None]:
    """"30/hour" -> (30, 3600); DRF's format and parser, so every limit reads rates alike."""
    return SimpleRateThrottle.parse_rate(None, rate)


def _opened_key(key: str) -> str:
    return f"{key}:opened"


def _window_incr(key: str, seconds: int) -> tuple[int, float | None]:
    """One more use counted on `key`: (uses in the window, seconds left in it or None when
    not known without asking the cache again)."""
    counted = getattr(cache, "window_incr", None)
    if counted is not None:
        result = counted(key, seconds)
        if result is not None:
            return result
    # Any other cache (local memory in development and tests), or Redis down (these calls
    # go to the per-process fallback): add + incr, and the window's opening time beside it
    # for Retry-After.
    if cache.add(key, 0, seconds):
        cache.set(_opened_key(key), time.time(), seconds)
    try:
        return cache.incr(key), None
    except ValueError:  # the window closed between add and incr: this use opens the next
        cache.set(key, 1, seconds)
        cache.set(_opened_key(key), time.time(), seconds)
        return 1, None


def _seconds_left(key: str, seconds: int) -> float:
    try:
        opened = cache.get(_opened_key(key))
    except Exception:
        opened = None
    if not isinstance(opened, int | float):
        return float(seconds)
    return min(float(seconds), opened + seconds - time.time())


def rate_limit_hit(key: str, *, count: int, seconds: int) -> RateDecision:
    """Count one use on `key` (a window of `seconds`); refused past `count` uses."""
    try:
        used, left = _window_incr(key, seconds)
    except Exception:  # the cache failed (connection refused, timeout …)
        logger.warning("Rate limit not applied (cache error)", exc_info=True)
        return RateDecision(allowed=True, count=0)
    if used <= count:
        return RateDecision(allowed=True, count=used)
    if left is None:
        left = _seconds_left(key, seconds)
    return RateDecision(allowed=False, count=used, retry_after=max(left, 1.0))


def rate_limit_used(key: str) -> int:
    """Uses counted on `key` in its current window, without counting one (0 when the cache
    fails)."""
    try:
        used = cache.get(key)
    except Exception:
        logger.warning("Rate limit not read (cache error)", exc_info=True)
        return 0
    return used if isinstance(used, int) else 0


class CountingRateThrottle(SimpleRateThrottle):
    """DRF's SimpleRateThrottle (rates, scopes, cache keys by its subclasses) counting in a
    fixed window (module docstring), per client as audit.context.client_address sees it:
    a forged X-Forwarded-For is no new client."""

    # Not DRF's "throttle_<scope>_<ident>": those entries hold DRF's lists.
    cache_format = "throttle:%(scope)s:%(ident)s"
    _retry_after: float | None = None

    def get_ident(self, request: HttpRequest) -> str:
        return client_address(request) or "unknown"

    def allow_request(self, request, view) -> bool:
        if self.rate is None:
            return True
        key = self.get_cache_key(request, view)
        if key is None:
            return True
        decision = rate_limit_hit(key, count=self.num_requests, seconds=self.duration)
        self._retry_after = decision.retry_after
        return decision.allowed

    def wait(self) -> float | None:
        return self._retry_after


class LookupRateThrottle(CountingRateThrottle):
    """Scope "lookup" (REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["lookup"]), counted per
    client IP whether or not the caller is logged in: the BHXH-code look-up page and API,
    registration step 1 and the registration APIs share it (declarations.limits)."""

    scope = "lookup"

    def get_rate(self) -> str | None:
        # Read at call time (DRF binds the rates at import), so settings overrides apply.
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_cache_key(self, request: HttpRequest, view: object) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
