"""gunicorn.conf.py: the portal served as in production, its access log without query
strings (look-ups carry codes and dates of birth there) and without link tokens."""
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.fixture
def served(tmp_path):
    port = _free_port()
    log = tmp_path / "access.log"
    env = {key: value for key, value in os.environ.items()
           if key not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE",
                          "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    # The test settings (static files without a manifest: no collectstatic needed); what is
    # tested is gunicorn's configuration.
    env.update(
        DJANGO_SETTINGS_MODULE="vssid_portal.settings.test",
        SECRET_KEY=secrets.token_urlsafe(64), ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        VAR_DIR=str(tmp_path / "var"), GUNICORN_BIND=f"127.0.0.1:{port}",
        GUNICORN_WORKERS="1", GUNICORN_ACCESS_LOG=str(log), GUNICORN_ERROR_LOG=str(
            tmp_path / "error.log"),
    )
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
                   cwd=ROOT, env=env, check=True)
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "vssid_portal.wsgi"],
        cwd=ROOT, env=env, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                if _get(base + "/healthz") == 200:
                    break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("gunicorn did not start: " + (tmp_path / "error.log").read_text())
        yield base, log
    finally:
        server.terminate()
        server.wait(timeout=15)


def test_access_log_has_no_query_string_nor_token(served):
    base, log = served
    errors = log.parent / "error.log"
    token = "AbCdEfGh1234"
    try:
        status = _get(f"{base}/tra-cuu/ma-so-bhxh/?bhxh_code=0126000101&full_name=Tran")
    except OSError:
        time.sleep(1)
        raise AssertionError(errors.read_text()) from None
    assert status == 200, errors.read_text()
    assert _get(f"{base}/s/{token}") == 404
    assert _get(f"{base}/to-khai/trang-thai/{token}:x:y/") == 404
    for _ in range(50):
        text = log.read_text() if log.exists() else ""
        if text.count("\n") >= 4:
            break
        time.sleep(0.1)
    assert "/tra-cuu/ma-so-bhxh/ " in text or '/tra-cuu/ma-so-bhxh/"' in text, text
    for secret in ("0126000101", "full_name", token, "?"):
        assert secret not in text, text
    assert "/s/…" in text


def test_the_configuration_values():
    from runpy import run_path

    config = run_path(str(ROOT / "gunicorn.conf.py"))
    assert config["max_requests"] > 0 and config["max_requests_jitter"] > 0
    assert config["timeout"] == 30 and config["preload_app"] is True
    assert "%(q)s" not in config["access_log_format"]
    assert config["worker_class"] == "sync"
