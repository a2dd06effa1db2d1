"""Redis stopped while citizens submit: nothing is lost. A Redis of the test's own (cache and
broker of the web process and of a real worker) is killed mid-run; registrations keep being
accepted and stored, the pages that need no broker keep working, /healthz says what is
degraded; once Redis is back the sweepers dispatch what waited and every message is sent,
none twice. Needs a PostgreSQL DATABASE_URL, REDIS_URL (to run at all) and redis-server."""
import io
import shutil
import socket
import subprocess
import time
from datetime import timedelta

import pytest
from django.core.cache import caches
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from rest_framework.test import APIClient

from declarations.models import Declaration
from declarations.tasks import declarations_pdf_sweep_task
from notifications.models import OutboundMessage
from notifications.tasks import messages_sweep_task
from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory
from tests.integration.conftest import broker_switch, wait_for
from tests.registry.factories import InsuredPersonFactory, OfficeFactory, ProvinceFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
REDIS_SERVER = shutil.which("redis-server")


class OwnRedis:
    """A redis-server of this test, on a free port, without persistence."""

    def __init__(self) -> None:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)


@pytest.fixture
def own_redis():
    if REDIS_SERVER is None:
        pytest.skip("redis-server is not installed: cannot stop a Redis of the test's own")
    redis = OwnRedis()
    redis.start()
    yield redis
    redis.stop()


def _jpeg() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (640, 480), (120, 160, 200)).save(out, "JPEG", quality=90)
    return SimpleUploadedFile("p.jpg", out.getvalue(), content_type="image/jpeg")


def _register(office, number: int) -> int:
    person = InsuredPersonFactory()  # a woman born 17/05/1990
    response = APIClient().post("/api/v1/registrations/", {
        "bhxh_code": person.bhxh_code, "full_name": person.full_name,
        "date_of_birth": person.date_of_birth.isoformat(), "sex": person.sex,
        "id_type": "cccd", "id_number": "001190123456", "address": "Số 12 phố Huế, Hà Nội",
        "phone": f"0912{number:06d}", "office": office.code,
        "portrait": _jpeg(), "id_front": _jpeg(), "id_back": _jpeg(),
    }, format="multipart")
    return response.status_code


def test_redis_stopped_mid_run_loses_nothing(needs_worker, own_redis, client):
    office = OfficeFactory(code="00121", name="BHXH cơ sở Đống Đa", province=ProvinceFactory())
    citizen = UserFactory()
    cache_settings = {"default": {"BACKEND": "vssid_portal.cache.FallbackRedisCache",
                                  "LOCATION": own_redis.url, "KEY_PREFIX": "it"}}
    with override_settings(CACHES=cache_settings, CELERY_BROKER_URL=own_redis.url):
        broker_switch(own_redis.url)
        needs_worker.start(REDIS_URL=own_redis.url)
        codes = [_register(office, n) for n in range(3)]
        assert caches["default"].redis_state() == "ok"

        own_redis.stop()  # Redis goes away while citizens keep submitting
        codes += [_register(office, n) for n in range(3, 12)]
        assert codes == [201] * 12
        for url in ("/", reverse("accounts:login"), reverse("registry:offices") + "?province=01",
                    "/api/v1/offices/", reverse("declarations:status_lookup")):
            assert client.get(url).status_code == 200, url
        token = APIClient().post("/api/v1/auth/token/", {"bhxh_code": citizen.username,
                                                         "password": DEFAULT_PASSWORD})
        assert token.status_code == 200
        health = client.get("/healthz")
        assert health.status_code == 200
        assert health.json()["cache"] == "fallback" and health.json()["broker"] == "error"

        own_redis.start()  # back, empty: what was queued in Redis is gone
        caches["default"]._down_until = 0.0
        assert caches["default"].redis_state() == "ok"
        past = timezone.now() - timedelta(minutes=10)
        Declaration.objects.update(submitted_at=past)
        OutboundMessage.objects.exclude(status=OutboundMessage.Status.SENT).update(
            next_attempt_at=past)
        messages_sweep_task.delay()
        declarations_pdf_sweep_task.delay()

        def all_done():
            statuses = set(OutboundMessage.objects.values_list("status", flat=True))
            rendered = not Declaration.objects.filter(pdf="").exists()
            return rendered and statuses == {OutboundMessage.Status.SENT}
        wait_for(all_done, timeout=120, message=needs_worker.logs())

    assert Declaration.objects.count() == 12
    assert all(d.pdf for d in Declaration.objects.all())
    sms = OutboundMessage.objects.filter(channel="sms")
    assert sms.count() == 12
    delivered = [line["id"] for line in needs_worker.sms_lines()]
    assert sorted(delivered) == sorted(str(m.uuid) for m in sms)  # each once, none twice
