"""Upload limits applied while Django parses a multipart body (registry.uploads): a 413 in
the user's language, JSON under /api/ and the portal's page elsewhere, and nothing of the
refused body left in the temporary directory or in private storage."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.test.client import MULTIPART_CONTENT, FakePayload, encode_multipart
from rest_framework.test import APIClient

from declarations.models import Declaration
from registry.uploads import LimitedUploadHandler, UploadTooLarge
from tests.declarations.registration_helpers import (
    jpeg_bytes,
    person_and_office,
    personal_post,
    step,
)

pytestmark = pytest.mark.django_db

PHOTO_LIMIT = 15 * 1024 * 1024
API = "/api/v1/registrations/"


@pytest.fixture(autouse=True)
def upload_dir(tmp_path, settings):
    """Django's temporary upload files go here, to be looked at afterwards."""
    path = tmp_path / "uploads"
    path.mkdir()
    settings.FILE_UPLOAD_TEMP_DIR = str(path)
    return path


def too_big(name: str = "big.jpg") -> SimpleUploadedFile:
    data = jpeg_bytes()
    return SimpleUploadedFile(name, data + b"\x00" * (PHOTO_LIMIT + 1 - len(data)), "image/jpeg")


def photo(name: str) -> SimpleUploadedFile:
    # Over FILE_UPLOAD_MAX_MEMORY_SIZE in total with the big one: written to temporary files.
    return SimpleUploadedFile(name, jpeg_bytes(), content_type="image/jpeg")


def files_under(path) -> list:
    return [p for p in path.rglob("*") if p.is_file()]


def test_settings_agree_with_the_photo_limit(settings):
    from accounts.scanning.images import MAX_BYTES

    assert settings.UPLOAD_FILE_MAX_BYTES == MAX_BYTES == PHOTO_LIMIT
    assert settings.FILE_UPLOAD_HANDLERS[0] == "registry.uploads.LimitedUploadHandler"
    assert settings.UPLOAD_REQUEST_MAX_BYTES >= 3 * PHOTO_LIMIT


def test_api_photo_over_the_limit_is_a_413_and_leaves_nothing(upload_dir, _private_storage):
    response = APIClient().post(API, {
        "portrait": photo("p.jpg"), "id_front": too_big(), "id_back": photo("b.jpg"),
        "bhxh_code": "0100000001"}, format="multipart")
    assert response.status_code == 413
    assert response.json() == {"id_front": ["Ảnh quá lớn: tối đa 15 MB."]}
    assert files_under(upload_dir) == []
    assert files_under(_private_storage) == []
    assert not Declaration.objects.exists()


def test_api_413_in_english():
    response = APIClient().post(API, {"portrait": too_big()}, format="multipart",
                                HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 413
    assert response.json() == {"portrait": ["The image is too large: 15 MB at most."]}


def test_web_photo_step_over_the_limit_is_the_portals_413_page(client, upload_dir,
                                                                 _private_storage):
    at_the_photo_step(client)
    response = client.post(step("photos"), {
        "portrait": photo("p.jpg"), "id_front": photo("f.jpg"), "id_back": too_big(),
        "action": "next"})
    html = response.content.decode()
    assert response.status_code == 413
    assert "Dữ liệu gửi lên quá lớn" in html and "Ảnh quá lớn: tối đa 15 MB." in html
    assert f'href="{step("photos")}"' in html  # back to the step, the draft kept
    assert files_under(upload_dir) == []
    assert files_under(_private_storage) == []
    assert client.get(step("photos")).status_code == 200


def at_the_photo_step(client):
    # (A browser's POST is parsed by the CSRF check before any view; the test client skips
    # that check, so the step's view is the first to read the body.)
    person, _office = person_and_office()
    assert client.post(step("personal"), personal_post(person)).status_code == 302


def test_web_413_page_in_english(client):
    at_the_photo_step(client)
    client.cookies["vssid_language"] = "en"
    response = client.post(step("photos"), {"portrait": too_big()})
    assert response.status_code == 413
    assert "The image is too large: 15 MB at most." in response.content.decode()


def test_body_announcing_more_than_the_limit_is_refused_unread(settings):
    """Content-Length decides: not one byte of the body is read (FakePayload would
    complain about a read past the bytes it holds)."""
    body = encode_multipart("BoUnDaRy", {"portrait": photo("p.jpg")})
    response = Client().generic(
        "POST", API, CONTENT_TYPE=MULTIPART_CONTENT.replace("BoUnDaRyStRiNg", "BoUnDaRy"),
        CONTENT_LENGTH=str(settings.UPLOAD_REQUEST_MAX_BYTES + 1),
        **{"wsgi.input": FakePayload(body)})
    assert response.status_code == 413
    assert response.json() == {"detail": "Dữ liệu gửi lên quá lớn: tối đa 46 MB mỗi lần gửi."}


def test_body_limit_on_a_page(client, settings):
    at_the_photo_step(client)
    settings.UPLOAD_REQUEST_MAX_BYTES = 100 * 1024
    padded = SimpleUploadedFile("p.jpg", jpeg_bytes() + b"\x00" * 150_000, "image/jpeg")
    response = client.post(step("photos"), {"portrait": padded})
    assert response.status_code == 413
    assert "Dữ liệu gửi lên quá lớn: tối đa 0 MB mỗi lần gửi." in response.content.decode()


def test_browser_post_is_refused_by_the_csrf_check_reading_the_body(settings):
    """Through the CSRF check, as a browser's POST goes: the same 413 page."""
    client = Client(enforce_csrf_checks=True)
    client.get(step("personal"))
    token = client.cookies["csrftoken"].value
    response = client.post(step("photos"), {"csrfmiddlewaretoken": token,
                                            "portrait": too_big()})
    assert response.status_code == 413
    assert "Ảnh quá lớn: tối đa 15 MB." in response.content.decode()


def test_a_file_of_exactly_the_limit_passes_the_handler():
    handler = LimitedUploadHandler()
    handler.new_file("portrait", "p.jpg", "image/jpeg", None)
    chunk = b"\x00" * (1024 * 1024)
    for start in range(0, PHOTO_LIMIT, len(chunk)):
        assert handler.receive_data_chunk(chunk, start) is chunk
    assert handler.upload_complete() is None


def test_a_part_announcing_its_size_is_stopped_before_it_is_read():
    from django.core.files.uploadhandler import StopUpload

    handler = LimitedUploadHandler()
    with pytest.raises(StopUpload):
        handler.new_file("portrait", "p.jpg", "image/jpeg", PHOTO_LIMIT + 1)
    with pytest.raises(UploadTooLarge) as exc:
        handler.upload_complete()
    assert exc.value.field == "portrait"
