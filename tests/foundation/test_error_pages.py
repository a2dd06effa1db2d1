import json

import pytest
from django.test import Client
from django.urls import reverse

from tests.foundation.test_pages_csp import PageChecker

pytestmark = pytest.mark.django_db


def _check(html: str) -> list[str]:
    checker = PageChecker()
    checker.feed(html)
    return checker.problems


def test_404_is_a_portal_page_in_vietnamese(client):
    response = client.get("/khong-co-trang-nay/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "Không tìm thấy trang" in html
    assert _check(html) == []


def test_404_in_english(client):
    client.cookies["vssid_language"] = "en"
    assert "Page not found" in client.get("/nope/").content.decode()


def test_too_many_fields_is_a_portal_400_in_vietnamese(client, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5
    response = client.post(reverse("accounts:login"), {f"f{i}": "x" for i in range(20)})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Yêu cầu không hợp lệ" in html
    assert _check(html) == []


def test_400_in_english(client, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5
    client.cookies["vssid_language"] = "en"
    response = client.post(reverse("accounts:login"), {f"f{i}": "x" for i in range(20)})
    assert "Bad request" in response.content.decode()


def test_csrf_failure_page_has_no_inline_style():
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("accounts:login"), {"username": "x", "password": "y"})
    html = response.content.decode()
    assert response.status_code == 403
    assert "Phiên làm việc đã hết hạn" in html
    assert _check(html) == []


def test_500_page_renders_without_context():
    from django.template.loader import render_to_string

    html = render_to_string("500.html")
    assert "Lỗi hệ thống" in html
    assert _check(html) == []


@pytest.mark.parametrize(("language", "message"), [("vi", "Không tìm thấy."), ("en", "Not found.")])
def test_unknown_api_path_is_a_drf_shaped_404(client, language, message):
    response = client.get("/api/v1/khong-co/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 404
    assert response.json() == {"detail": message}


def test_api_500_is_drf_shaped(rf):
    from vssid_portal.views import server_error

    response = server_error(rf.get("/api/v1/x/", HTTP_ACCEPT_LANGUAGE="vi"))
    assert response.status_code == 500
    assert set(json.loads(response.content)) == {"detail"}


def test_page_500_is_the_portal_page(rf):
    from vssid_portal.views import server_error

    response = server_error(rf.get("/x/"))
    assert response.status_code == 500
    assert "Lỗi hệ thống" in response.content.decode()


# --- the language switch of error pages (issue #12 item 9.1) -------------------------------

def _language_next(html: str) -> str:
    import re

    return re.search(r'<input type="hidden" name="next" value="([^"]*)">', html).group(1)


def test_403_of_the_language_switch_never_sends_next_back_to_the_switch():
    """A language switch refused by the CSRF check (as Chromium's Origin: null once made
    it) shows the 403 page, whose own switch must lead somewhere a GET can open."""
    client = Client(enforce_csrf_checks=True)
    setlang = reverse("set_language")
    response = client.post(setlang, {"language": "en", "next": "/"}, HTTP_ORIGIN="null")
    assert response.status_code == 403  # the check stays on
    assert _language_next(response.content.decode()) == reverse("home")

    status_lookup = reverse("declarations:status_lookup")
    response = client.post(setlang, {"language": "en", "next": "/"},
                           HTTP_REFERER=f"http://testserver{status_lookup}?x=1")
    assert response.status_code == 403
    assert _language_next(response.content.decode()) == f"{status_lookup}?x=1"

    for referer in (f"http://testserver{setlang}", "https://evil.example/page/",
                    "javascript:alert(1)"):
        response = client.post(setlang, {"language": "en"}, HTTP_REFERER=referer)
        assert response.status_code == 403
        assert _language_next(response.content.decode()) == reverse("home"), referer


def test_a_page_answering_a_post_switches_language_to_where_the_visitor_came_from():
    client = Client(enforce_csrf_checks=True)
    login = reverse("accounts:login")
    response = client.post(login, {"username": "x"}, HTTP_REFERER=f"http://testserver{login}")
    assert response.status_code == 403
    assert _language_next(response.content.decode()) == login


def test_a_page_opened_by_get_switches_language_back_to_itself(client):
    url = reverse("registry:offices") + "?province=01&q=dong+da"
    assert _language_next(client.get(url).content.decode()) == url.replace("&", "&amp;")
    assert _language_next(client.get("/khong-co-trang-nay/").content.decode()) == (
        "/khong-co-trang-nay/")
