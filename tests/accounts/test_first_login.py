"""First login with the temporary password: every page leads to setting one's own, the
API answers 403 naming the endpoint, and the rules of a new password."""
import datetime

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from audit.actions import AuditAction
from audit.models import AuditRecord
from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
GOOD = "Hoa-sen-nở-2026"


@pytest.fixture
def newcomer():
    return UserFactory(must_change_password=True)


@pytest.mark.parametrize("path", ["/", reverse("accounts:my_card"),
                                  reverse("declarations:status_lookup"),
                                  reverse("registry:offices")])
def test_every_page_leads_to_the_new_password_page(client, newcomer, path):
    client.force_login(newcomer)
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:password_initial"))


def test_the_page_sets_the_password_and_lets_the_citizen_go_on(client, newcomer):
    client.force_login(newcomer)
    url = reverse("accounts:password_initial")
    assert client.get(url).status_code == 200
    response = client.post(url, {"new_password1": GOOD, "new_password2": GOOD, "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    newcomer.refresh_from_db()
    assert not newcomer.must_change_password and newcomer.check_password(GOOD)
    assert client.get("/").status_code == 200  # still logged in, free to go
    assert AuditRecord.objects.filter(action=AuditAction.PASSWORD_INITIAL_SET).count() == 1
    assert client.get(url).status_code == 302  # nothing more to set


def test_next_never_leads_off_site(client, newcomer):
    client.force_login(newcomer)
    response = client.post(reverse("accounts:password_initial"), {
        "new_password1": GOOD, "new_password2": GOOD, "next": "https://evil.example/",
    })
    assert response["Location"] == "/"


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short1!", "quá ngắn"),
        ("12345678901", "hoàn toàn là số"),
        ("matkhau{code}", "mã số BHXH"),
        ("Mk-0912345678", "số điện thoại"),
        ("Mk-912345678x", "số điện thoại"),
        ("Sinh17051990!", "ngày sinh"),
        ("Sinh-17/05/1990", "ngày sinh"),
        ("password123", "quá phổ biến"),
        (DEFAULT_PASSWORD, "mật khẩu tạm thời"),
    ],
)
def test_password_rules_in_vietnamese(client, newcomer, password, message):
    newcomer.insured_person.date_of_birth = datetime.date(1990, 5, 17)
    newcomer.insured_person.save()
    password = password.replace("{code}", newcomer.username)
    client.force_login(newcomer)
    response = client.post(reverse("accounts:password_initial"),
                           {"new_password1": password, "new_password2": password})
    assert response.status_code == 200
    assert message in response.content.decode()
    newcomer.refresh_from_db()
    assert newcomer.must_change_password


def test_mismatched_confirmation(client, newcomer):
    client.force_login(newcomer)
    response = client.post(reverse("accounts:password_initial"),
                           {"new_password1": GOOD, "new_password2": GOOD + "x"})
    assert "Hai mật khẩu không giống nhau" in response.content.decode()


def test_the_api_names_the_endpoint_then_works_after_the_change(newcomer):
    api = APIClient()
    token = api.post(reverse("api:auth-token"),
                     {"bhxh_code": newcomer.username, "password": DEFAULT_PASSWORD}).json()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token['token']}")
    endpoint = reverse("api:account-password-initial")
    for url in (reverse("api:my-card") if _has("api:my-card") else "/api/v1/me/card/",
                "/api/v1/me/participation/"):
        response = api.get(url)
        assert response.status_code == 403, url
        body = response.json()
        assert body["code"] == "password_change_required"
        assert body["password_change_endpoint"] == endpoint
        assert endpoint in body["detail"]
    weak = api.post(endpoint, {"new_password": "12345678"}, format="json")
    assert weak.status_code == 400 and "new_password" in weak.json()
    assert api.post(endpoint, {"new_password": GOOD}, format="json").status_code == 200
    assert api.get("/api/v1/me/card/").status_code != 403


def _has(name: str) -> bool:
    from django.urls import NoReverseMatch

    try:
        reverse(name)
    except NoReverseMatch:
        return False
    return True


def _routes(patterns, prefix=""):
    from django.urls import URLResolver

    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, route)
        else:
            yield route


def test_every_api_endpoint_refuses_a_temporary_password(newcomer):
    """Walk the URL conf: every API endpoint that needs a logged-in account refuses one
    whose temporary password is not replaced yet."""
    from django.urls import get_resolver

    api = APIClient()
    api.force_authenticate(newcomer)
    refused = []
    for route in _routes(get_resolver().url_patterns):
        if not route.startswith("api/v1/") or "<" in route:
            continue
        url = "/" + route
        response = api.get(url)
        if response.status_code == 403:
            assert response.json()["code"] == "password_change_required", url
            refused.append(url)
    assert {"/api/v1/me/card/", "/api/v1/me/participation/"} <= set(refused)
    assert reverse("api:account-password-initial") not in refused
