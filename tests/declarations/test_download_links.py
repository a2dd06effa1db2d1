"""The signed PDF download link (30 days) on the sent page of a self-registration: for
everyone, e-mail or not; 202 with Retry-After while the PDF renders, then the PDF; dead
after 30 days."""
import datetime
import time

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from declarations.download_links import pdf_download_path
from declarations.models import Declaration
from declarations.views_draft import SENT_KEY
from tests.declarations.registration_helpers import (
    person_and_office,
    personal_post,
    photo_files,
    step,
)

pytestmark = pytest.mark.django_db


def _submit(client: Client, **office_fields) -> Declaration:
    person, office = person_and_office()
    assert client.post(step("personal"), personal_post(person)).status_code == 302
    assert client.post(step("photos"), {**photo_files(), "action": "next"}).status_code == 302
    response = client.post(step("office"), {"office": office.code, "email": "",
                                            "action": "next", **office_fields})
    assert response.status_code == 302
    response = client.post(step("review"), {"action": "submit", "commitment": "on"})
    assert response["Location"] == reverse("declarations:register_sent")
    return Declaration.objects.get()


@pytest.mark.parametrize("office_fields", [
    {},  # no e-mail: the page is the only way to the PDF
    {"email": "anh@example.vn", "send_email": "on"},
])
def test_the_sent_page_links_to_the_pdf(office_fields):
    client = Client()
    declaration = _submit(client, **office_fields)  # on-commit never ran: no PDF yet
    page = client.get(reverse("declarations:register_sent")).content.decode()
    link = client.session[SENT_KEY]["download_path"]
    assert link == pdf_download_path(declaration)
    assert f'href="{link}"' in page and "Tải tờ khai (PDF)" in page

    stranger = Client()  # the link needs no session: it is the credential
    response = stranger.get(link)
    assert response.status_code == 202 and response["Retry-After"] == "30"
    assert declaration.number in response.content.decode()

    declaration.pdf.save("to-khai.pdf", ContentFile(b"%PDF-1.7 test"), save=True)
    response = stranger.get(link)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Referrer-Policy"] == "strict-origin"

    with freeze_time(timezone.now() + datetime.timedelta(days=29)):
        assert stranger.get(link).status_code == 200
    with freeze_time(timezone.now() + datetime.timedelta(days=31)):
        assert stranger.get(link).status_code == 404


def test_the_sent_page_in_english():
    client = Client()
    _submit(client)
    client.cookies["vssid_language"] = "en"
    page = client.get(reverse("declarations:register_sent")).content.decode()
    assert "Download the declaration (PDF)" in page


def test_a_sent_page_from_before_the_link_shows_none(client):
    session = client.session
    session[SENT_KEY] = {"number": "DK2611-ABCDEF", "status_path": "/x/", "send_email": False,
                        "sent_at": int(time.time())}
    session.save()
    page = client.get(reverse("declarations:register_sent")).content.decode()
    assert "DK2611-ABCDEF" in page and 'data-testid="pdf-download-link"' not in page


def test_the_sent_page_forgets_after_a_quarter_of_an_hour(client):
    """On a shared phone or at a kiosk (sessions last 8 hours) the next person must not find
    the previous one's declaration and its PDF link on the sent page."""
    session = client.session
    session[SENT_KEY] = {"number": "DK2611-ABCDEF", "status_path": "/x/", "send_email": False,
                        "download_path": "/to-khai/tai/x/", "sent_at": int(time.time())}
    session.save()
    with freeze_time(timezone.now() + datetime.timedelta(minutes=14)):
        assert "DK2611-ABCDEF" in client.get(reverse("declarations:register_sent")).content.decode()
    with freeze_time(timezone.now() + datetime.timedelta(minutes=16)):
        response = client.get(reverse("declarations:register_sent"))
        assert response.status_code == 302
    assert SENT_KEY not in client.session  # forgotten, not only hidden
