"""Two web nodes behind an imaginary load balancer: two gunicorn processes on their own ports
with SEPARATE local directories (VAR_DIR), one Celery worker with its own, sharing only
PostgreSQL, Redis and the object store (a real S3-compatible server, tests/object_store.py).
Whichever node answers: a registration sent to node 1 is rendered by the worker and read by
an officer logged in on node 2; a wizard started with photos on node 1 is finished on node
2; a session opened on one node holds on the other; a rate limit spent on node 1 holds on
node 2, and so does a login lock. Nothing private lands in a node's own directory.

Needs REDIS_URL, a PostgreSQL DATABASE_URL (the worker fixture skips otherwise, with the
reason) and the object store (skipped when it cannot start)."""
import re
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from django.urls import reverse

from declarations.models import Declaration
from declarations.services.drafts import DRAFT_PHOTO_DIR
from notifications.models import OutboundMessage
from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory
from tests.declarations.registration_helpers import (
    CCCD_FOR_1990_WOMAN,
    jpeg_bytes,
    person_and_office,
    personal_post,
    step,
)
from tests.declarations.review_helpers import officer
from tests.integration.conftest import _delete_keys, wait_for
from tests.registry.factories import InsuredPersonFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
GUNICORN = Path(sys.executable).with_name("gunicorn")
# Small limits, so that spending one takes a few requests.
LIMITS = {"THROTTLE_SHORT_LINK": "3/hour", "THROTTLE_SCAN": "2/hour",
          "LOGIN_FAILURES_PER_NAME": "2"}
PHOTO_KINDS = ("portrait", "id_front", "id_back")


