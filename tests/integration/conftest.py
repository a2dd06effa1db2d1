"""A REAL Celery worker (prefork, one process) on Redis and PostgreSQL, for integration
tests. Skipped, with the reason, unless REDIS_URL and a PostgreSQL DATABASE_URL are set and
reachable."""
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

REPO = Path(__file__).resolve().parents[2]
CELERY = Path(sys.executable).with_name("celery")
QUEUES = ("default", "messages", "pdf")


def _unavailable_reason() -> str | None:
    if not os.environ.get("REDIS_URL"):
        return "REDIS_URL is not set: the worker integration tests need Redis"
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres", "postgresql")):
        return "DATABASE_URL is not a PostgreSQL URL: a worker process cannot share SQLite"
    try:
        import redis

        redis.Redis.from_url(os.environ["REDIS_URL"], socket_connect_timeout=2).ping()
    except Exception as exc:  # any failure means: not reachable
        return f"Redis at REDIS_URL is not reachable ({type(exc).__name__})"
    return None


def pytest_collection_modifyitems(config, items):
    reason = None
    for item in items:
        if "needs_worker" in getattr(item, "fixturenames", ()):
            reason = reason or _unavailable_reason() or ""
            if reason:
                item.add_marker(pytest.mark.skip(reason=reason))


def _delete_keys(prefix: str) -> None:
    """Remove what this test left in Redis (queues, bindings, unacknowledged messages)."""
    import redis

    client = redis.Redis.from_url(settings.REDIS_URL)
    keys = list(client.scan_iter(match=f"{prefix}*", count=1000))
    if keys:
        client.delete(*keys)
    client.close()


def _use_broker(app, url: str, prefix: str) -> None:
    app.conf.broker_url = url
    app.conf.broker_transport_options = {
        **app.conf.broker_transport_options, "global_keyprefix": prefix,
    }
    app._pool = None
    app.amqp._producer_pool = None


class Worker:
    def __init__(self, env: dict, log: Path) -> None:
        self.log = log
        self.name = f"it-{uuid.uuid4().hex[:8]}@%h"
        self.process = subprocess.Popen(
            [str(CELERY), "-A", "vssid_portal", "worker", "-Q", ",".join(QUEUES),
             "--pool=prefork", "-c", "1", "-n", self.name, "--loglevel=INFO",
             "--without-mingle", "--without-gossip", "--without-heartbeat"],
            cwd=REPO, env=env, stdout=open(log, "ab"), stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: kill -9 takes the pool too
        )

    def wait_ready(self, timeout: float = 40) -> "Worker":
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"worker exited:\n{self.log.read_text()[-3000:]}")
            if " ready." in self.log.read_text(errors="replace"):
                return self
            time.sleep(0.2)
        raise TimeoutError(f"worker not ready:\n{self.log.read_text()[-3000:]}")

    def kill9(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.kill9()


class WorkerHarness:
    """Start workers sharing the test's database, outboxes and private storage."""

    def __init__(self, tmp_path: Path, private_storage: Path) -> None:
        self.dir = tmp_path
        self.sms_file = tmp_path / "sms.jsonl"
        self.email_dir = tmp_path / "email"
        self.private_storage = private_storage
        self.workers: list[Worker] = []
        self.base_env: dict[str, str] = {}
        self.extra_env: dict[str, str] = {}

    def env(self, **extra: str) -> dict:
        self.email_dir.mkdir(exist_ok=True)
        self.private_storage.mkdir(parents=True, exist_ok=True)
        return {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.integration.worker_settings",
            "PYTHONPATH": str(REPO),
            "WORKER_DATABASE_NAME": connection.settings_dict["NAME"],
            "WORKER_SMS_FILE_PATH": str(self.sms_file),
            "WORKER_EMAIL_DIR": str(self.email_dir),
            "WORKER_PRIVATE_STORAGE": str(self.private_storage),
            **self.base_env,
            **self.extra_env,
            **extra,
        }

    def start(self, **extra: str) -> Worker:
        worker = Worker(self.env(**extra), self.dir / f"worker-{len(self.workers)}.log")
        self.workers.append(worker)
        return worker.wait_ready()

    def sms_lines(self) -> list[dict]:
        if not self.sms_file.exists():
            return []
        return [json.loads(line) for line in self.sms_file.read_text().splitlines()]

    def emails(self) -> list[bytes]:
        return [p.read_bytes() for p in sorted(self.email_dir.glob("*.log"))]

    def logs(self) -> str:
        return "\n".join(w.log.read_text(errors="replace")[-4000:] for w in self.workers)


def wait_for(predicate, timeout: float = 30, interval: float = 0.2, message: str = ""):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out waiting: {message}")


@pytest.fixture
def needs_worker(transactional_db, _private_storage, tmp_path):
    """Tasks go through Redis to real worker subprocesses (started by the test with
    `harness.start()`); every worker is stopped afterwards. Each test has its own Redis key
    prefix, so tests running in parallel (pytest -n) never take each other's tasks."""
    from vssid_portal.celery import app

    saved = (app.conf.task_always_eager, app.conf.broker_url, app.conf.broker_transport_options)
    prefix = f"vssid-it-{uuid.uuid4().hex[:12]}:"
    app.conf.task_always_eager = False
    _use_broker(app, settings.REDIS_URL, prefix)
    harness = WorkerHarness(tmp_path, _private_storage)
    harness.base_env["WORKER_KEYPREFIX"] = prefix
    yield harness
    for worker in harness.workers:
        worker.stop()
    _delete_keys(prefix)
    app.conf.task_always_eager, app.conf.broker_url, app.conf.broker_transport_options = saved
    app._pool = None
    app.amqp._producer_pool = None


def broker_switch(url: str) -> None:
    """Point the test process's publishing at `url` (e.g. a closed port: Redis stopped),
    keeping the test's key prefix."""
    from vssid_portal.celery import app

    _use_broker(app, url, app.conf.broker_transport_options.get("global_keyprefix", ""))
