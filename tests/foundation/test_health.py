import socket
from unittest import mock

import pytest
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper

from vssid_portal import health

pytestmark = pytest.mark.django_db


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_healthz_all_fine_without_broker(client, settings):
    settings.CELERY_BROKER_URL = "memory://"
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "cache": "ok", "broker": "not configured"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_needs_no_login_and_is_json(client):
    response = client.get("/healthz")
    assert response["Content-Type"] == "application/json"


def test_healthz_is_503_when_database_is_unreachable(client):
    with mock.patch.object(
        BaseDatabaseWrapper, "cursor", side_effect=OperationalError("connection refused")
    ):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "error"


def test_cache_failure_is_reported_but_not_503(client):
    with mock.patch.object(health.cache, "set", side_effect=ConnectionError("down")):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["cache"] == "error"


def test_unreachable_broker_is_error(client, settings):
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{_free_port()}/0"
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["broker"] == "error"


def test_reachable_redis_broker_is_ok(client, settings):
    if not settings.REDIS_URL:
        pytest.skip("REDIS_URL not set: no Redis broker to check against")
    settings.CELERY_BROKER_URL = settings.REDIS_URL
    response = client.get("/healthz")
    assert response.json()["broker"] == "ok"


def test_post_is_not_allowed(client):
    assert client.post("/healthz").status_code == 405


def test_healthz_is_not_redirected_to_https(client, settings, db):
    """Behind TLS termination the probe speaks plain HTTP: it must see the state (and a
    503), not a redirect; every other page is redirected."""
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200
    assert client.get("/").status_code == 301


def test_production_keeps_the_exemption():
    import os
    import subprocess
    import sys

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "vssid_portal.settings.production",
           "SECRET_KEY": "x" * 60, "ALLOWED_HOSTS": "example.vn"}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    out = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); from django.conf import "
         "settings as s; print(s.SECURE_SSL_REDIRECT, s.SECURE_REDIRECT_EXEMPT)"],
        env=env, capture_output=True, text=True, check=True,
    ).stdout
    assert out.strip() == "True ['^healthz$']"


# --- The broker's state, kept a few seconds per process -------------------------------------

@pytest.fixture
def probes(monkeypatch, settings):
    """The broker probes made, each answering what `state["now"]` says."""
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6399/0"
    health._BrokerState.states.clear()
    made = []
    state = {"now": "ok"}

    def probe(url):
        made.append(url)
        return state["now"]

    monkeypatch.setattr(health, "_probe_broker", probe)
    yield made, state
    health._BrokerState.states.clear()


def test_the_broker_is_not_probed_on_every_call(client, probes):
    made, _state = probes
    for _ in range(20):
        assert client.get("/healthz").json()["broker"] == "ok"
    assert len(made) == 1


def test_a_broker_that_goes_down_is_reported_within_the_state_age(client, probes, monkeypatch):
    made, state = probes
    assert client.get("/healthz").json()["broker"] == "ok"
    state["now"] = "error"
    assert client.get("/healthz").json()["broker"] == "ok"  # still the state just seen
    later = health.time.monotonic() + health.BROKER_STATE_SECONDS + 0.1
    monkeypatch.setattr(health.time, "monotonic", lambda: later)
    assert client.get("/healthz").json()["broker"] == "error"
    state["now"] = "ok"
    assert client.get("/healthz").json()["broker"] == "error"
    assert len(made) == 2


def test_while_one_thread_probes_the_others_answer_the_last_state(probes):
    made, _state = probes
    health._BrokerState.states["redis://127.0.0.1:6399/0"] = (0.0, "error")  # stale
    with health._BrokerState.lock:  # another thread is probing
        assert health.check_broker() == "error"
    assert made == []
    assert health.check_broker() == "ok" and len(made) == 1


def test_each_broker_url_has_its_own_state(client, probes, settings):
    made, _state = probes
    client.get("/healthz")
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6398/0"
    client.get("/healthz")
    assert made == ["redis://127.0.0.1:6399/0", "redis://127.0.0.1:6398/0"]
