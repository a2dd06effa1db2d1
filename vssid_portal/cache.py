"""The shared cache (Redis), with a per-process fallback while Redis cannot be reached.

Rate limits, login counters and the look-up counters live in the cache. With Redis down,
Django's RedisCache raises on every call, and every page that counts something answered
500 (an outside review stopped Redis under load: 18 of 18 registrations lost). This
backend answers from a local memory cache of the process instead, for a few seconds at a
time before Redis is tried again: limits keep working, per process (a limit per worker
process is looser than one per cluster, never "no limit"), and nothing is lost because
nothing that must last lives in the cache (sessions and drafts are in the database).

`redis_state()` says whether Redis itself answers, for /healthz."""
import logging
import threading
import time

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# After a failure, Redis is left alone this long (each try may cost the connect timeout).
RETRY_AFTER_SECONDS = 5.0
# A request must not hang on a Redis that does not answer: fail fast, fall back.
DEFAULT_OPTIONS = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}

_METHODS = (
    "add", "get", "set", "touch", "delete", "get_many", "has_key", "incr", "set_many",
    "delete_many", "clear",
)


# Counters of every client of a busy node while Redis is down: Django's default of 300
# entries would let 300 other clients' keys evict an attacker's spent budget.
FALLBACK_MAX_ENTRIES = 200_000


class _ClientPerPool(RedisCacheClient):
    """Django's client makes a new redis.Redis for every cache call: ~0.1 ms of CPU with
    redis-py 8, as much as the call itself. One per connection pool does
    (redis.Redis is thread-safe; each command takes a connection from the pool)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class _RedisDown:
    """Whether Redis is being left alone, shared by every thread of the process (Django
    makes one cache object per thread)."""

    until = 0.0
    lock = threading.Lock()


class FallbackRedisCache(RedisCache):
    def __init__(self, server, params):
        params = dict(params)
        params["OPTIONS"] = {**DEFAULT_OPTIONS, **params.get("OPTIONS", {})}
        super().__init__(server, params)
        self._class = _ClientPerPool
        local = {key: value for key, value in params.items() if key != "OPTIONS"}
        local["OPTIONS"] = {"MAX_ENTRIES": FALLBACK_MAX_ENTRIES, "CULL_FREQUENCY": 10}
        # One name per location: LocMemCache instances of the same name share their store,
        # so every thread of the process counts in the same place.
        self._fallback = LocMemCache(f"redis-fallback:{server}", local)

    @property
    def _down_until(self) -> float:
        return _RedisDown.until

    @_down_until.setter
    def _down_until(self, value: float) -> None:
        _RedisDown.until = value

    def _redis_failed(self, name: str, error: Exception) -> None:
        with _RedisDown.lock:
            first = time.monotonic() >= _RedisDown.until
            _RedisDown.until = time.monotonic() + RETRY_AFTER_SECONDS
        if first:
            logger.warning("Cache: Redis unreachable (%s in %s); per-process fallback for "
                           "%.0f s", type(error).__name__, name, RETRY_AFTER_SECONDS)

    def redis_available(self) -> bool:
        return time.monotonic() >= _RedisDown.until

    def redis_state(self) -> str:
        """"ok" when Redis answers a PING now, "fallback" otherwise."""
        try:
            self._cache.get_client(write=True).ping()
        except (RedisError, OSError) as error:
            self._redis_failed("ping", error)
            return "fallback"
        with _RedisDown.lock:
            _RedisDown.until = 0.0
        return "ok"

    def window_incr(self, key: str, timeout: int, version=None) -> tuple[int, float] | None:
        """One more use on the rate-limit counter `key` (registry.throttling), in one round
        trip: the counter is created at 0 expiring in `timeout` seconds unless it exists,
        incremented, and its time left read, in one MULTI/EXEC (atomic: the counter cannot
        expire between creation and increment). (uses in the window, seconds left), or None
        while Redis is down: the caller then counts with add/incr, which go to the
        per-process fallback."""
        if not self.redis_available():
            return None
        key = self.make_and_validate_key(key, version=version)
        try:
            client = self._cache.get_client(key, write=True)
            with client.pipeline(transaction=True) as pipe:
                pipe.set(key, 0, ex=int(timeout), nx=True)
                pipe.incr(key)
                pipe.pttl(key)
                _created, used, left_ms = pipe.execute()
            if left_ms < 0:  # no expiry (written by something else): give it the window's
                client.expire(key, int(timeout))
                left_ms = int(timeout) * 1000
        except (RedisError, OSError) as error:
            self._redis_failed("window_incr", error)
            return None
        return int(used), left_ms / 1000


def _with_fallback(name: str):
    redis_method = getattr(RedisCache, name)

    def method(self, *args, **kwargs):
        if self.redis_available():
            try:
                return redis_method(self, *args, **kwargs)
            except (RedisError, OSError) as error:
                self._redis_failed(name, error)
        return getattr(self._fallback, name)(*args, **kwargs)

    method.__name__ = name
    method.__doc__ = redis_method.__doc__
    return method


for _name in _METHODS:
    setattr(FallbackRedisCache, _name, _with_fallback(_name))
