"""Private files on an S3-compatible object store (vssid_portal/storage.py), against a real
server started for the session (SeaweedFS, tests/object_store.py; skipped with the reason
where it cannot start): the settings pick it from the environment; objects are private
(an anonymous GET is refused) and never get a URL; reads are streamed; a registration
through the web form and the API stores its photos and PDF there, the e-mail carries the
PDF read from there, and the permission-checked views serve them; a file gone is a 404; the
draft purge deletes objects; no page or header ever shows the store's address."""
import datetime
import json
import os
import secrets
import subprocess
import sys
import tracemalloc
from pathlib import Path

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from declarations.download_links import pdf_download_path
from declarations.models import Declaration
from declarations.private_files import private_file_response
from declarations.services.drafts import DRAFT_PHOTO_DIR, registration_drafts_purge
from declarations.services.review import declaration_approve
from declarations.tasks import registration_drafts_purge_task
from declarations.views_draft import SESSION_KEY
from tests.declarations.registration_helpers import (
    CCCD_FOR_1990_WOMAN,
    jpeg_bytes,
    person_and_office,
    personal_post,
    photo_files,
    step,
)
from tests.declarations.review_helpers import CONTEXT, declaration_for, officer
from tests.object_store import http_get
from tests.registry.factories import InsuredPersonFactory
from vssid_portal.storage import PrivateS3Storage, StoredObjectReader

pytestmark = pytest.mark.django_db
REPO = Path(__file__).resolve().parents[2]


class Store:
    """The session's object store as one test sees it: its own key prefix."""

    def __init__(self, server, location: str) -> None:
        self.server = server
        self.location = location

    def keys(self, under: str = "") -> list[str]:
        """Storage names (without this test's prefix) of the objects under `under`."""
        prefix = f"{self.location}/"
        return [key.removeprefix(prefix) for key in self.server.keys(prefix + under)]

    def read(self, name: str) -> bytes:
        return self.server.read(f"{self.location}/{name}")

    def key(self, name: str) -> str:
        return f"{self.location}/{name}"

    def secrets_of_the_store(self) -> list[str]:
        """What must never appear on a page: the endpoint, the bucket, the keys, a
        signature."""
        host = self.server.endpoint_url.removeprefix("http://")
        return [host, self.server.bucket, self.server.access_key, self.server.secret_key,
                "X-Amz-", "x-amz-", "amazonaws"]


@pytest.fixture
def store(object_store, settings):
    """default_storage is PrivateS3Storage on the session's server, under a prefix of this
    test's own."""
    location = f"test-{secrets.token_hex(6)}"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "vssid_portal.storage.PrivateS3Storage",
                    "OPTIONS": object_store.storage_options(location)},
    }
    assert isinstance(default_storage, PrivateS3Storage)
    return Store(object_store, location)


class Pages:
    """Every answer a test got, to look for the store's address in all of them."""

    def __init__(self) -> None:
        self.answers = []

    def keep(self, response):
        self.answers.append(response)
        return response

    def assert_none_shows(self, secrets_: list[str]) -> None:
        assert self.answers
        for response in self.answers:
            headers = "\n".join(f"{k}: {v}" for k, v in response.items())
            texts = [headers]
            if not response.streaming:  # files are the files; pages and JSON are checked
                texts.append(response.content.decode("utf-8", errors="replace"))
            for text in texts:
                for secret in secrets_:
                    assert secret not in text, (secret, response.request.get("PATH_INFO"))


def _streamed_bytes(response) -> bytes:
    assert response.status_code == 200, response.status_code
    assert response.streaming and response.block_size == 64 * 1024
    assert {"private", "no-store"} <= set(response["Cache-Control"].split(", "))
    chunks = list(response.streaming_content)
    assert all(len(chunk) <= 64 * 1024 for chunk in chunks)
    body = b"".join(chunks)  # the test client closed the response (and the file) at the end
    assert int(response["Content-Length"]) == len(body)
    return body


# --- settings --------------------------------------------------------------------------

