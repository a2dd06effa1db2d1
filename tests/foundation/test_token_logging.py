"""Tokens that open a declaration without logging in never reach the logs or a `next=`:
the log filter masks them in every record, and an account with a temporary password is
let through to token pages instead of being sent to set its password with the token in
`next`."""
import logging

import pytest
from django.test import Client
from django.urls import reverse

from vssid_portal.log_filters import TokenPathFilter, mask_tokens

TOKEN = "eqHdBrsTTDZa"


def _paths() -> list[str]:
    return [
        reverse("short_links:open", kwargs={"token": TOKEN}),
        reverse("short_links:open", kwargs={"token": TOKEN}) + "/",
        reverse("declarations:pdf_download", kwargs={"token": f"DK2611-3GJ6JE:1xXj:{TOKEN}"}),
        reverse("declarations:status", kwargs={"token": f"abc:{TOKEN}"}),
        f"/declarations/status/abc:{TOKEN}/",
    ]


@pytest.mark.parametrize("index", range(5))
def test_every_token_path_is_masked(index):
    path = _paths()[index]
    for text in (f"Not Found: {path}", f"Method Not Allowed (POST): {path}",
                 "GET /tai-khoan/mat-khau-lan-dau/?next=" + path.replace("/", "%2F")):
        masked = mask_tokens(text)
        assert TOKEN not in masked, masked
        assert "…" in masked


def test_other_paths_are_left_alone():
    text = "Not Found: /to-khai/dang-ky/anh/portrait/ and /tra-cuu/ma-so-bhxh/?q=1"
    assert mask_tokens(text) == text


def test_the_configured_handlers_mask_django_request_records():
    handlers = [h for h in logging.getLogger().handlers
                if any(isinstance(f, TokenPathFilter) for f in h.filters)]
    assert handlers, "the console handler lost its token filter (settings.LOGGING)"
    record = logging.LogRecord("django.request", logging.WARNING, __file__, 1,
                               "Not Found: %s", (_paths()[0],), None)
    assert handlers[0].filter(record)
    assert TOKEN not in record.getMessage()


@pytest.mark.django_db
def test_a_temporary_password_does_not_put_a_token_in_next():
    from tests.accounts.factories import UserFactory

    client = Client()
    client.force_login(UserFactory(must_change_password=True))
    for path in _paths()[:1] + _paths()[2:4]:
        response = client.get(path)
        assert response.status_code in (404, 410), (path, response.status_code)
        assert TOKEN not in response.get("Location", "")
    # Other pages still lead to the new-password page.
    assert client.get(reverse("declarations:list")).status_code == 302
