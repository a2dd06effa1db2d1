import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from rest_framework.test import APIClient

from declarations.models import Declaration
from tests.accounts.factories import UserFactory
from tests.declarations.registration_helpers import (
    CCCD_FOR_1990_WOMAN,
    jpeg_bytes,
    person_and_office,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_vietnamese():
    # Another test's English request leaves English active in this thread.
    with translation.override("vi"):
        yield
URL = "/api/v1/registrations/"


def payload(person, office, **overrides) -> dict:
    data = {
        "bhxh_code": person.bhxh_code,
        "full_name": person.full_name,
        "date_of_birth": person.date_of_birth.isoformat(),
        "sex": person.sex,
        "id_type": "cccd",
        "id_number": CCCD_FOR_1990_WOMAN,
        "address": "Số 12 phố Huế, Hà Nội",
        "phone": "0912345678",
        "email": "",
        "office": office.code,
        "send_email": "false",
        "portrait": SimpleUploadedFile("p.jpg", jpeg_bytes(), content_type="image/jpeg"),
        "id_front": SimpleUploadedFile("f.jpg", jpeg_bytes(), content_type="image/jpeg"),
        "id_back": SimpleUploadedFile("b.jpg", jpeg_bytes(), content_type="image/jpeg"),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def api():
    return APIClient()


def test_created(api):
    person, office = person_and_office()
    response = api.post(
        URL, payload(person, office, email="a@example.vn", send_email="true"), format="multipart"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == {"number", "status", "status_url"}
    assert body["status"] == "submitted"
    declaration = Declaration.objects.get(number=body["number"])
    assert "/to-khai/trang-thai/" in body["status_url"]
    assert declaration.attachments.count() == 3
    assert declaration.send_email is True
    assert declaration.language == "vi"


def test_anonymous_without_csrf_even_with_a_session(api):
    person, office = person_and_office()
    api.force_login(UserFactory(staff=True))
    api.handler.enforce_csrf_checks = True
    response = api.post(URL, payload(person, office), format="multipart")
    assert response.status_code == 201


def test_field_errors_in_vietnamese(api):
    person, office = person_and_office()
    response = api.post(
        URL,
        payload(person, office, full_name="Người Khác", phone="123", id_back=None),
        format="multipart",
    )
    assert response.status_code == 400
    body = response.json()
    assert "không khớp với cơ sở dữ liệu BHXH" in body["bhxh_code"][0]
    assert "Số điện thoại di động không hợp lệ" in body["phone"][0]
    assert body["id_back"] == ["Vui lòng cung cấp ảnh mặt sau CCCD."]
    assert not Declaration.objects.exists()


def test_field_errors_in_english(api):
    person, office = person_and_office()
    response = api.post(
        URL,
        payload(person, office, full_name="Người Khác"),
        format="multipart",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    message = response.json()["bhxh_code"][0]
    assert "do not match" in message


def test_english_declaration_language(api):
    person, office = person_and_office()
    response = api.post(URL, payload(person, office), format="multipart", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 201
    assert Declaration.objects.get().language == "en"


def test_hostile_upload_refused(api):
    person, office = person_and_office()
    evil = SimpleUploadedFile(
        "photo.jpg", b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 1 1\n", content_type="image/jpeg"
    )
    response = api.post(URL, payload(person, office, portrait=evil), format="multipart")
    assert response.status_code == 400
    assert "portrait" in response.json()


def test_empty_request_lists_every_field(api):
    response = api.post(URL, {}, format="multipart")
    assert response.status_code == 400
    body = response.json()
    for field in (
        "bhxh_code",
        "full_name",
        "date_of_birth",
        "sex",
        "id_type",
        "address",
        "phone",
        "office",
        "portrait",
        "id_front",
        "id_back",
    ):
        assert field in body, field


def test_bad_date_and_aliases(api):
    person, office = person_and_office()
    response = api.post(
        URL, payload(person, office, date_of_birth="32/13/1990"), format="multipart"
    )
    assert response.status_code == 400
    assert "date_of_birth" in response.json()
    response = api.post(
        URL,
        payload(person, office, date_of_birth="17/05/1990", sex="Nữ", id_type="CCCD"),
        format="multipart",
    )
    assert response.status_code == 201, response.content


def test_duplicate_pending_refused(api):
    person, office = person_and_office()
    assert api.post(URL, payload(person, office), format="multipart").status_code == 201
    response = api.post(URL, payload(person, office), format="multipart")
    assert response.status_code == 400
    assert "đang chờ" in response.json()["bhxh_code"][0]


def test_get_not_allowed(api):
    assert api.get(URL).status_code == 405


def test_throttled(api, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "registration": "2/hour",
        },
    }
    from rest_framework.throttling import ScopedRateThrottle

    # DRF binds the rates to the class at import: put back the very dict it had (after
    # this test, not the overridden settings, or every later test would be limited).
    saved = ScopedRateThrottle.THROTTLE_RATES
    ScopedRateThrottle.THROTTLE_RATES = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    try:
        codes = [api.post(URL, {}, format="multipart").status_code for _ in range(3)]
    finally:
        ScopedRateThrottle.THROTTLE_RATES = saved
    assert codes == [400, 400, 429]


# --- the cheap checks before any photo is decoded ------------------------------------------

@pytest.fixture
def no_decoding(monkeypatch):
    """Decoding a photo fails the test."""
    def fail(*args, **kwargs):
        pytest.fail("a photo was decoded")

    monkeypatch.setattr("declarations.services.registration.sanitize_photo", fail)
    monkeypatch.setattr("declarations.photos.load_reduced", fail)
    monkeypatch.setattr("declarations.photos.open_image", fail)


def test_data_refused_by_the_registry_decodes_no_photo(api, no_decoding):
    person, office = person_and_office()
    response = api.post(URL, payload(person, office, full_name="Người Khác"), format="multipart")
    assert response.status_code == 400
    assert "không khớp với cơ sở dữ liệu BHXH" in response.json()["bhxh_code"][0]
    assert not Declaration.objects.exists()


def test_a_missing_photo_is_reported_before_any_is_decoded(api, no_decoding):
    person, office = person_and_office()
    response = api.post(URL, payload(person, office, id_front=None), format="multipart")
    assert response.status_code == 400
    assert response.json() == {"id_front": ["Vui lòng cung cấp ảnh mặt trước CCCD."]}


def test_rate_limit_is_checked_before_any_photo_is_decoded(api, no_decoding, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {
        **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "registration": "0/hour"}}
    person, office = person_and_office()
    response = api.post(URL, payload(person, office), format="multipart")
    assert response.status_code == 429


def test_photos_are_decoded_one_at_a_time_after_the_checks(api, monkeypatch):
    import threading

    from declarations.services import registration

    real = registration.sanitize_photo
    active, seen, lock = [0], [], threading.Lock()

    def counting(upload):
        with lock:
            active[0] += 1
            seen.append(active[0])
        try:
            return real(upload)
        finally:
            with lock:
                active[0] -= 1

    monkeypatch.setattr(registration, "sanitize_photo", counting)
    person, office = person_and_office()
    response = api.post(URL, payload(person, office), format="multipart")
    assert response.status_code == 201
    assert seen == [1, 1, 1]