def _settings_storage(**env: str) -> dict:
    code = ("import json, django; django.setup(); from django.conf import settings; "
            "print(json.dumps(settings.STORAGES['default']))")
    clean = {k: v for k, v in os.environ.items() if not k.startswith("PRIVATE_STORAGE_")}
    answer = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60,
        env={**clean, "DJANGO_SETTINGS_MODULE": "vssid_portal.settings.dev", **env},
    )
    assert answer.returncode == 0, answer.stderr
    return json.loads(answer.stdout.strip().splitlines()[-1])


def test_settings_use_the_object_store_only_when_a_bucket_is_named(tmp_path):
    local = _settings_storage(PRIVATE_STORAGE_ROOT=str(tmp_path))
    assert local == {"BACKEND": "django.core.files.storage.FileSystemStorage",
                     "OPTIONS": {"location": str(tmp_path), "base_url": None}}
    remote = _settings_storage(
        PRIVATE_STORAGE_BUCKET="vssid-private", PRIVATE_STORAGE_ENDPOINT_URL="https://s3.example.vn",
        PRIVATE_STORAGE_ACCESS_KEY_ID="AK", PRIVATE_STORAGE_SECRET_ACCESS_KEY="SK",
        PRIVATE_STORAGE_REGION="hn-1", PRIVATE_STORAGE_PREFIX="portal",
    )
    assert remote == {"BACKEND": "vssid_portal.storage.PrivateS3Storage", "OPTIONS": {
        "bucket_name": "vssid-private", "endpoint_url": "https://s3.example.vn",
        "access_key": "AK", "secret_key": "SK", "region_name": "hn-1", "location": "portal",
        "addressing_style": "path",
    }}
    # No endpoint (AWS itself): boto3's addressing and credentials chain.
    aws = _settings_storage(PRIVATE_STORAGE_BUCKET="vssid-private")
    assert aws["OPTIONS"] == {"bucket_name": "vssid-private", "addressing_style": "auto",
                              "location": ""}


def test_the_storage_keeps_objects_private():
    storage = PrivateS3Storage(bucket_name="b", endpoint_url="http://127.0.0.1:1")
    assert storage.default_acl is None and storage.querystring_auth is True
    assert storage.file_overwrite is False
    config = storage.client_config
    assert (config.connect_timeout, config.read_timeout) == (3, 20)
    assert config.request_checksum_calculation == "when_required"
    with pytest.raises(ValueError, match="no URL"):
        storage.url("declarations/ab/x.pdf")


# --- the server ------------------------------------------------------------------------

def test_objects_are_private_and_have_no_url(store):
    name = default_storage.save("declarations/ab/photo.jpg", ContentFile(jpeg_bytes()))
    assert store.keys("declarations/") == [name]
    # The plain address of the object is refused without the keys...
    status, body = http_get(store.server.object_url(store.key(name)))
    assert status == 403 and b"AccessDenied" in body
    # ...while the same object signed with them is served: the address is the right one.
    status, body = http_get(store.server.presigned_url(store.key(name)))
    assert status == 200 and body == jpeg_bytes()
    grants = store.server.client().get_object_acl(Bucket=store.server.bucket,
                                                  Key=store.key(name))["Grants"]
    assert all(grant["Grantee"].get("Type") == "CanonicalUser" for grant in grants)
    assert not any("AllUsers" in str(grant) or "AuthenticatedUsers" in str(grant)
                   for grant in grants)
    with pytest.raises(ValueError):
        default_storage.url(name)
    with pytest.raises(NotImplementedError):  # no local path: code must use the storage API
        default_storage.path(name)


