"""/healthz: the state of the database, the cache and the Celery broker, for load
balancers and monitoring. Answers 503 when the database is unreachable (the portal cannot
serve anything then); a failing cache or broker degrades the portal but does not stop it."""
import logging
import threading
import time
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)
BROKER_TIMEOUT_SECONDS = 2.0
# How long a process answers from the broker state it last saw. Opening a broker connection
# on every probe held /healthz to ~170 req/s on 2 cores and cost the broker a
# connection per probe per load balancer; a state a few seconds old is what a probe needs.
BROKER_STATE_SECONDS = 5.0


class _BrokerState:
    """The last state seen per broker URL, shared by the threads of the process:
    {url: (monotonic time it is good until, state)}."""

    states: dict[str, tuple[float, str]] = {}
    lock = threading.Lock()


def check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("healthz: database unreachable")
        return "error"
    return "ok"


def check_cache() -> str:
    """"ok"; "fallback" while Redis is unreachable and each process counts its limits in
    its own memory (vssid_portal.cache); "error" when the cache itself fails."""
    redis_state = getattr(cache, "redis_state", None)
    if redis_state is not None:
        return redis_state()
    key = f"healthz:{uuid.uuid4().hex}"
    try:
        cache.set(key, "1", timeout=10)
        value = cache.get(key)
        cache.delete(key)
    except Exception:  # any backend error (Redis down, ...) is reported, not raised
        logger.exception("healthz: cache unreachable")
        return "error"
    return "ok" if value == "1" else "error"


def check_broker() -> str:
    """"ok", "error" or "not configured", as last seen at most BROKER_STATE_SECONDS ago.
    One thread of the process probes when the state is stale; the others meanwhile answer
    with the stale state rather than queue behind a probe that may take the timeout."""
    url = getattr(settings, "CELERY_BROKER_URL", "") or ""
    if not url or url.startswith("memory://"):
        return "not configured"
    seen = _BrokerState.states.get(url)
    if seen is not None and time.monotonic() < seen[0]:
        return seen[1]
    if not _BrokerState.lock.acquire(blocking=seen is None):
        return seen[1]
    try:
        seen = _BrokerState.states.get(url)
        if seen is not None and time.monotonic() < seen[0]:
            return seen[1]
        state = _probe_broker(url)
        _BrokerState.states[url] = (time.monotonic() + BROKER_STATE_SECONDS, state)
        return state
    finally:
        _BrokerState.lock.release()


def _probe_broker(url: str) -> str:
    from kombu import Connection

    try:
        with Connection(url, connect_timeout=BROKER_TIMEOUT_SECONDS) as conn:
            conn.ensure_connection(max_retries=0, timeout=BROKER_TIMEOUT_SECONDS)
    except Exception:
        logger.exception("healthz: broker unreachable")
        return "error"
    return "ok"


@never_cache
@require_safe  # GET and HEAD: load balancers probe with either
def healthz(request: HttpRequest) -> JsonResponse:
    state = {"database": check_database(), "cache": check_cache(), "broker": check_broker()}
    return JsonResponse(state, status=200 if state["database"] == "ok" else 503)
