import pytest
from django.urls import reverse

from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_login_page_is_in_vietnamese_with_labelled_fields(client):
    response = client.get(reverse("accounts:login"))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<label for="id_username">Mã số BHXH hoặc tên đăng nhập' in html
    assert '<label for="id_password">Mật khẩu' in html
    assert 'aria-describedby="id_username_helptext"' in html


def test_citizen_logs_in_with_bhxh_code(client):
    user = UserFactory()
    response = client.post(
        reverse("accounts:login"), {"username": user.username, "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.session["_auth_user_id"] == str(user.pk)


def test_bhxh_code_typed_with_spaces_is_accepted(client):
    user = UserFactory(insured_person__bhxh_code="0123456789")
    response = client.post(
        reverse("accounts:login"), {"username": " 0123 456 789 ", "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_staff_logs_in_with_login_name_and_goes_to_next(client):
    user = UserFactory(staff=True)
    response = client.post(
        reverse("accounts:login") + "?next=/admin/",
        {"username": user.username, "password": DEFAULT_PASSWORD, "next": "/admin/"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/admin/"


def test_next_to_another_host_is_ignored(client):
    user = UserFactory()
    response = client.post(
        reverse("accounts:login"),
        {"username": user.username, "password": DEFAULT_PASSWORD, "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("home")


def test_wrong_password_shows_error_summary_in_vietnamese(client):
    user = UserFactory()
    response = client.post(
        reverse("accounts:login"), {"username": user.username, "password": "sai-mat-khau"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="error-summary"' in html
    assert "Có lỗi cần sửa" in html
    assert "hoặc mật khẩu không đúng" in html
    assert "_auth_user_id" not in client.session


def test_empty_form_lists_each_missing_field_with_a_link(client):
    response = client.post(reverse("accounts:login"), {"username": "", "password": ""})
    html = response.content.decode()
    assert '<a href="#id_username">' in html
    assert "Nhập mã số BHXH hoặc tên đăng nhập." in html
    assert '<a href="#id_password">' in html
    assert 'aria-invalid="true"' in html


def test_inactive_account_cannot_log_in(client):
    user = UserFactory(is_active=False)
    response = client.post(
        reverse("accounts:login"), {"username": user.username, "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_login_page_in_english(client):
    client.cookies["vssid_language"] = "en"
    response = client.post(reverse("accounts:login"), {"username": "", "password": ""})
    html = response.content.decode()
    assert "There is a problem" in html
    assert "BHXH code or login name" in html


def test_logout_is_post_only_and_logs_out(client):
    user = UserFactory()
    client.force_login(user)
    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_logged_in_user_sees_logout_button_in_nav(client):
    client.force_login(UserFactory())
    html = client.get(reverse("home")).content.decode()
    assert f'action="{reverse("accounts:logout")}"' in html
    assert 'data-testid="logout"' in html


def test_anonymous_user_sees_login_link(client):
    html = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("accounts:login")}"' in html
    assert 'data-testid="logout"' not in html


def test_user_who_must_change_password_is_sent_to_set_one(client):
    user = UserFactory(must_change_password=True)
    response = client.post(
        reverse("accounts:login"), {"username": user.username, "password": DEFAULT_PASSWORD}
    )
    assert response["Location"] == reverse("accounts:password_initial")


def test_login_applies_the_accounts_language_on_a_new_device(client):
    user = UserFactory(language="en")
    response = client.post(
        reverse("accounts:login"), {"username": user.username, "password": DEFAULT_PASSWORD}
    )
    assert response.cookies["vssid_language"].value == "en"
    assert "What do you want to do?" in client.get(reverse("home")).content.decode()


def test_language_chosen_before_login_becomes_the_accounts(client):
    user = UserFactory(language="vi")
    client.cookies["vssid_language"] = "en"
    client.post(
        reverse("accounts:login"), {"username": user.username, "password": DEFAULT_PASSWORD}
    )
    user.refresh_from_db()
    assert user.language == "en"
