"""Production settings, checked in a separate process (settings load once per process)."""
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {
            "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "DJANGO_SETTINGS_MODULE",
            "DJANGO_ALLOW_ASYNC_UNSAFE",  # set by the e2e conftest when both run
        }
    }
    environment.update(DJANGO_SETTINGS_MODULE="vssid_portal.settings.production", **env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def good_env() -> dict:
    return {"SECRET_KEY": secrets.token_urlsafe(64), "ALLOWED_HOSTS": "vssid.example.vn"}


def test_check_deploy_prints_no_warnings(good_env):
    result = _manage("check", "--deploy", "--fail-level", "WARNING", **good_env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
    assert "WARNINGS" not in result.stdout + result.stderr


def test_refuses_the_default_secret_key(good_env):
    from vssid_portal.settings.base import DEFAULT_SECRET_KEY

    result = _manage("check", SECRET_KEY=DEFAULT_SECRET_KEY, ALLOWED_HOSTS="vssid.example.vn")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_refuses_a_missing_secret_key():
    result = _manage("check", ALLOWED_HOSTS="vssid.example.vn")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_refuses_a_short_secret_key():
    result = _manage("check", SECRET_KEY="short", ALLOWED_HOSTS="vssid.example.vn")
    assert result.returncode != 0


def test_refuses_debug_on(good_env):
    result = _manage("check", DEBUG="true", **good_env)
    assert result.returncode != 0
    assert "DEBUG" in result.stderr


def test_no_demo_data_in_production(good_env):
    result = _manage("load_demo_data", **good_env)
    assert result.returncode != 0
    assert "not allowed" in result.stderr


def _database_setting(env: dict) -> str:
    code = ("from django.db import connection as c; "
            "print(c.settings_dict['CONN_MAX_AGE'], c.settings_dict['CONN_HEALTH_CHECKS'])")
    result = _manage("shell", "-c", code, **env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_persistent_database_connections_checked_before_reuse(good_env, tmp_path):
    database = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    assert _database_setting({**good_env, "DATABASE_URL": database}) == "60 True"
    assert _database_setting({**good_env, "DATABASE_URL": database,
                              "CONN_MAX_AGE": "0"}) == "0 True"
    assert _database_setting({**good_env, "DATABASE_URL": database + "?conn_max_age=7",
                              "CONN_MAX_AGE": "30"}) == "7 True"
