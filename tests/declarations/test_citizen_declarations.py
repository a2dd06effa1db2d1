"""A citizen's declarations and their children's: pages, files, sharing, the SMS link, the
API; and nobody else's — tried by id, file URL and API as another guardian, after the
child's 18th birthday, and with forged or expired links."""
import datetime

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse
from freezegun import freeze_time
from rest_framework.test import APIClient

from declarations.download_links import pdf_download_path
from declarations.services.review import declaration_approve
from guardians.models import GuardianLink
from notifications.models import OutboundMessage
from tests.declarations.child_helpers import a_child, child_photo_files, family, submit_child
from tests.declarations.review_helpers import CONTEXT, officer
from tests.declarations.short_link_helpers import received_sms, short_link_path_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def filed(django_capture_on_commit_callbacks):
    """Guardian A's child, registered and approved (PDF rendered); guardian B, a stranger."""
    guardian, office = family()
    child = a_child(office)
    with django_capture_on_commit_callbacks(execute=True):
        declaration = submit_child(guardian, child, office)
    declaration_approve(actor=officer(office), declaration_id=declaration.pk, context=CONTEXT)
    declaration.refresh_from_db()
    stranger, _ = family(phone="+84912000777")
    other_child = a_child(office, full_name="Phạm Gia Hân")
    GuardianLink.objects.create(guardian=stranger, child=other_child)
    return {"guardian": guardian, "stranger": stranger, "declaration": declaration,
            "link": GuardianLink.objects.get(guardian=guardian), "child": child}


def _urls(declaration, link) -> list[str]:
    uuid = declaration.uuid
    return [
        reverse("declarations:detail", kwargs={"uuid": uuid}),
        reverse("declarations:pdf", kwargs={"uuid": uuid}),
        reverse("declarations:photo", kwargs={"uuid": uuid, "kind": "portrait"}),
        reverse("declarations:photo", kwargs={"uuid": uuid, "kind": "birth_certificate"}),
        reverse("declarations:list") + f"?con={link.uuid}",
    ]


def _api_urls(declaration, link) -> list[str]:
    return [
        reverse("api:declaration", kwargs={"uuid": declaration.uuid}),
        reverse("api:declaration-pdf", kwargs={"uuid": declaration.uuid}),
        reverse("api:child-declarations", kwargs={"child": link.uuid}),
    ]


def test_the_guardian_reads_everything(filed):
    client = Client()
    client.force_login(filed["guardian"])
    for url in _urls(filed["declaration"], filed["link"]):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"]
    page = client.get(reverse("declarations:detail", kwargs={"uuid": filed["declaration"].uuid}))
    assert filed["declaration"].number in page.content.decode()
    assert filed["declaration"].number in client.get(reverse("declarations:list")).content.decode()
    api = APIClient()
    api.force_authenticate(filed["guardian"])
    for url in _api_urls(filed["declaration"], filed["link"]):
        assert api.get(url).status_code == 200, url
    listed = api.get(reverse("api:declarations")).json()
    assert [row["number"] for row in listed] == [filed["declaration"].number]


def test_another_guardian_sees_nothing(filed):
    client = Client()
    client.force_login(filed["stranger"])
    for url in _urls(filed["declaration"], filed["link"]):
        assert client.get(url).status_code == 404, url
    share = reverse("declarations:share", kwargs={"uuid": filed["declaration"].uuid})
    assert client.post(share, {"email": "x@example.com"}).status_code == 404
    listing = client.get(reverse("declarations:list")).content.decode()
    assert filed["declaration"].number not in listing
    api = APIClient()
    api.force_authenticate(filed["stranger"])
    for url in _api_urls(filed["declaration"], filed["link"]):
        assert api.get(url).status_code == 404, url
    assert api.post(reverse("api:declaration-share",
                            kwargs={"uuid": filed["declaration"].uuid}),
                    {"email": "x@example.com"}).status_code == 404
    assert filed["declaration"].number not in str(api.get(reverse("api:declarations")).json())
    assert not OutboundMessage.objects.filter(recipient="x@example.com").exists()


