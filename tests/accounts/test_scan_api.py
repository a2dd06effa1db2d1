"""POST /api/v1/scan/."""
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from rest_framework.test import APIClient

from tests.fixtures.qr_photos import MISGUESSED_CCCD, bhyt_payload, fake_person, qr_image

pytestmark = pytest.mark.django_db
URL = "/api/v1/scan/"


def qr_jpeg(payload: str) -> bytes:
    frame = Image.new("RGB", (1200, 900), (180, 170, 160))
    frame.paste(qr_image(payload, side=420).convert("RGB"), (300, 200))
    out = io.BytesIO()
    frame.save(out, "JPEG", quality=80)
    return out.getvalue()


def upload(data: bytes, name="the.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


@pytest.fixture
def client():
    return APIClient()


def test_url_name():
    assert reverse("api:scan") == URL


def test_cccd_photo(client):
    response = client.post(URL, {"image": upload(qr_jpeg(MISGUESSED_CCCD))}, format="multipart")
    assert response.status_code == 200, response.content
    assert response.json() == {
        "kind": "cccd",
        "fields": {"id_number": "001099012345", "full_name": "Trần Văn Đức",
                   "date_of_birth": "1999-01-01", "sex": "M", "address": "Xã Đức Phổ",
                   "issue_date": "2021-01-01"},
    }


def test_bhyt_photo_with_kind(client):
    import random

    person = fake_person(random.Random(5))
    response = client.post(
        URL, {"image": upload(qr_jpeg(bhyt_payload(person))), "kind": "bhyt"},
        format="multipart")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["kind"] == "bhyt"
    assert body["fields"]["bhxh_code"] == person["bhxh"]
    assert body["fields"]["full_name"] == person["name"]


def test_wrong_kind(client):
    response = client.post(
        URL, {"image": upload(qr_jpeg(MISGUESSED_CCCD)), "kind": "bhyt"}, format="multipart")
    assert response.status_code == 400
    assert response.json() == {"image": [
        "Đây là mã QR của thẻ CCCD, không phải thẻ BHYT. Hãy chụp mã QR trên thẻ BHYT."]}


def test_no_qr(client):
    out = io.BytesIO()
    Image.new("RGB", (640, 480), (90, 90, 90)).save(out, "PNG")
    response = client.post(URL, {"image": upload(out.getvalue(), "a.png", "image/png")},
                           format="multipart")
    assert response.status_code == 400
    assert response.json()["image"][0].startswith("Không tìm thấy mã QR trong ảnh.")


def test_not_a_picture(client):
    response = client.post(URL, {"image": upload(b"%PDF-1.7 ...", "a.jpg")},
                           format="multipart")
    assert response.status_code == 400
    assert response.json() == {"image": ["Tệp không phải là ảnh JPEG, PNG, HEIC hoặc WebP."]}


def test_missing_image_and_bad_kind(client):
    response = client.post(URL, {"kind": "passport"}, format="multipart")
    assert response.status_code == 400
    body = response.json()
    assert body["image"] == ["Chọn ảnh chụp mã QR trên thẻ CCCD hoặc thẻ BHYT."]
    assert body["kind"] == ["Loại thẻ phải là “cccd” hoặc “bhyt”."]


def test_too_large(client):
    """Stopped while the body is parsed (registry.uploads): a 413, the same words."""
    data = qr_jpeg(MISGUESSED_CCCD) + b"\x00" * (15 * 1024 * 1024)
    response = client.post(URL, {"image": upload(data)}, format="multipart")
    assert response.status_code == 413
    assert response.json() == {"image": ["Ảnh quá lớn: tối đa 15 MB."]}


def test_json_body_cannot_carry_a_photo(client):
    response = client.post(URL, {"image": "x"}, format="json", HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 400
    assert response.json()["image"] == ["Chọn ảnh chụp mã QR trên thẻ CCCD hoặc thẻ BHYT."]


def test_english_messages(client):
    response = client.post(URL, {"image": upload(b"%PDF-1.7 ...", "a.jpg")},
                           format="multipart", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json() == {"image": ["The file is not a JPEG, PNG, HEIC or WebP image."]}


def test_logged_in_session_needs_csrf():
    """A logged-in user (a guardian scanning a child's card) posts with the CSRF token."""
    from accounts.models import User

    user = User.objects.create_user(username="0123456789", password="x-Strong-pass-1")
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.post(URL, {"image": upload(qr_jpeg(MISGUESSED_CCCD))},
                           format="multipart")
    assert response.status_code == 403


def test_throttled(client, settings):
    from django.core.cache import cache

    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
                                   "scan": "2/hour"},
    }
    from rest_framework.throttling import ScopedRateThrottle

    cache.clear()
    original = ScopedRateThrottle.THROTTLE_RATES
    ScopedRateThrottle.THROTTLE_RATES = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    try:
        codes = [client.post(URL, {"image": upload(b"x")}, format="multipart").status_code
                 for _ in range(3)]
    finally:
        ScopedRateThrottle.THROTTLE_RATES = original
    assert codes == [400, 400, 429]


# --- the raw bytes of a QR code read by the browser's camera ----------------------------

def b64(data: bytes) -> str:
    import base64
    return base64.b64encode(data).decode()


def test_payload_read_by_the_camera_is_parsed_like_a_photo(client):
    from accounts.scanning import scan_image

    by_photo = scan_image(qr_jpeg(MISGUESSED_CCCD), kind="cccd")
    response = client.post(URL, {"payload": b64(MISGUESSED_CCCD.encode()), "kind": "cccd"},
                           format="json")
    assert response.status_code == 200, response.content
    assert response.json() == {"kind": by_photo.kind, "fields": by_photo.fields}


def test_payload_as_form_field_too(client):
    import random

    person = fake_person(random.Random(8))
    response = client.post(URL, {"payload": b64(bhyt_payload(person).encode())})
    assert response.status_code == 200, response.content
    assert response.json()["fields"]["full_name"] == person["name"]


def test_payload_not_utf8_is_refused_as_the_server_would(client):
    # The same bytes decoded as Latin-1 by a reader would be mojibake: the server decodes
    # UTF-8 strictly, as it does for a photo's code.
    raw = MISGUESSED_CCCD.encode("utf-8").decode("latin-1").encode("cp1258", "replace")
    response = client.post(URL, {"payload": b64(raw)}, format="json",
                           HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 400
    assert "không phải mã QR" in response.json()["payload"][0]


@pytest.mark.parametrize("value", ["***", "YQ", "", "   "])
def test_payload_malformed_base64(client, value):
    response = client.post(URL, {"payload": value}, format="json", HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 400
    assert response.json()


def test_payload_too_long(client):
    response = client.post(URL, {"payload": b64(b"x" * 5000)}, format="json",
                           HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 400
    assert "quá dài" in response.json()["payload"][0]


def test_payload_of_the_other_card(client):
    response = client.post(URL, {"payload": b64(MISGUESSED_CCCD.encode()), "kind": "bhyt"},
                           format="json", HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 400
    assert "không phải thẻ BHYT" in response.json()["payload"][0]


def test_image_and_payload_together_or_neither(client):
    both = client.post(URL, {"image": upload(qr_jpeg(MISGUESSED_CCCD)),
                             "payload": b64(MISGUESSED_CCCD.encode())}, format="multipart")
    neither = client.post(URL, {"kind": "cccd"}, format="json")
    assert both.status_code == neither.status_code == 400
