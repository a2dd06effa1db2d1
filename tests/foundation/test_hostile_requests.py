"""Requests refused or cleaned before any view: no 500 on any URL."""
import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/", "/healthz", reverse("accounts:login"), "/api/v1/offices/"])
def test_a_session_cookie_that_is_not_a_key_is_ignored(url):
    client = Client()
    client.cookies["sessionid"] = "abcdefgh\x00ijk"
    assert client.get(url).status_code in (200, 302)


@pytest.mark.parametrize("charset", ["hex_codec", "rot13", "bz2_codec", "zlib_codec",
                                     "no-such-charset"])
@pytest.mark.parametrize("url", [reverse("accounts:login"), "/api/v1/auth/token/",
                                 "/api/v1/scan/"])
def test_a_body_in_a_charset_that_is_not_text_is_a_400(url, charset):
    response = Client().generic(
        "POST", url, b"username=a&password=b",
        content_type=f"application/x-www-form-urlencoded; charset={charset}")
    assert response.status_code == 400
    if url.startswith("/api/"):
        assert "Bảng mã" in response.json()["detail"]
    response = Client().generic(
        "POST", url, b"--xyz--\r\n",
        content_type=f"multipart/form-data; boundary=xyz; charset={charset}")
    assert response.status_code == 400


def test_head_on_healthz():
    assert Client().head("/healthz").status_code == 200


def test_utf8_and_latin1_bodies_still_work():
    for charset in ("utf-8", "UTF-8", "iso-8859-1"):
        response = Client().generic("POST", "/api/v1/auth/token/", b"bhxh_code=1&password=x",
                                    content_type="application/x-www-form-urlencoded; "
                                                 f"charset={charset}")
        assert response.status_code == 400  # the serializer's answer, not the charset's
        assert "Bảng mã" not in str(response.json())
