import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from rest_framework.throttling import ScopedRateThrottle

from audit.models import AuditRecord
from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/auth/token/"


@pytest.fixture
def api():
    return APIClient()


def test_url_name():
    assert reverse("api:auth-token") == URL


def test_token_for_bhxh_code_and_password(api):
    user = UserFactory()
    response = api.post(URL, {"bhxh_code": user.username, "password": DEFAULT_PASSWORD})
    assert response.status_code == 200
    body = response.json()
    assert body["token"] == Token.objects.get(user=user).key
    assert set(body) == {"token", "device_token"}
    record = AuditRecord.objects.get(action="accounts.token_issued")
    assert record.object_id == str(user.pk)
    assert user.username not in str(record.data)


def test_same_token_on_second_request(api):
    user = UserFactory()
    first = api.post(URL, {"bhxh_code": user.username, "password": DEFAULT_PASSWORD}).json()
    second = api.post(URL, {"bhxh_code": user.username, "password": DEFAULT_PASSWORD}).json()
    assert first == second


def test_token_authenticates_later_requests(api):
    user = UserFactory()
    token = api.post(URL, {"bhxh_code": user.username, "password": DEFAULT_PASSWORD}).json()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token['token']}")
    from rest_framework.request import Request
    from rest_framework.views import APIView

    request = api.get("/api/v1/").wsgi_request
    user_seen = APIView().initialize_request(request)
    assert isinstance(user_seen, Request)
    assert user_seen.user == user


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("vi", "Mã số BHXH (hoặc tên đăng nhập) hoặc mật khẩu không đúng. Lưu ý: mật khẩu "
             "phân biệt chữ hoa và chữ thường."),
        ("en", "The BHXH code (or login name) or the password is incorrect. Note that the "
             "password is case-sensitive."),
    ],
)
def test_wrong_password_is_400_translated_by_accept_language(api, language, message):
    user = UserFactory()
    response = api.post(
        URL, {"bhxh_code": user.username, "password": "nope"}, HTTP_ACCEPT_LANGUAGE=language
    )
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": [message]}
    assert not Token.objects.exists()


def test_unknown_code_gives_the_same_message_as_wrong_password(api):
    user = UserFactory()
    unknown = api.post(URL, {"bhxh_code": "9999999999", "password": "x"})
    wrong = api.post(URL, {"bhxh_code": user.username, "password": "x"})
    assert unknown.status_code == wrong.status_code == 400
    assert unknown.json() == wrong.json()


def test_inactive_account_gets_no_token(api):
    user = UserFactory(is_active=False)
    response = api.post(URL, {"bhxh_code": user.username, "password": DEFAULT_PASSWORD})
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("language", "messages"),
    [
        ("vi", {"bhxh_code": ["Nhập mã số BHXH."], "password": ["Nhập mật khẩu."]}),
        ("en", {"bhxh_code": ["Enter your BHXH code."], "password": ["Enter your password."]}),
    ],
)
def test_missing_fields_are_reported_per_field(api, language, messages):
    response = api.post(URL, {}, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 400
    assert response.json() == messages


def test_get_is_405_in_standard_shape(api):
    response = api.get(URL, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 405
    assert response.json() == {"detail": 'Method "GET" not allowed.'}


def test_auth_scope_is_throttled(api, monkeypatch):
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"auth": "2/minute"})
    for _ in range(2):
        assert api.post(URL, {"bhxh_code": "9999999999", "password": "x"}).status_code == 400
    response = api.post(URL, {"bhxh_code": "9999999999", "password": "x"})
    assert response.status_code == 429
    assert set(response.json()) == {"detail"}


def test_auth_scope_is_configured():
    from django.conf import settings

    assert "auth" in settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
