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
    from freezegun import freeze_time

    user = UserFactory()
    with freeze_time() as clock:
        for _ in range(2):
            _login(client, user.username, "wrong")
        clock.tick(2)  # the delay after the second failure
        assert _login(client, user.username, DEFAULT_PASSWORD).status_code == 302
        client.logout()  # (forgets the known-device cookie too)
        for _ in range(2):
            _login(client, user.username, "wrong")
            clock.tick(2)
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
    )
    assert response.status_code == 400
    [message] = response.json()["non_field_errors"]
    assert message.startswith("Bạn đã nhập sai quá nhiều lần. Vui lòng thử lại sau ")
    assert "Quên mật khẩu" in message


def test_growing_delays_then_a_lock_that_says_until_when(client, settings):
    from freezegun import freeze_time

    settings.LOGIN_FAILURES_PER_NAME = 5
    user = UserFactory()
    with freeze_time("2026-11-30 08:00:00+07:00") as clock:
        _login(client, user.username, "wrong")
        _login(client, user.username, "wrong")
        # The third try within a second is refused without being counted.
        refused = _login(client, user.username, DEFAULT_PASSWORD)
        assert "08:00:01" in refused.content.decode()
        for _ in range(3):
            clock.tick(60)
            _login(client, user.username, "wrong")
        clock.tick(60)
        html = _login(client, user.username, DEFAULT_PASSWORD).content.decode()
        assert "08:18:00 30/11/2026" in html  # 15 minutes after the fifth failure (08:03)
        clock.tick(15 * 60 + 1)
        assert _login(client, user.username, DEFAULT_PASSWORD).status_code == 302


def test_unknown_codes_are_locked_alike(client, settings):
    settings.LOGIN_FAILURES_PER_NAME = 3
    settings.LOGIN_FAILURES_PER_ADDRESS = 100
    user = UserFactory()
    from freezegun import freeze_time

    with freeze_time() as clock:
        for name in (user.username, "0999999999"):
            for _ in range(3):
                _login(client, name, "wrong")
                clock.tick(60)
        known = _login(client, user.username, "wrong")
        unknown = _login(client, "0999999999", "wrong")
    import re

    def page(response, name):
        html = response.content.decode().replace(name, "X")
        html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
        return re.sub(r"\d\d:\d\d:\d\d \d\d/\d\d/\d{4}", "TIME", html)

    assert known.status_code == unknown.status_code == 200
    assert page(known, user.username) == page(unknown, "0999999999")


def test_a_known_device_passes_the_locks_set_off_by_others(client, settings):
    """A flood against one account from many addresses, and a carrier address locked by
    others' failures, do not keep its owner out on the phone where they logged in before."""
    settings.LOGIN_FAILURES_PER_NAME = 3
    user = UserFactory()
    assert _login(client, user.username, DEFAULT_PASSWORD).status_code == 302
    device = client.cookies["vssid_device"].value
    client.logout()  # the test client forgets every cookie; the phone keeps this one
    client.cookies["vssid_device"] = device
    attacker = client.__class__()
    for n in range(30):
        attacker.post(reverse("accounts:login"),
                      {"username": user.username, "password": f"guess{n}"},
                      REMOTE_ADDR=f"198.51.100.{n}")
    for n in range(10):
        attacker.post(reverse("accounts:login"), {"username": f"01234567{n:02d}", "password": "x"})
    assert _login(attacker, user.username, DEFAULT_PASSWORD).status_code == 200  # locked
    assert _login(client, user.username, DEFAULT_PASSWORD).status_code == 302  # the owner


def test_a_forged_device_cookie_is_ignored(client, settings):
    settings.LOGIN_FAILURES_PER_NAME = 2
    user = UserFactory()
    for _ in range(2):
        _login(client, user.username, "wrong")
    client.cookies["vssid_device"] = "forged:value"
    assert _login(client, user.username, DEFAULT_PASSWORD).status_code == 200


def test_cache_down_does_not_refuse_logins(client, monkeypatch):
    from django.core.cache import cache

    def broken(*args, **kwargs):
        raise ConnectionError("redis down")

    for name in ("get", "set", "add", "incr", "delete"):
        monkeypatch.setattr(cache, name, broken)
    user = UserFactory()
    _login(client, user.username, "wrong")
    assert _login(client, user.username, DEFAULT_PASSWORD).status_code == 302


def test_the_admin_login_is_limited_like_every_other_login(client, settings):
    """60 wrong passwords then the right one: the staff account is locked, by the same
    counters as the citizen login (a wrong try on the portal's login counts too), and
    every failure is audited."""
    from audit.models import AuditRecord

    settings.LOGIN_FAILURES_PER_NAME = 5
    settings.LOGIN_FAILURES_PER_ADDRESS = 100
    staff = UserFactory(staff=True, is_superuser=True)
    admin_login = reverse("admin:login")
    _login(client, staff.username, "wrong")  # the portal's login shares the count
    for _ in range(60):
        client.post(admin_login, {"username": staff.username, "password": "wrong"})
    response = client.post(admin_login, {"username": staff.username,
                                         "password": DEFAULT_PASSWORD})
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    assert "Bạn đã nhập sai quá nhiều lần" in response.content.decode()
    assert AuditRecord.objects.filter(action="accounts.login_failed").exists()
    assert AuditRecord.objects.filter(action="accounts.login_locked").exists()
