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
