import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_pages_are_vietnamese_by_default_whatever_the_browser_says(client):
    response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    html = response.content.decode()
    assert '<html lang="vi">' in html
    assert "Bạn muốn làm gì?" in html


def test_language_switch_sets_english_and_back(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    html = client.get(reverse("home")).content.decode()
    assert '<html lang="en">' in html
    assert "What do you want to do?" in html
    assert 'data-testid="lang-vi"' in html
    client.post(reverse("set_language"), {"language": "vi", "next": "/"})
    assert "Bạn muốn làm gì?" in client.get(reverse("home")).content.decode()


def test_unknown_language_cookie_falls_back_to_vietnamese(client):
    client.cookies["vssid_language"] = "fr"
    assert '<html lang="vi">' in client.get(reverse("home")).content.decode()


def test_api_follows_accept_language(client):
    response = client.post("/api/v1/auth/token/", {}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.json()["password"] == ["Enter your password."]
    response = client.post("/api/v1/auth/token/", {}, HTTP_ACCEPT_LANGUAGE="vi")
    assert response.json()["password"] == ["Nhập mật khẩu."]


def test_home_links_to_every_flow_that_exists(client):
    from django.urls import NoReverseMatch

    from vssid_portal.views import FLOWS

    html = client.get(reverse("home")).content.decode()
    for name, _title, _description in FLOWS:
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        assert f'href="{url}"' in html, name


def test_logged_in_users_choice_is_kept_on_the_account(client):
    from audit.models import AuditRecord
    from tests.accounts.factories import UserFactory

    user = UserFactory(language="vi")
    client.force_login(user)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    user.refresh_from_db()
    assert user.language == "en"
    assert AuditRecord.objects.filter(action="accounts.language_set").count() == 1
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert AuditRecord.objects.filter(action="accounts.language_set").count() == 1


def test_unknown_language_is_not_stored(client):
    from tests.accounts.factories import UserFactory

    user = UserFactory(language="vi")
    client.force_login(user)
    client.post(reverse("set_language"), {"language": "xx", "next": "/"})
    user.refresh_from_db()
    assert user.language == "vi"


def test_set_language_is_post_only(client):
    assert client.get(reverse("set_language")).status_code == 405
