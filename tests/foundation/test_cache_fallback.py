"""The shared cache keeps answering when Redis cannot be reached: per process, from memory,
and back to Redis once it answers again. (The integration test stops a real Redis under
load: tests/integration/test_redis_outage.py.)"""
import socket

import pytest
from django.core.cache import caches
from django.test import override_settings
from django.urls import reverse

from vssid_portal import cache as cache_module


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def dead_redis_cache():
    cache_module._RedisDown.until = 0.0
    url = f"redis://127.0.0.1:{_closed_port()}/0"
    with override_settings(CACHES={"default": {
        "BACKEND": "vssid_portal.cache.FallbackRedisCache", "LOCATION": url,
    }}):
        yield caches["default"]


def test_every_operation_answers_from_memory_while_redis_is_down(dead_redis_cache, caplog):
    cache = dead_redis_cache
    assert cache.add("k", 1, 60) is True
    assert cache.incr("k") == 2
    assert cache.get("k") == 2
    cache.set_many({"a": 1, "b": 2})
    assert cache.get_many(["a", "b"]) == {"a": 1, "b": 2}
    assert cache.has_key("a")
    cache.delete("a")
    assert cache.get("a") is None
    with pytest.raises(ValueError):
        cache.incr("missing")
    assert cache.redis_state() == "fallback"
    # Said once, not on every call.
    assert sum("Redis unreachable" in r.getMessage() for r in caplog.records) == 1


def test_redis_is_tried_again_after_a_pause(dead_redis_cache, monkeypatch):
    cache = dead_redis_cache
    cache.get("x")
    assert not cache.redis_available()
    monkeypatch.setattr(cache_module.time, "monotonic",
                        lambda: cache._down_until + 0.1)
    assert cache.redis_available()


def test_pages_and_limits_keep_working_without_redis(dead_redis_cache, client, db):
    from tests.accounts.factories import UserFactory

    assert client.get("/").status_code == 200
    assert client.get(reverse("accounts:login")).status_code == 200
    health = client.get("/healthz")
    assert health.status_code == 200 and health.json()["cache"] == "fallback"
    user = UserFactory()
    for _ in range(30):  # the login limit still holds, per process
        client.post(reverse("accounts:login"), {"username": user.username, "password": "sai"})
    from tests.accounts.factories import DEFAULT_PASSWORD
    response = client.post(reverse("accounts:login"), {"username": user.username,
                                                "password": DEFAULT_PASSWORD})
    assert response.status_code == 200 and "_auth_user_id" not in client.session


def test_the_fallback_is_one_store_per_process_and_does_not_forget_under_load(
        dead_redis_cache):
    """Counters survive 5,000 other clients' keys, and another thread's cache object (Django
    makes one per thread) counts in the same place."""
    import threading

    cache = dead_redis_cache
    cache.set("attacker", 30, 3600)
    for n in range(5000):
        cache.set(f"client-{n}", 1, 3600)
    assert cache.get("attacker") == 30
    seen = {}

    def other_thread():
        seen["value"] = caches["default"].get("attacker")
        seen["same"] = caches["default"] is not cache
    thread = threading.Thread(target=other_thread)
    thread.start()
    thread.join()
    assert seen == {"value": 30, "same": True}


def test_one_redis_client_per_connection_pool(dead_redis_cache):
    """Django's client made a new redis.Redis (~0.1 ms) for every call."""
    client = dead_redis_cache._cache
    assert client.get_client(write=True) is client.get_client(write=True)
    assert client.get_client("a") is client.get_client("b", write=False)


def test_counting_a_use_needs_redis_to_answer(dead_redis_cache):
    """window_incr (registry.throttling's one round trip) says None while Redis is down:
    the caller then counts with add/incr in the process's memory."""
    assert dead_redis_cache.window_incr("k", 60) is None
    assert not dead_redis_cache.redis_available()
    assert dead_redis_cache.window_incr("k", 60) is None
