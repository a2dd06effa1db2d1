"""No body makes the API answer 500 or anything but JSON in the client's language."""
import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

DEEP = "[" * 990 + "]" * 990
ENDPOINTS = ["/api/v1/lookup/bhxh-code/", "/api/v1/auth/token/", "/api/v1/password-reset/",
             "/api/v1/scan/"]


@pytest.mark.parametrize("url", ENDPOINTS)
@pytest.mark.parametrize("body", [DEEP, '{"a":' * 990 + "1" + "}" * 990, "{not json",
                                  b"\xff\xfe\x00", "[]", "null", '"x"'])
def test_hostile_json_bodies_get_a_vietnamese_400(url, body):
    response = APIClient().post(url, body, content_type="application/json")
    assert response.status_code in (400, 415), response.content[:300]
    detail = str(response.json())
    assert "JSON parse error" not in detail and "Traceback" not in detail
    assert any(ch in detail for ch in "ạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹđ")


def test_deep_json_in_english_when_asked():
    response = APIClient().post("/api/v1/auth/token/", DEEP, content_type="application/json",
                                HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json()["detail"] == "The JSON content is nested too deeply."


def test_throttled_answers_in_vietnamese_with_retry_after(monkeypatch):
    from vssid_portal.throttling import ScopedRateThrottle

    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES",
                        {**ScopedRateThrottle.THROTTLE_RATES, "auth": "1/hour"})
    api = APIClient()
    api.post("/api/v1/auth/token/", {"bhxh_code": "0100000001", "password": "x"})
    response = api.post("/api/v1/auth/token/", {"bhxh_code": "0100000001", "password": "x"})
    assert response.status_code == 429
    assert response.json()["detail"].startswith("Bạn đã gửi quá nhiều yêu cầu")
    assert "Expected" not in response.json()["detail"]
    assert int(response["Retry-After"]) > 0
    english = api.post("/api/v1/auth/token/", {"bhxh_code": "0100000001", "password": "x"},
                       HTTP_ACCEPT_LANGUAGE="en")
    assert english.json()["detail"].startswith("Too many requests")


def test_csrf_failure_on_the_api_is_explained_in_vietnamese():
    user = UserFactory()
    client = Client(enforce_csrf_checks=True)
    client.post(reverse("accounts:login"),
                {"username": user.username, "password": DEFAULT_PASSWORD})
    client.force_login(user)
    response = client.post("/api/v1/account/password/", {"old_password": "x"})
    assert response.status_code == 403
    detail = response.json()["detail"]
    assert "CSRF Failed" not in detail and "mã bảo vệ CSRF" in detail


def test_too_many_fields_is_json_under_the_api(settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    body = "&".join(f"f{n}=1" for n in range(50))
    response = APIClient().post("/api/v1/auth/token/", body,
                                content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")


@pytest.mark.parametrize("url", ["/api/v1/auth/token/", "/api/v1/lookup/bhxh-code/"])
def test_a_body_too_big_is_a_json_error(url):
    body = '{"full_name": "' + "a" * (3 * 1024 * 1024) + '"}'
    response = APIClient().post(url, body, content_type="application/json")
    assert response.status_code in (400, 413)
    assert response["Content-Type"].startswith("application/json")
    assert "quá lớn" in str(response.json())
