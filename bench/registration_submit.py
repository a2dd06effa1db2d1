"""Registration submissions through the API: POST /api/v1/registrations/ with three 4 MB
photos (12 MP JPEGs) per request, in-process with Django's test client against a
throwaway test database.

Measures the request path only: the PDF rendering and message delivery that follow are
Celery tasks (queued to an in-memory broker here, not run). Also times the photo clean-up
(sanitize_photo) alone, since it is the image work the request path must do.
Run: ``python -m bench.registration_submit`` or ``python -m bench``.
"""
from __future__ import annotations

import contextlib
import datetime
import io
import json
import os
import statistics
import tempfile
import time
from pathlib import Path

SUBMISSIONS = 30
PHOTO_TARGET_BYTES = 4 * 1024 * 1024
CCCD = "001190123456"  # agrees with a woman born in 1990


def _setup_django() -> None:
    import django
    from django.conf import settings

    if not settings.configured:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vssid_portal.settings.test")
        django.setup()


def _photo_4mb() -> bytes:
    """A 4000x3000 noisy JPEG of about 4 MB (noise keeps it from compressing), cached."""
    from django.conf import settings
    from PIL import Image

    cache = Path(settings.VAR_DIR) / "bench-cache" / "registration-photo-4mb.jpg"
    if cache.exists():
        return cache.read_bytes()
    width, height = 4000, 3000
    bands = [Image.effect_noise((width, height), sigma) for sigma in (40, 50, 60)]
    gradient = Image.linear_gradient("L").resize((width, height))
    picture = Image.merge("RGB", [Image.blend(band, gradient, 0.5) for band in bands])
    best = b""
    for quality in range(70, 90):
        out = io.BytesIO()
        picture.save(out, "JPEG", quality=quality)
        best = out.getvalue()
        if len(best) >= PHOTO_TARGET_BYTES:
            break
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_bytes(best)
    return best


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered)) - 1))
    return ordered[index]


def _people(count: int):
    from registry.models import InsuredPerson, Office, Province

    province, _ = Province.objects.get_or_create(code="01", defaults={"name": "Hà Nội"})
    parent, _ = Office.objects.get_or_create(
        code="001", defaults={"name": "BHXH TP. Hà Nội", "level": "province", "province": province},
    )
    office, _ = Office.objects.get_or_create(
        code="00121",
        defaults={"name": "BHXH cơ sở Đống Đa", "level": "local", "province": province,
                  "parent": parent},
    )
    people = [
        InsuredPerson.objects.create(
            bhxh_code=f"{9_100_000_000 + i:010d}", full_name="Nguyễn Thị Ánh",
            date_of_birth=datetime.date(1990, 5, 17), birth_year=1990, sex="F",
        )
        for i in range(count)
    ]
    return people, office


def _measure(count: int) -> dict:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    from declarations.models import Declaration
    from declarations.photos import sanitize_photo

    photo = _photo_4mb()
    sanitize_photo(photo)  # warm-up: imports, decoder set-up
    sanitize_ms = []
    for _ in range(7):
        started = time.perf_counter()
        sanitize_photo(photo)
        sanitize_ms.append((time.perf_counter() - started) * 1000)

    people, office = _people(count)
    client = Client()
    latencies = []
    statuses = []
    wall = time.perf_counter()
    for index, person in enumerate(people):
        data = {
            "bhxh_code": person.bhxh_code, "full_name": person.full_name,
            "date_of_birth": "1990-05-17", "sex": "F", "id_type": "cccd", "id_number": CCCD,
            "address": "Số 12 phố Huế, Hà Nội", "phone": f"091{index:07d}",
            "office": office.code, "send_email": "true", "email": f"nguoi{index}@example.vn",
        }
        for kind in ("portrait", "id_front", "id_back"):
            data[kind] = SimpleUploadedFile(f"{kind}.jpg", photo, content_type="image/jpeg")
        started = time.perf_counter()
        response = client.post("/api/v1/registrations/", data)
        latencies.append((time.perf_counter() - started) * 1000)
        statuses.append(response.status_code)
    total = time.perf_counter() - wall
    created = statuses.count(201)
    assert Declaration.objects.count() == created
    return {
        "requests": count,
        "created": created,
        "photo_bytes": len(photo),
        "submissions_per_s": round(created / total, 2),
        "latency_p50_ms": round(statistics.median(latencies), 1),
        "latency_p95_ms": round(_percentile(latencies, 95), 1),
        "latency_max_ms": round(max(latencies), 1),
        "sanitize_photo_p50_ms": round(statistics.median(sanitize_ms), 1),
        "mode": "sequential, one process, Django test client, tasks queued not run",
    }


@contextlib.contextmanager
def api_environment():
    """Django set up on a throwaway test database, private storage in a temporary
    directory, tasks queued to an in-memory broker (not run), rate limits out of the way.
    Also used by bench/photos_memory.py."""
    _setup_django()
    from django.db import connection
    from django.test.utils import (
        override_settings,
        setup_test_environment,
        teardown_test_environment,
    )

    private = tempfile.mkdtemp(prefix="bench-registration-")
    overrides = override_settings(
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                        "OPTIONS": {"location": private}},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
        MEDIA_ROOT=private,
        CELERY_TASK_ALWAYS_EAGER=False,
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        SMS_BACKEND="notifications.sms.backends.locmem.LocMemSMSBackend",
        CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
    )
    from vssid_portal.celery import app as celery_app

    eager = celery_app.conf.task_always_eager
    broker = celery_app.conf.broker_url
    celery_app.conf.task_always_eager = False
    celery_app.conf.broker_url = "memory://"
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        with overrides:
            from rest_framework.throttling import ScopedRateThrottle

            rates = ScopedRateThrottle.THROTTLE_RATES
            ScopedRateThrottle.THROTTLE_RATES = {**rates, "registration": "100000/hour",
                                                 "anon": "100000/hour"}
            try:
                yield
            finally:
                ScopedRateThrottle.THROTTLE_RATES = rates
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()
        celery_app.conf.task_always_eager = eager
        celery_app.conf.broker_url = broker
        import shutil

        shutil.rmtree(private, ignore_errors=True)


def run(count: int = SUBMISSIONS) -> dict:
    with api_environment():
        numbers = _measure(count)
    return {"registration_submit_api": numbers}


if __name__ == "__main__":
    for name, numbers in run().items():
        print(name, json.dumps(numbers, ensure_ascii=False))
