"""Requests/s and p50/p95/p99 latency of the home page and /healthz under gunicorn.

Starts gunicorn (2 sync workers) on a free 127.0.0.1 port with the production settings
(random SECRET_KEY, no TLS redirect, static files collected once into var/bench-cache/)
against a temporary SQLite database migrated for the purpose, with no Redis (local-memory
cache, no broker). A second process (bench/_loadgen.py: threads + http.client) loads each
path for a fixed time. Environment: BENCH_HTTP_SECONDS (default 10), BENCH_HTTP_THREADS
(default 4), BENCH_HTTP_WORKERS (default 2).

Run: ``python -m bench http_home`` (or ``python -m bench`` for every scenario).
"""
from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PATHS = {"home": "/", "healthz": "/healthz"}
WARMUP_SECONDS = 1.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _environment(directory: Path) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {
            "DATABASE_URL", "REDIS_URL", "DEBUG", "DJANGO_SETTINGS_MODULE",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
    }
    env.update(
        DJANGO_SETTINGS_MODULE="vssid_portal.settings.production",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="false",
        DATABASE_URL=f"sqlite:///{directory / 'db.sqlite3'}",
        VAR_DIR=str(directory / "var"),
        LOG_LEVEL="WARNING",
    )
    return env


def _manage(env: dict, *args: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True,
        stdout=subprocess.DEVNULL,
    )


def _static_root() -> Path:
    """Collected static files are cached under var/bench-cache/ (collectstatic with
    whitenoise's compression takes over a minute): keyed by every static source file."""
    import hashlib

    digest = hashlib.sha256((ROOT / "requirements.txt").read_bytes())
    for path in sorted((ROOT / "static").rglob("*")):
        if path.is_file():
            digest.update(str(path.relative_to(ROOT)).encode())
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return ROOT / "var" / "bench-cache" / f"http-static-{digest.hexdigest()[:16]}"


def _wait_ready(url: str, server: subprocess.Popen, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with code {server.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer within 30 s")


def _stop(server: subprocess.Popen) -> None:
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def _load(url: str, seconds: float, threads: int) -> dict:
    result = subprocess.run(
        [sys.executable, "-m", "bench._loadgen", "--url", url, "--seconds", str(seconds),
         "--threads", str(threads)],
        cwd=ROOT, capture_output=True, text=True, check=True, timeout=seconds + 60,
    )
    return json.loads(result.stdout)


def run() -> dict:
    seconds = float(os.environ.get("BENCH_HTTP_SECONDS", "10"))
    threads = int(os.environ.get("BENCH_HTTP_THREADS", "4"))
    workers = int(os.environ.get("BENCH_HTTP_WORKERS", "2"))
    with tempfile.TemporaryDirectory(prefix="bench-http-") as name:
        directory = Path(name)
        env = _environment(directory)
        _manage(env, "migrate", "--noinput", "-v", "0")
        static_root = _static_root()
        env["STATIC_ROOT"] = str(static_root)
        if not (static_root / "staticfiles.json").exists():
            for old in static_root.parent.glob("http-static-*"):
                shutil.rmtree(old, ignore_errors=True)
            _manage(env, "collectstatic", "--noinput", "-v", "0")
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "vssid_portal.wsgi:application",
             "--workers", str(workers), "--bind", f"127.0.0.1:{port}",
             "--log-level", "warning"],
            cwd=ROOT, env=env, start_new_session=True,
        )
        try:
            _wait_ready(base + "/healthz", server)
            results = {}
            for scenario, path in PATHS.items():
                _load(base + path, WARMUP_SECONDS, threads)
                numbers = _load(base + path, seconds, threads)
                numbers["gunicorn_workers"] = workers
                results[scenario] = numbers
            return results
        finally:
            _stop(server)


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