class Node:
    """One web node: gunicorn (one worker, four threads) started from a directory of its own,
    so that it reads no gunicorn.conf.py and writes only there."""

    def __init__(self, name: str, directory: Path, env: dict, port: int) -> None:
        self.name = name
        self.directory = directory
        self.url = f"http://127.0.0.1:{port}"
        self.log = directory / "gunicorn.log"
        self._log = open(self.log, "ab")  # noqa: SIM115 - closed by stop()
        self.process = subprocess.Popen(
            [str(GUNICORN), "--bind", f"127.0.0.1:{port}", "--workers", "1", "--threads", "4",
             "--worker-class", "gthread", "--timeout", "60", "--no-control-socket",
             "--access-logfile", "-", "--error-logfile", "-", "vssid_portal.wsgi:application"],
            cwd=directory, env=env, stdout=self._log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited:\n{self.log_tail()}")
            try:
                if requests.get(f"{self.url}/healthz", timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise TimeoutError(f"{self.name} not ready:\n{self.log_tail()}")

    def log_tail(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        self._log.close()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Cluster:
    def __init__(self, nodes: list[Node], harness, worker_dir: Path, store, location: str
                 ) -> None:
        self.one, self.two = nodes
        self.harness = harness
        self.worker_dir = worker_dir
        self.store = store
        self.location = location

    def keys(self, under: str) -> list[str]:
        prefix = f"{self.location}/"
        return [key.removeprefix(prefix) for key in self.store.keys(prefix + under)]

    def read(self, name: str) -> bytes:
        return self.store.read(f"{self.location}/{name}")

    def local_files(self) -> list[Path]:
        """Files the processes wrote to their own directories, logs and outboxes aside."""
        found = []
        for directory in (self.one.directory, self.two.directory, self.worker_dir):
            found += [path for path in directory.rglob("*") if path.is_file()
                      and path.suffix != ".log" and "outbox" not in path.parts]
        return found

    def logs(self) -> str:
        nodes = "\n".join(f"--- {node.name}\n{node.log_tail()}" for node in (self.one, self.two))
        return f"{nodes}\n--- worker\n{self.harness.logs()}"


@pytest.fixture
def cluster(needs_worker, object_store, tmp_path):
    location = f"two-nodes-{secrets.token_hex(4)}"
    cache_prefix = f"vssid-2n-{secrets.token_hex(6)}"
    shared = {
        "DJANGO_SETTINGS_MODULE": "tests.integration.node_settings",
        "NODE_CACHE_PREFIX": cache_prefix,
        **object_store.environment(location),
        **LIMITS,
    }
    needs_worker.base_env.update(shared)
    directories = {name: tmp_path / name for name in ("node1", "node2", "worker")}
    for directory in directories.values():
        directory.mkdir()

    def env(name: str) -> dict:
        values = needs_worker.env(VAR_DIR=str(directories[name]))
        values.pop("GUNICORN_CMD_ARGS", None)
        return values

    nodes = [Node(name, directories[name], env(name), _free_port())
             for name in ("node1", "node2")]
    try:
        needs_worker.start(VAR_DIR=str(directories["worker"]))
        for node in nodes:
            node.wait_ready()
        yield Cluster(nodes, needs_worker, directories["worker"], object_store, location)
    finally:
        for node in nodes:
            node.stop()
        _delete_keys(cache_prefix)


def _csrf(session: requests.Session, url: str) -> str:
    """Open `url` (a form) and return the CSRF token its cookie carries."""
    answer = session.get(url, timeout=30)
    assert answer.status_code == 200, (url, answer.status_code)
    return session.cookies["csrftoken"]


def _post(session: requests.Session, url: str, data: dict, files=None) -> requests.Response:
    data = {**data, "csrfmiddlewaretoken": session.cookies["csrftoken"]}
    return session.post(url, data=data, files=files, allow_redirects=False, timeout=60)


def _errors(html: str) -> str:
    """The error summary of a form page, for a failure's message."""
    found = re.findall(r'class="[^"]*error[^"]*"[^>]*>(.*?)</', html, flags=re.S)
    return " | ".join(" ".join(text.split()) for text in found)[:2000] or html[-2000:]


def _photos() -> dict:
    return {kind: (f"{kind}.jpg", jpeg_bytes(color=(30 * i, 120, 200)), "image/jpeg")
            for i, kind in enumerate(PHOTO_KINDS)}


def _admin_login(node: Node, username: str, password: str = DEFAULT_PASSWORD
                 ) -> requests.Session:
    session = requests.Session()
    login = f"{node.url}{reverse('admin:login')}"
    _csrf(session, login)
    answer = _post(session, login, {"username": username, "password": password,
                                    "next": reverse("admin:index")})
    assert answer.status_code == 302, answer.text[:2000]
    return session


def test_two_nodes_share_only_database_redis_and_object_store(cluster):
    one, two = cluster.one, cluster.two
    person, office = person_and_office()
    by_api = InsuredPersonFactory(bhxh_code="0107654321")
    staff = officer(office)
    citizen = UserFactory()
    locked = UserFactory()
    pages: list[requests.Response] = []

    # A wizard started with photos on node 1...
    browser = requests.Session()
    _csrf(browser, f"{one.url}{step('personal')}")
    answer = _post(browser, f"{one.url}{step('personal')}",
                   personal_post(person, phone="0934 567 890"))
    assert answer.status_code == 302, _errors(answer.text)
    answer = _post(browser, f"{one.url}{step('photos')}", {"action": "next"}, files=_photos())
    assert answer.status_code == 302, answer.text[:2000]
    drafts = cluster.keys(f"{DRAFT_PHOTO_DIR}/")
    assert len(drafts) == 3
    # ...shows its photos on node 2 and is finished there.
    preview_path = reverse("declarations:register_photo", kwargs={"kind": "portrait"})
    preview = browser.get(f"{two.url}{preview_path}", timeout=30)
    assert preview.status_code == 200 and preview.headers["Content-Type"] == "image/jpeg"
    assert preview.content in {cluster.read(name) for name in drafts}
    pages.append(browser.get(f"{two.url}{step('office')}", timeout=30))
    answer = _post(browser, f"{two.url}{step('office')}",
                   {"office": office.code, "email": "anh@example.vn", "send_email": "on",
                    "action": "next"})
    assert answer.status_code == 302, answer.text[:2000]
    pages.append(browser.get(f"{two.url}{step('review')}", timeout=30))
    answer = _post(browser, f"{two.url}{step('review')}", {"action": "submit",
                                                           "commitment": "on"})
    assert answer.status_code == 302, answer.text[:2000]
    sent = browser.get(f"{two.url}{answer.headers['Location']}", timeout=30)
    pages.append(sent)
    by_web = Declaration.objects.get(insured_person__bhxh_code=person.bhxh_code)
    assert by_web.number in sent.text
    assert cluster.keys(f"{DRAFT_PHOTO_DIR}/") == []

    # A registration sent to node 1 through the API.
    answer = requests.post(f"{one.url}/api/v1/registrations/", data={
        "bhxh_code": by_api.bhxh_code, "full_name": by_api.full_name,
        "date_of_birth": by_api.date_of_birth.isoformat(), "sex": by_api.sex,
        "id_type": "cccd", "id_number": CCCD_FOR_1990_WOMAN,
        "address": "Số 12 phố Huế, Hà Nội", "phone": "0987654321", "office": office.code,
    }, files=_photos(), timeout=60)
    assert answer.status_code == 201, answer.text
    pages.append(answer)
    declarations = [by_web, Declaration.objects.get(number=answer.json()["number"])]

    # The worker renders both PDFs into the store and sends the messages.
    def rendered() -> bool:
        return not Declaration.objects.filter(pdf="").exists()
    wait_for(rendered, timeout=60, message=cluster.logs())
    wait_for(lambda: not OutboundMessage.objects.exclude(status="sent").exists(),
             timeout=60, message=cluster.logs())
    [worker] = cluster.harness.workers
    assert worker.log.read_text().count("declaration_render_pdf_task") >= 2
    assert len(cluster.keys("declarations/")) == 8  # 2 × (3 photos + PDF)

    # The officer, logged in on node 2, opens the photos and the PDFs there.
    desk = _admin_login(two, staff.username)
    for declaration in declarations:
        declaration.refresh_from_db()
        change_path = reverse("admin:declarations_declaration_change", args=[declaration.pk])
        change = desk.get(f"{two.url}{change_path}", timeout=30)
        assert change.status_code == 200 and declaration.number in change.text
        pages.append(change)
        for attachment in declaration.attachments.all():
            url = reverse("admin:declarations_declaration_attachment",
                          args=[declaration.pk, attachment.uuid])
            assert url in change.text
            photo = desk.get(f"{two.url}{url}", timeout=30)
            assert photo.status_code == 200
            assert photo.content == cluster.read(attachment.file.name)
        pdf_path = reverse("admin:declarations_declaration_pdf", args=[declaration.pk])
        pdf = desk.get(f"{two.url}{pdf_path}", timeout=30)
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
        assert pdf.content == cluster.read(declaration.pdf.name)
    # The same officer's session works on node 1 too.
    assert desk.get(f"{one.url}{reverse('admin:index')}", timeout=30,
                    allow_redirects=False).status_code == 200

    # A citizen logs in on node 1 and goes on on node 2; logged out on node 2, out on both.
    citizen_browser = requests.Session()
    login = f"{one.url}{reverse('accounts:login')}"
    _csrf(citizen_browser, login)
    answer = _post(citizen_browser, login, {"username": citizen.username,
                                            "password": DEFAULT_PASSWORD})
    assert answer.status_code == 302, answer.text[:2000]
    own_pages = reverse("declarations:list")
    answer = citizen_browser.get(f"{two.url}{own_pages}", timeout=30, allow_redirects=False)
    assert answer.status_code == 200
    pages.append(answer)
    answer = _post(citizen_browser, f"{two.url}{reverse('accounts:logout')}", {})
    assert answer.status_code == 302
    answer = citizen_browser.get(f"{one.url}{own_pages}", timeout=30, allow_redirects=False)
    assert answer.status_code == 302 and reverse("accounts:login") in answer.headers["Location"]

    # A rate limit spent on node 1 holds on node 2: unknown short links...
    unknown = "/s/" + "".join(secrets.choice("abcdefghijkmnpqrstuvwxyz23456789")
                              for _ in range(12))
    assert [requests.get(f"{one.url}{unknown}", timeout=30).status_code
            for _ in range(3)] == [404] * 3
    assert requests.get(f"{two.url}{unknown}", timeout=30).status_code == 429
    # ...and the API's QR scans (a DRF throttle).
    not_a_photo = {"image": ("x.jpg", b"not a photo", "image/jpeg")}
    scans = [requests.post(f"{node.url}/api/v1/scan/", files=not_a_photo, timeout=30)
             .status_code for node in (one, one, two)]
    assert scans == [400, 400, 429]

    # A login name locked by failures on node 1 is locked on node 2.
    for _ in range(2):
        stranger = requests.Session()
        _csrf(stranger, login)
        answer = _post(stranger, login, {"username": locked.username,
                                         "password": "sai-mat-khau"})
        assert answer.status_code == 200 and "không đúng" in answer.text
    owner = requests.Session()
    login_two = f"{two.url}{reverse('accounts:login')}"
    _csrf(owner, login_two)
    answer = _post(owner, login_two, {"username": locked.username, "password": DEFAULT_PASSWORD})
    assert answer.status_code == 200 and "Bạn đã nhập sai quá nhiều lần" in answer.text

    # Nothing private in any process's own directory; no page names the store.
    assert cluster.local_files() == []
    host = cluster.store.endpoint_url.removeprefix("http://")
    for page in pages:
        assert host not in page.text and cluster.store.bucket not in page.text
        assert not re.search(r"X-Amz-(Signature|Credential)", page.text)
