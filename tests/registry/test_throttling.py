"""registry.throttling: the one rate-limit mechanism (a fixed-window counter per scope and
identity) behind the API's throttles, the look-up's limit and the web pages' limits."""
import datetime
import socket

import pytest
from django.core.cache import cache, caches
from django.test import override_settings
from freezegun import freeze_time
from rest_framework.test import APIClient

from registry.throttling import (
    LookupRateThrottle,
    RateDecision,
    parse_rate,
    rate_limit_hit,
    rate_limit_used,
)
from vssid_portal import cache as cache_module
from vssid_portal.throttling import AnonRateThrottle, ScopedRateThrottle, UserRateThrottle

pytestmark = pytest.mark.django_db


def test_rates_read_as_drf_reads_them():
    assert parse_rate("30/hour") == (30, 3600)
    assert parse_rate("5/minute") == (5, 60)
    assert parse_rate("100000000/hour") == (100000000, 3600)
    assert parse_rate(None) == (None, None)


def test_exactly_the_count_then_refused_with_the_time_left():
    decisions = [rate_limit_hit("t:a", count=3, seconds=3600) for _ in range(5)]
    assert [d.allowed for d in decisions] == [True, True, True, False, False]
    assert [d.count for d in decisions] == [1, 2, 3, 4, 5]
    assert 3590 <= decisions[3].retry_after <= 3600
    assert rate_limit_used("t:a") == 5


def test_the_window_closes_a_period_after_the_first_use():
    start = datetime.datetime(2026, 6, 15, 10, 0, 0)
    with freeze_time(start) as clock:
        assert rate_limit_hit("t:w", count=2, seconds=60).allowed
        clock.tick(30)
        assert rate_limit_hit("t:w", count=2, seconds=60).allowed
        refused = rate_limit_hit("t:w", count=2, seconds=60)
        assert not refused.allowed and 29 <= refused.retry_after <= 30
        clock.tick(31)  # 61 s after the first use: a new window
        assert rate_limit_hit("t:w", count=2, seconds=60) == RateDecision(True, 1)
        assert rate_limit_hit("t:w", count=2, seconds=60).allowed
        assert not rate_limit_hit("t:w", count=2, seconds=60).allowed


def test_each_key_counts_on_its_own():
    for _ in range(3):
        rate_limit_hit("t:one", count=3, seconds=60)
    assert not rate_limit_hit("t:one", count=3, seconds=60).allowed
    assert rate_limit_hit("t:two", count=3, seconds=60).allowed


def test_the_cost_does_not_grow_with_the_traffic():
    """DRF kept every request's time in one entry (a list read and written whole each
    time); the counter stays one integer however many requests the window holds."""
    for _ in range(2000):
        rate_limit_hit("t:busy", count=10**9, seconds=3600)
    assert cache.get("t:busy") == 2000 and isinstance(cache.get("t:busy"), int)


def test_a_failing_cache_lets_the_use_through(monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise ConnectionError("down")

    monkeypatch.setattr(cache, "add", broken)
    monkeypatch.setattr(cache, "get", broken)
    assert rate_limit_hit("t:x", count=0, seconds=60) == RateDecision(True, 0)
    assert rate_limit_used("t:x") == 0
    assert "Rate limit not applied" in caplog.text


# --- The DRF throttles ------------------------------------------------------------------------

@pytest.fixture
def small_rates(monkeypatch, settings):
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "anon": "3/hour",
             "user": "3/hour", "auth": "2/minute", "lookup": "2/hour"}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    for throttle in (AnonRateThrottle, ScopedRateThrottle, UserRateThrottle):
        monkeypatch.setattr(throttle, "THROTTLE_RATES", rates)
    return rates


