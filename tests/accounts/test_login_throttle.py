import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from accounts import login_throttle
from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _small_limits(settings):
    settings.LOGIN_FAILURES_PER_NAME = 3
    settings.LOGIN_FAILURES_PER_ADDRESS = 5


def _login(client, username, password):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def test_too_many_failures_block_even_the_right_password(client):
    user = UserFactory()
    for _ in range(3):
        _login(client, user.username, "wrong")
    response = _login(client, user.username, DEFAULT_PASSWORD)
    assert response.status_code == 200
    assert "Bạn đã nhập sai quá nhiều lần" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_other_accounts_are_not_blocked_by_one_name(client):
    blocked, other = UserFactory(), UserFactory()
    for _ in range(3):
        _login(client, blocked.username, "wrong")
    assert _login(client, other.username, DEFAULT_PASSWORD).status_code == 302


def test_success_resets_the_count(client):
    user = UserFactory()
    for _ in range(2):
        _login(client, user.username, "wrong")
    assert _login(client, user.username, DEFAULT_PASSWORD).status_code == 302
    client.logout()
    for _ in range(2):
        _login(client, user.username, "wrong")
    assert _login(client, user.username, DEFAULT_PASSWORD).status_code == 302


def test_one_address_trying_many_names_is_blocked(client):
    user = UserFactory()
    for number in range(5):
        _login(client, f"012345678{number}", "wrong")
    assert _login(client, user.username, DEFAULT_PASSWORD).status_code == 200


def test_empty_password_is_not_counted(client):
    user = UserFactory()
    for _ in range(5):
        _login(client, user.username, "")
    assert _login(client, user.username, DEFAULT_PASSWORD).status_code == 302


def test_cache_keys_hold_no_bhxh_code():
    key = login_throttle._key("name", "0123456789")
    assert "0123456789" not in key


def test_api_token_shares_the_limit():
    user = UserFactory()
    api = APIClient()
    for _ in range(3):
        api.post("/api/v1/auth/token/", {"bhxh_code": user.username, "password": "wrong"})
    response = api.post(
        "/api/v1/auth/token/", {"bhxh_code": user.username, "password": DEFAULT_PASSWORD},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": [
                "Too many failed attempts. Try again in 15 minutes or use the forgotten "
                "password function."
            ]
    }