def test_reads_are_streamed_not_downloaded_first(store):
    size = 12 * 1024 * 1024
    name = default_storage.save("declarations/cd/big.pdf", ContentFile(os.urandom(size)))
    tracemalloc.start()
    try:
        with default_storage.open(name, "rb") as handle:
            assert handle.size == size
            first = handle.read(64 * 1024)
            _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(first) == 64 * 1024
    assert peak < 2 * 1024 * 1024  # one block, not 12 MB (S3File would hold it all)

    response = private_file_response(name, content_type="application/pdf")
    assert isinstance(response.file_to_stream, StoredObjectReader)
    assert response["Content-Length"] == str(size)
    assert response.block_size == 64 * 1024
    chunk = next(iter(response.streaming_content))
    assert len(chunk) == 64 * 1024
    # (response.close() would also fire request_finished, which closes the test's database
    # connection.)
    response.file_to_stream.close()
    assert response.file_to_stream.closed

    # Opened again (a FieldFile reused): read from the start.
    handle = default_storage.open(name, "rb")
    handle.read(10)
    handle.close()
    handle.open("rb")
    assert handle.read() == store.read(name)
    handle.close()
    with pytest.raises(FileNotFoundError):
        default_storage.open("declarations/cd/gone.pdf", "rb")


# --- the portal on the object store -------------------------------------------------------

def test_registration_photos_and_pdf_live_in_the_store_and_are_served_by_the_views(
    store, client, django_capture_on_commit_callbacks
):
    pages = Pages()
    person, office = person_and_office()

    # The web form: draft photos go to the store, the preview streams them back.
    pages.keep(client.get(reverse("declarations:register"), follow=True))
    assert pages.keep(client.post(step("personal"), personal_post(person))).status_code == 302
    pages.keep(client.get(step("photos")))
    uploaded = pages.keep(client.post(step("photos"), {**photo_files(), "action": "next"}))
    assert uploaded.status_code == 302
    drafts = [meta["name"] for meta in client.session[SESSION_KEY]["photos"].values()]
    assert sorted(drafts) == store.keys(f"{DRAFT_PHOTO_DIR}/")
    preview = client.get(reverse("declarations:register_photo", kwargs={"kind": "id_front"}))
    pages.keep(preview)
    assert _streamed_bytes(preview) == store.read(
        client.session[SESSION_KEY]["photos"]["id_front"]["name"])
    assert Client().get(reverse("declarations:register_photo",
                                kwargs={"kind": "id_front"})).status_code == 404
    pages.keep(client.get(step("office")))
    pages.keep(client.post(step("office"), {"office": office.code, "email": "anh@example.vn",
                                            "send_email": "on", "action": "next"}))
    pages.keep(client.get(step("review")))
    with django_capture_on_commit_callbacks(execute=True):
        sent = pages.keep(client.post(step("review"), {"action": "submit", "commitment": "on"}))
    assert sent.status_code == 302
    pages.keep(client.get(sent["Location"]))

    declaration = Declaration.objects.get()
    names = sorted(a.file.name for a in declaration.attachments.all())
    assert store.keys(f"{DRAFT_PHOTO_DIR}/") == []  # the drafts went with the submit
    assert sorted([*names, declaration.pdf.name]) == store.keys("declarations/")
    pdf = store.read(declaration.pdf.name)
    assert pdf.startswith(b"%PDF")
    [email] = mail.outbox  # the held e-mail left with the PDF read from the store
    assert email.attachments == [(f"to-khai-{declaration.number}.pdf", pdf, "application/pdf")]

    # The API: its photos go to the store too.
    other = InsuredPersonFactory(bhxh_code="0107654321", id_number=None)
    with django_capture_on_commit_callbacks(execute=True):
        answer = APIClient().post("/api/v1/registrations/", {
            "bhxh_code": other.bhxh_code, "full_name": other.full_name,
            "date_of_birth": other.date_of_birth.isoformat(), "sex": other.sex,
            "id_type": "cccd", "id_number": CCCD_FOR_1990_WOMAN,
            "address": "Số 12 phố Huế, Hà Nội", "phone": "0987654321", "office": office.code,
            **photo_files(),
        }, format="multipart")
    pages.keep(answer)
    assert answer.status_code == 201, answer.content
    by_api = Declaration.objects.get(number=answer.json()["number"])
    assert by_api.pdf and len(store.keys("declarations/")) == 8

    # The officer of the receiving office reads photos and PDF in the admin, streamed.
    client.force_login(officer(office))
    pages.keep(client.get(reverse("admin:declarations_declaration_changelist")))
    change = pages.keep(client.get(reverse("admin:declarations_declaration_change",
                                           args=[declaration.pk])))
    assert change.status_code == 200
    for attachment in declaration.attachments.all():
        url = reverse("admin:declarations_declaration_attachment",
                      args=[declaration.pk, attachment.uuid])
        assert url in change.content.decode()
        assert _streamed_bytes(pages.keep(client.get(url))) == store.read(attachment.file.name)
    admin_pdf = client.get(reverse("admin:declarations_declaration_pdf", args=[declaration.pk]))
    assert _streamed_bytes(pages.keep(admin_pdf)) == pdf

    # The citizen: the signed link, then their account's pages and the API.
    assert _streamed_bytes(pages.keep(Client().get(pdf_download_path(declaration)))) == pdf
    declaration_approve(actor=officer(office), declaration_id=declaration.pk, context=CONTEXT)
    declaration.refresh_from_db()
    citizen = declaration.account
    citizen.must_change_password = False
    citizen.save(update_fields=["must_change_password"])
    own = Client()
    own.force_login(citizen)
    uuid = declaration.uuid
    pages.keep(own.get(reverse("declarations:list")))
    pages.keep(own.get(reverse("declarations:detail", kwargs={"uuid": uuid})))
    assert _streamed_bytes(pages.keep(own.get(reverse("declarations:pdf",
                                                      kwargs={"uuid": uuid})))) == pdf
    portrait = declaration.attachments.get(kind="portrait")
    photo = own.get(reverse("declarations:photo", kwargs={"uuid": uuid, "kind": "portrait"}))
    assert _streamed_bytes(pages.keep(photo)) == store.read(portrait.file.name)
    api = APIClient()
    api.force_authenticate(citizen)
    pages.keep(api.get(reverse("api:declaration", kwargs={"uuid": uuid})))
    api_pdf = api.get(reverse("api:declaration-pdf", kwargs={"uuid": uuid}))
    assert _streamed_bytes(pages.keep(api_pdf)) == pdf

    # Nothing the portal answered names the store, its bucket, its keys or a signed URL.
    pages.assert_none_shows(store.secrets_of_the_store())