def test_the_childs_own_account_reads_its_declaration(filed):
    from accounts.models import User
    child_account = User.objects.get(username=filed["child"].bhxh_code)
    child_account.must_change_password = False
    child_account.save()
    client = Client()
    client.force_login(child_account)
    assert client.get(reverse("declarations:detail",
                              kwargs={"uuid": filed["declaration"].uuid})).status_code == 200


def test_access_ends_on_the_18th_birthday_even_before_the_daily_task(filed):
    child = filed["child"]
    birthday = child.date_of_birth.replace(year=child.date_of_birth.year + 18)
    client = Client()
    with freeze_time(birthday - datetime.timedelta(days=1)):
        client.force_login(filed["guardian"])
        assert client.get(_urls(filed["declaration"], filed["link"])[0]).status_code == 200
    with freeze_time(birthday):
        client.force_login(filed["guardian"])
        for url in _urls(filed["declaration"], filed["link"]):
            assert client.get(url).status_code == 404, url
        api = APIClient()
        api.force_authenticate(filed["guardian"])
        for url in _api_urls(filed["declaration"], filed["link"]):
            assert api.get(url).status_code == 404, url


def test_the_sms_link_downloads_the_pdf_and_nothing_else(filed):
    declaration = filed["declaration"]
    client = Client()
    short = short_link_path_in(received_sms(declaration.number))
    response = client.get(short)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Referrer-Policy"] == "strict-origin"
    # The signed link (in the e-mail, and in the SMS sent before short links) alike.
    path = pdf_download_path(declaration)
    response = client.get(path)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Referrer-Policy"] == "strict-origin"
    token = path.rstrip("/").rsplit("/", 1)[-1]
    forged = signing.TimestampSigner(salt="x").sign(declaration.number)
    for bad in (token[:-2] + "zz", forged, "DK2611-AAAAAA", "%00"):
        assert client.get(reverse("declarations:pdf_download", kwargs={"token": bad})
                          ).status_code == 404
    with freeze_time(datetime.datetime.now() + datetime.timedelta(days=31)):
        assert client.get(path).status_code == 404
        assert client.get(short).status_code == 410


def test_share_by_email_attaches_the_pdf_and_is_limited(filed, settings):
    from vssid_portal.throttling import ScopedRateThrottle
    client = Client()
    client.force_login(filed["guardian"])
    url = reverse("declarations:share", kwargs={"uuid": filed["declaration"].uuid})
    response = client.post(url, {"email": "ong.ba@example.com"}, follow=True)
    assert "vài phút" in response.content.decode()
    message = OutboundMessage.objects.get(recipient="ong.ba@example.com")
    assert message.attachments[0]["filename"].endswith(".pdf")
    response = client.post(url, {"email": "not an address"}, follow=True)
    assert "không hợp lệ" in response.content.decode()
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {
        **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "declaration_share": "2/hour"}}
    assert ScopedRateThrottle  # the API's limit is the same scope
    client.post(url, {"email": "b@example.com"})
    response = client.post(url, {"email": "c@example.com"}, follow=True)
    assert "quá nhiều lần" in response.content.decode()
    assert not OutboundMessage.objects.filter(recipient="c@example.com").exists()


def test_api_child_registration(django_capture_on_commit_callbacks):
    guardian, office = family()
    child = a_child(office)
    api = APIClient()
    url = reverse("api:child-registrations")
    body = {"bhxh_code": child.bhxh_code, "full_name": child.full_name,
            "office": office.code, "accept_commitment": "true", **child_photo_files()}
    assert api.post(url, body, format="multipart").status_code in (401, 403)
    api.force_authenticate(guardian)
    refused = api.post(url, {**body, "accept_commitment": "false",
                             **child_photo_files()}, format="multipart")
    assert refused.status_code == 400 and "accept_commitment" in refused.json()
    with django_capture_on_commit_callbacks(execute=True):
        created = api.post(url, {**body, **child_photo_files()}, format="multipart")
    assert created.status_code == 201, created.json()
    data = created.json()
    assert data["kind"] == "child_registration" and data["status"] == "submitted"
    assert data["guardian_relationship"] == "guardian"
    again = api.post(url, {**body, **child_photo_files()}, format="multipart")
    assert again.status_code == 400
    assert "đang chờ" in again.json()["bhxh_code"][0]