def test_api_anon_limit_per_client_with_retry_after(small_rates):
    api = APIClient()
    codes = [api.get("/api/v1/offices/", REMOTE_ADDR="203.0.113.1").status_code
             for _ in range(5)]
    assert codes == [200, 200, 200, 429, 429]
    refused = api.get("/api/v1/offices/", REMOTE_ADDR="203.0.113.1")
    assert 3500 < int(refused["Retry-After"]) <= 3600
    assert refused.json()["detail"].startswith("Bạn đã gửi quá nhiều yêu cầu")
    assert api.get("/api/v1/offices/", REMOTE_ADDR="203.0.113.2").status_code == 200
    # One integer per scope and client, not a list of times.
    assert cache.get("throttle:anon:203.0.113.1") == 6
    assert cache.get("throttle:user:203.0.113.1") == 6


def test_api_scoped_limit_and_its_window(small_rates):
    small_rates.update(anon="100/hour", user="100/hour")
    api = APIClient()
    body = {"bhxh_code": "0100000001", "password": "x"}
    with freeze_time("2026-06-15 10:00:00") as clock:
        codes = [api.post("/api/v1/auth/token/", body).status_code for _ in range(3)]
        assert codes == [400, 400, 429]
        clock.tick(61)
        assert api.post("/api/v1/auth/token/", body).status_code == 400


def test_lookup_limit_shared_by_page_and_api_is_one_counter(small_rates, rf):
    request = rf.post("/", REMOTE_ADDR="203.0.113.9")
    assert LookupRateThrottle().allow_request(request, None)
    assert LookupRateThrottle().allow_request(request, None)
    throttle = LookupRateThrottle()
    assert not throttle.allow_request(request, None)
    assert 3500 < throttle.wait() <= 3600
    assert cache.get("throttle:lookup:203.0.113.9") == 3


def test_web_limits_count_the_same_way(settings):
    from declarations.limits import web_rate_allowed, web_rate_used_up

    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {
        **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "short_link": "2/hour"}}
    assert not web_rate_used_up(scope="short_link", ident="203.0.113.5")
    assert [web_rate_allowed(None, scope="short_link", ident="203.0.113.5")
            for _ in range(3)] == [True, True, False]
    assert web_rate_used_up(scope="short_link", ident="203.0.113.5")
    assert not web_rate_used_up(scope="short_link", ident="203.0.113.6")
    assert cache.get("declarations:web:short_link:203.0.113.5") == 3


# --- On Redis: one round trip per use ---------------------------------------------------------

def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def redis_cache(settings):
    if not settings.REDIS_URL:
        pytest.skip("REDIS_URL not set: no Redis to count in")
    cache_module._RedisDown.until = 0.0
    with override_settings(CACHES={"default": {
        "BACKEND": "vssid_portal.cache.FallbackRedisCache", "LOCATION": settings.REDIS_URL,
        "KEY_PREFIX": "test-throttling",
    }}):
        redis = caches["default"]
        redis.delete_many(["t:r", "t:r:opened"])
        yield redis
        redis.delete_many(["t:r", "t:r:opened"])


def test_on_redis_the_counter_is_an_expiring_integer(redis_cache):
    decisions = [rate_limit_hit("t:r", count=2, seconds=120) for _ in range(3)]
    assert [d.allowed for d in decisions] == [True, True, False]
    assert 118 < decisions[2].retry_after <= 120
    assert redis_cache.get("t:r") == 3
    client = redis_cache._cache.get_client(write=True)
    assert 0 < client.ttl(redis_cache.make_and_validate_key("t:r")) <= 120
    assert not redis_cache.has_key("t:r:opened")  # Redis says the time left itself


def test_with_redis_down_each_process_counts_in_its_memory():
    cache_module._RedisDown.until = 0.0
    with override_settings(CACHES={"default": {
        "BACKEND": "vssid_portal.cache.FallbackRedisCache",
        "LOCATION": f"redis://127.0.0.1:{_closed_port()}/0",
    }}):
        dead = caches["default"]
        assert dead.window_incr("t:d", 60) is None
        decisions = [rate_limit_hit("t:d", count=2, seconds=60) for _ in range(3)]
        assert [d.allowed for d in decisions] == [True, True, False]
        assert 55 < decisions[2].retry_after <= 60
    cache_module._RedisDown.until = 0.0