def test_a_file_gone_from_the_store_is_a_404(store, client):
    person, office = person_and_office()
    client.post(step("personal"), personal_post(person))
    client.post(step("photos"), {**photo_files(), "action": "back"})
    url = reverse("declarations:register_photo", kwargs={"kind": "portrait"})
    assert client.get(url).status_code == 200
    store.server.client().delete_object(
        Bucket=store.server.bucket,
        Key=store.key(client.session[SESSION_KEY]["photos"]["portrait"]["name"]))
    assert client.get(url).status_code == 404

    declaration = declaration_for(office)
    attachment = declaration.attachments.first()
    default_storage.delete(attachment.file.name)
    client.force_login(officer(office))
    gone = client.get(reverse("admin:declarations_declaration_attachment",
                              args=[declaration.pk, attachment.uuid]))
    assert gone.status_code == 404


def test_the_draft_purge_deletes_objects_and_only_old_drafts(store, client):
    person, office = person_and_office()
    client.post(step("personal"), personal_post(person))
    client.post(step("photos"), {**photo_files(), "action": "back"})
    kept = declaration_for(office)  # a filed declaration's photos are not drafts
    drafts = store.keys(f"{DRAFT_PHOTO_DIR}/")
    assert len(drafts) == 3
    assert registration_drafts_purge_task.delay().get() == 0  # younger than a session
    assert registration_drafts_purge(older_than=datetime.timedelta(hours=1)) == 0
    assert store.keys(f"{DRAFT_PHOTO_DIR}/") == drafts
    assert registration_drafts_purge(older_than=datetime.timedelta(seconds=-1)) == 3
    assert store.keys(f"{DRAFT_PHOTO_DIR}/") == []
    assert sorted(a.file.name for a in kept.attachments.all()) == store.keys("declarations/")
    url = reverse("declarations:register_photo", kwargs={"kind": "portrait"})
    assert client.get(url).status_code == 404
