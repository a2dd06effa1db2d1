"""OTP SMS delivery latency through REAL Celery workers (Redis broker, PostgreSQL), with and
without PDF renders competing, with one worker per queue and with one worker for all.

Latency = from `password_change_request(...)` returning (the OTP row committed and its
delivery task published) to the message being `sent` by a worker: the file SMS backend's
JSON line is watched every 5 ms (a stat, cheaper than a query), then the row is read until
its status is "sent". Each request is for a different user with a phone of its own and
from a client address of its own (198.18.0.0/15, the benchmarking range), so no OTP limit
applies; requests follow one another, one at a time, 50–150 ms apart (random, fixed seed)
so that they fall at every point of a PDF render. REQUESTS (60) per situation:

- separate_workers (as production runs them): `celery -A vssid_portal worker -Q
  messages,default -c 1` and `... -Q pdf -c 1`:
  - quiet: no PDF work;
  - pdfs_rendering: PDF_JOBS (300) `declaration_render_pdf_task` jobs queued first (each
    declaration has a portrait of its own: 900×1200 JPEG, distinct bytes so WeasyPrint's
    image cache never helps), measured while the pdf queue is still busy;
- one_worker_all_queues: ONE worker `-Q default,messages,pdf -c 1` (`make worker`) with
  PDF_JOBS queued again: an OTP waits for the PDF being rendered.

Also: PDFs rendered per second during each measurement window (`pdfs_per_s`), the jobs
still queued when it ended (`pdf_queue_left` > 0: the queue never ran dry), and the load
average. Workers run the integration-test worker settings (tests/integration/
worker_settings.py: test settings, file SMS backend, CONN_MAX_AGE 0 as by default), on a
throwaway database `test_bench_otp_delivery` (dropped at the end) and Redis keys under a
prefix of their own (deleted at the end). Defaults: REDIS_URL=redis://127.0.0.1:6379/7,
DATABASE_URL=postgres://postgres@127.0.0.1:5432/test; skipped without PostgreSQL/Redis.
Takes about a minute. Run: ``python -m bench otp_delivery``.
"""
from __future__ import annotations

import io
import itertools
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

REQUESTS = 60
WARM_UP_REQUESTS = 3
PDF_JOBS = 300
GAP_S = (0.05, 0.15)
POLL_S = 0.005
DELIVERY_TIMEOUT_S = 60
TEST_DATABASE_NAME = "test_bench_otp_delivery"
NEW_PASSWORD = "Hoa-sen-nở-2026"
ROOT = Path(__file__).resolve().parents[1]
CELERY = Path(sys.executable).with_name("celery")


def _ms(samples: list[float]) -> dict:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return {"p50_ms": round(statistics.median(ordered) * 1000, 1),
            "p95_ms": round(p95 * 1000, 1), "max_ms": round(ordered[-1] * 1000, 1),
            "n": len(ordered)}


def _loadavg() -> float:
    return round(os.getloadavg()[0], 2)


# --- workers and broker -----------------------------------------------------------------

class Worker:
    """`celery -A vssid_portal worker` in a process group of its own (as the integration
    tests start it)."""

    def __init__(self, name: str, queues: str, env: dict, directory: Path) -> None:
        self.log = directory / f"worker-{name}-{uuid.uuid4().hex[:6]}.log"
        self.process = subprocess.Popen(
            [str(CELERY), "-A", "vssid_portal", "worker", "-Q", queues, "--pool=prefork",
             "-c", "1", "-n", f"bench-{name}-{uuid.uuid4().hex[:6]}@%h", "--loglevel=INFO",
             "--without-mingle", "--without-gossip", "--without-heartbeat"],
            cwd=ROOT, env=env, stdout=open(self.log, "ab"), stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:] if self.log.exists() else ""

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"worker exited:\n{self.tail()}")
            if " ready." in self.log.read_text(errors="replace"):
                return
            time.sleep(0.2)
        raise TimeoutError(f"worker not ready:\n{self.tail()}")

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)
        except ProcessLookupError:
            pass