def test_api_refuses_before_decoding_any_photo(monkeypatch):
    guardian, office = family()
    import declarations.api as api_module

    def boom(uploads):
        raise AssertionError("photos decoded for a refused request")
    monkeypatch.setattr(api_module, "photos_sanitize", boom)
    api = APIClient()
    api.force_authenticate(guardian)
    response = api.post(reverse("api:child-registrations"), {
        "bhxh_code": "0100099999", "full_name": "Ai Đó", "office": office.code,
        "accept_commitment": "true", **child_photo_files()}, format="multipart")
    assert response.status_code == 400 and "full_name" in response.json()


def test_a_strangers_filing_for_the_child_stays_the_strangers(django_capture_on_commit_callbacks):
    """Someone who knows the child's code and name files first and is rejected; the real
    parent's approved registration follows. The stranger sees only what they typed; the
    family and the child never see the stranger's filing, phone or e-mail."""
    from declarations.services.review import declaration_reject

    parent, office = family()
    stranger, _ = family(phone="+84912000666", email="la@example.com")
    child = a_child(office, address="Số 7 phố Tôn Thất Tùng, Hà Nội")
    theirs = submit_child(stranger, child, office)
    declaration_reject(actor=officer(office), declaration_id=theirs.pk,
                       reason_code="other", text="Không phải cha mẹ của trẻ.", context=CONTEXT)
    ours = submit_child(parent, child, office)
    declaration_approve(actor=officer(office), declaration_id=ours.pk, context=CONTEXT)

    client = Client()
    client.force_login(stranger)
    page = client.get(reverse("declarations:detail", kwargs={"uuid": theirs.uuid}))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Tôn Thất Tùng" not in html and "20/09/2021" not in html
    assert client.get(reverse("declarations:detail", kwargs={"uuid": ours.uuid})
                      ).status_code == 404

    client.force_login(parent)
    listing = client.get(reverse("declarations:list")).content.decode()
    assert ours.number in listing and theirs.number not in listing
    assert client.get(reverse("declarations:detail", kwargs={"uuid": theirs.uuid})
                      ).status_code == 404
    from accounts.models import User
    child_account = User.objects.get(username=child.bhxh_code)
    child_account.must_change_password = False
    child_account.save()
    client.force_login(child_account)
    assert client.get(reverse("declarations:detail", kwargs={"uuid": theirs.uuid})
                      ).status_code == 404


def test_the_sms_link_stops_on_the_18th_birthday(filed):
    child = filed["child"]
    birthday = child.date_of_birth.replace(year=child.date_of_birth.year + 18)
    with freeze_time(birthday - datetime.timedelta(days=1)):
        path = pdf_download_path(filed["declaration"])  # made the day before
        assert Client().get(path).status_code == 200
    with freeze_time(birthday):
        assert Client().get(path).status_code == 404
        assert Client().get(pdf_download_path(filed["declaration"])).status_code == 404


def test_pdf_not_rendered_yet_is_a_202_and_nothing_is_logged(caplog):
    guardian, office = family()
    declaration = submit_child(guardian, a_child(office), office)  # on-commit never ran
    assert not declaration.pdf
    with caplog.at_level("WARNING"):
        response = Client().get(pdf_download_path(declaration))
    assert response.status_code == 202 and response["Retry-After"] == "30"
    assert "/to-khai/tai/" not in caplog.text
    api = APIClient()
    api.force_authenticate(guardian)
    response = api.get(reverse("api:declaration-pdf", kwargs={"uuid": declaration.uuid}))
    assert response.status_code == 202


@pytest.mark.parametrize("address", [
    "x@localhost", "x@[127.0.0.1]", "x@[IPv6:::1]", "x@exa\u2028mple.com", "a@b",
    "x@example.com\r\nBcc: y@example.com", "ông@example.com",
])
def test_share_refuses_addresses_that_are_not_public_mailboxes(filed, address):
    client = Client()
    client.force_login(filed["guardian"])
    url = reverse("declarations:share", kwargs={"uuid": filed["declaration"].uuid})
    response = client.post(url, {"email": address}, follow=True)
    assert "không hợp lệ" in response.content.decode()
    assert not OutboundMessage.objects.filter(subject__startswith="Tờ khai số").exists()