def _use_broker(url: str, prefix: str) -> None:
    """Publish from this process to Redis under `prefix` (fresh producer pools)."""
    from vssid_portal.celery import app

    app.conf.task_always_eager = False
    app.conf.broker_url = url
    app.conf.broker_transport_options = {
        **app.conf.broker_transport_options, "global_keyprefix": prefix,
    }
    app._pool = None
    app.amqp._producer_pool = None


def _redis():
    import redis

    return redis.Redis.from_url(os.environ["REDIS_URL"], socket_connect_timeout=2)


def _queue_depth(prefix: str, queue: str) -> int:
    client = _redis()
    try:
        return sum(client.llen(key) for key in client.scan_iter(match=f"{prefix}{queue}*")
                   if client.type(key) == b"list")
    finally:
        client.close()


def _delete_keys(prefixes: list[str]) -> None:
    client = _redis()
    try:
        for prefix in prefixes:
            keys = list(client.scan_iter(match=f"{prefix}*", count=1000))
            if keys:
                client.delete(*keys)
    finally:
        client.close()


# --- data -------------------------------------------------------------------------------

def _portrait_base() -> bytes:
    """A noisy 900×1200 JPEG (compresses like a photo, ≈0.3 MB)."""
    from PIL import Image, ImageDraw

    noise = Image.effect_noise((900, 1200), 40)
    image = Image.merge("RGB", (noise, noise.point(lambda v: v * 0.9), noise.point(
        lambda v: 255 - v // 2)))
    draw = ImageDraw.Draw(image)
    draw.ellipse((225, 150, 675, 675), fill=(230, 190, 160))
    draw.rectangle((135, 720, 765, 1200), fill=(40, 60, 120))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def _distinct(jpeg: bytes, i: int) -> bytes:
    """The same picture with a comment segment of its own: other bytes, other hash."""
    comment = f"bench portrait {i}".encode()
    return jpeg[:2] + b"\xff\xfe" + (len(comment) + 2).to_bytes(2, "big") + comment + jpeg[2:]


def _users(count: int) -> list:
    from tests.accounts.factories import UserFactory

    return [UserFactory(phone=f"+8491{i:07d}") for i in range(count)]


def _declarations(count: int) -> list[int]:
    from registry.models import Office
    from tests.integration.declarations import make_declaration
    from tests.registry.factories import InsuredPersonFactory, OfficeFactory, ProvinceFactory

    province = ProvinceFactory(code="01", name="Hà Nội")
    office = OfficeFactory(code="00103", name="BHXH cơ sở Đống Đa", province=province,
                           level=Office.Level.LOCAL)
    base = _portrait_base()
    names = ["Nguyễn Thị Ánh", "Trần Văn Hùng", "Lê Ngọc Diệp", "Phạm Quốc Việt"]
    return [
        make_declaration(
            office=office, insured_person=InsuredPersonFactory(),
            portrait=_distinct(base, i), full_name=names[i % len(names)],
        ).id
        for i in range(count)
    ]


# --- measuring ----------------------------------------------------------------------------

class SMSFile:
    """The file SMS backend's JSON lines, read as they are appended."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.offset = 0
        self.partial = b""
        self.seen: set[str] = set()

    def poll(self) -> None:
        try:
            size = self.path.stat().st_size
        except FileNotFoundError:
            return
        if size <= self.offset:
            return
        with open(self.path, "rb") as fh:
            fh.seek(self.offset)
            data = self.partial + fh.read()
        self.offset = size
        *lines, self.partial = data.split(b"\n")
        for line in lines:
            if line.strip():
                self.seen.add(json.loads(line)["id"])


class Bench:
    def __init__(self, directory: Path, sms: SMSFile, users: list, workers: list) -> None:
        self.directory = directory
        self.sms = sms
        self.users = iter(users)
        self.addresses = (f"198.18.{n // 250}.{n % 250 + 1}" for n in itertools.count())
        self.rng = random.Random(20260607)
        self.workers = workers

    def _logs(self) -> str:
        return "\n".join(worker.tail() for worker in self.workers)

    def otp_once(self) -> float:
        """One password-change OTP: seconds from the request returning to status sent."""
        from accounts.services.passwords import password_change_request
        from audit.context import AuditContext
        from notifications.models import OutboundMessage
        from tests.accounts.factories import DEFAULT_PASSWORD

        context = AuditContext(ip_address=next(self.addresses), channel="web")
        password_change_request(user=next(self.users), old_password=DEFAULT_PASSWORD,
                                new_password=NEW_PASSWORD, context=context)
        started = time.perf_counter()
        message_id, message_uuid = (
            OutboundMessage.objects.filter(sensitive=True).order_by("-id")
            .values_list("id", "uuid").first()
        )
        deadline = started + DELIVERY_TIMEOUT_S
        key = str(message_uuid)
        while True:
            self.sms.poll()
            if key in self.sms.seen:
                break
            if time.perf_counter() > deadline:
                raise TimeoutError(f"OTP SMS not delivered:\n{self._logs()}")
            time.sleep(POLL_S)
        row = OutboundMessage.objects.filter(pk=message_id).values_list("status", flat=True)
        while row.get() != OutboundMessage.Status.SENT:
            if time.perf_counter() > deadline:
                raise TimeoutError(f"OTP row never sent:\n{self._logs()}")
            time.sleep(0.001)
        return time.perf_counter() - started

    def otp_round(self, prefix: str | None = None) -> dict:
        """REQUESTS OTPs one after another; with `prefix`, the PDF throughput meanwhile."""
        from django.utils import timezone

        from declarations.models import Declaration

        samples = []
        window_start = timezone.now()
        for _ in range(REQUESTS):
            time.sleep(self.rng.uniform(*GAP_S))
            samples.append(self.otp_once())
        window_end = timezone.now()
        result = _ms(samples)
        if prefix is not None:
            rendered = Declaration.objects.filter(
                pdf_rendered_at__gte=window_start, pdf_rendered_at__lte=window_end
            ).count()
            seconds = (window_end - window_start).total_seconds()
            result.update({
                "pdfs_per_s": round(rendered / seconds, 2),
                "pdf_queue_left": _queue_depth(prefix, "pdf"),
            })
        result["loadavg_1m"] = _loadavg()
        return result

    def wait_rendered(self, declaration_ids: list[int], at_least: int, timeout: float = 90):
        from declarations.models import Declaration

        deadline = time.monotonic() + timeout
        while Declaration.objects.filter(pk__in=declaration_ids).exclude(pdf="").count() \
                < at_least:
            if time.monotonic() > deadline:
                raise TimeoutError(f"PDFs not rendered:\n{self._logs()}")
            time.sleep(0.05)


def _worker_env(directory: Path, database: str, prefix: str, sms_path: Path) -> dict:
    (directory / "email").mkdir(exist_ok=True)
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.integration.worker_settings",
        "PYTHONPATH": str(ROOT),
        "WORKER_DATABASE_NAME": database,
        "WORKER_SMS_FILE_PATH": str(sms_path),
        "WORKER_EMAIL_DIR": str(directory / "email"),
        "WORKER_PRIVATE_STORAGE": str(directory / "private"),
        "WORKER_KEYPREFIX": prefix,
    }


def _start(workers: list, specs: list[tuple[str, str]], env: dict, directory: Path) -> None:
    started = [Worker(name, queues, env, directory) for name, queues in specs]
    workers.extend(started)
    for worker in started:
        worker.wait_ready()


def _phase(bench: Bench, workers: list, specs, env: dict, directory: Path, warm_pdf: int,
           pdf_ids: list[int], prefix: str, quiet_too: bool) -> dict:
    from declarations.tasks import declaration_render_pdf_task

    _start(workers, specs, env, directory)
    for _ in range(WARM_UP_REQUESTS):  # imports, connections, first render: not counted
        bench.otp_once()
    declaration_render_pdf_task.delay(warm_pdf)
    bench.wait_rendered([warm_pdf], 1)
    result = {}
    if quiet_too:
        result["quiet"] = bench.otp_round()
    for declaration_id in pdf_ids:
        declaration_render_pdf_task.delay(declaration_id)
    bench.wait_rendered(pdf_ids, 2)  # the pdf queue is being worked on
    result["pdfs_rendering"] = bench.otp_round(prefix)
    for worker in workers:
        worker.stop()
    workers.clear()
    return result


def _unavailable() -> str | None:
    if not os.environ["DATABASE_URL"].startswith(("postgres", "postgresql")):
        return "DATABASE_URL is not PostgreSQL: worker processes cannot share SQLite"
    try:
        _redis().ping()
    except Exception as exc:  # any failure means: not reachable
        return f"Redis at REDIS_URL is not reachable ({type(exc).__name__})"
    return None


def run() -> dict:
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/7")
    os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/test")
    reason = _unavailable()
    if reason:
        return {"skipped": reason}
    from bench.registry_import import setup_django, throwaway_database

    setup_django()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import override_settings

    connection.settings_dict.setdefault("TEST", {})["NAME"] = TEST_DATABASE_NAME
    load_start = _loadavg()
    workers: list[Worker] = []
    prefixes = [f"vssid-bench-otp-{uuid.uuid4().hex[:8]}:" for _ in range(2)]
    with tempfile.TemporaryDirectory(prefix="bench-otp-") as tmp:
        directory = Path(tmp)
        private = directory / "private"
        private.mkdir()
        storages = {**settings.STORAGES, "default": {
            **settings.STORAGES["default"],
            "OPTIONS": {**settings.STORAGES["default"]["OPTIONS"], "location": str(private)},
        }}
        sms_path = directory / "sms.jsonl"
        with override_settings(STORAGES=storages, MEDIA_ROOT=str(private)), \
                throwaway_database() as connection:
            try:
                started = time.perf_counter()
                users = _users(3 * REQUESTS + 2 * WARM_UP_REQUESTS)
                declaration_ids = _declarations(PDF_JOBS + 1)
                warm_pdf, pdf_ids = declaration_ids[0], declaration_ids[1:]
                setup_s = time.perf_counter() - started
                database = connection.settings_dict["NAME"]
                bench = Bench(directory, SMSFile(sms_path), users, workers)

                _use_broker(os.environ["REDIS_URL"], prefixes[0])
                separate = _phase(
                    bench, workers, [("messages", "messages,default"), ("pdf", "pdf")],
                    _worker_env(directory, database, prefixes[0], sms_path), directory,
                    warm_pdf, pdf_ids, prefixes[0], quiet_too=True,
                )
                _delete_keys(prefixes[:1])
                from declarations.models import Declaration

                Declaration.objects.update(pdf="", pdf_rendered_at=None)
                _use_broker(os.environ["REDIS_URL"], prefixes[1])
                shared = _phase(
                    bench, workers, [("all", "default,messages,pdf")],
                    _worker_env(directory, database, prefixes[1], sms_path), directory,
                    warm_pdf, pdf_ids, prefixes[1], quiet_too=False,
                )
            finally:
                for worker in workers:
                    worker.stop()
                _delete_keys(prefixes)
    return {
        "requests_per_situation": REQUESTS,
        "pdf_jobs_queued": PDF_JOBS,
        "separate_workers": separate,
        "one_worker_all_queues": shared,
        "setup_s": round(setup_s, 1),
        "loadavg_1m_start": load_start,
        "loadavg_1m_end": _loadavg(),
        "cores": os.cpu_count(),
    }


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
