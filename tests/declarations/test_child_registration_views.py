"""The child-registration wizard in the browser (Django test client)."""
import datetime

import pytest
from django.urls import reverse

from declarations.models import Declaration
from tests.declarations.child_helpers import (
    a_child,
    child_photo_files,
    child_step,
    family,
)

pytestmark = pytest.mark.django_db

SESSION_KEY = "child_registration_draft"


def _logged_in(client, guardian):
    client.force_login(guardian)
    return client


def _walk_to_commitment(client, child, office):
    response = client.post(child_step("child"), {
        "bhxh_code": child.bhxh_code, "full_name": child.full_name,
        "relationship": "father"})
    assert response.status_code == 302 and response.url == child_step("photos")
    response = client.post(child_step("photos"), {**child_photo_files(), "action": "next"})
    assert response.status_code == 302 and response.url == child_step("office"), (
        response.content.decode()[:3000])
    page = client.get(child_step("office"))
    assert f'value="{office.code}" selected' in page.content.decode()  # preset from the card
    response = client.post(child_step("office"), {"office": office.code, "action": "next"})
    assert response.status_code == 302 and response.url == child_step("commitment")


def test_anonymous_is_sent_to_login_and_staff_refused(client):
    response = client.get(child_step("child"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login") + "?next=")
    from tests.accounts.factories import UserFactory
    client.force_login(UserFactory(staff=True))
    assert client.get(child_step("child")).status_code == 403


def test_the_whole_flow_then_the_success_screen(client, django_capture_on_commit_callbacks):
    guardian, office = family(email="quan@example.com")
    child = a_child(office)
    _logged_in(client, guardian)
    _walk_to_commitment(client, child, office)
    page = client.get(child_step("commitment")).content.decode()
    assert "Đồng ý" in page and "Hủy" in page and child.full_name in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(child_step("commitment"), {"action": "accept"})
    assert response.status_code == 302 and response.url == reverse("declarations:child_sent")
    declaration = Declaration.objects.get()
    sent = client.get(response.url).content.decode()
    assert declaration.number in sent
    assert reverse("declarations:detail", kwargs={"uuid": declaration.uuid}) in sent
    assert "data-web-share" in sent and "/to-khai/tai/" in sent
    assert SESSION_KEY not in client.session
    # Sent twice (double click, reload): the success screen again, no second declaration.
    response = client.post(child_step("commitment"), {"action": "accept"})
    assert response.status_code == 302 and Declaration.objects.count() == 1


def test_back_keeps_everything_and_cancel_clears_the_draft(client):
    guardian, office = family()
    child = a_child(office)
    _logged_in(client, guardian)
    _walk_to_commitment(client, child, office)
    response = client.post(child_step("office"), {"office": office.code, "action": "back"})
    assert response.url == child_step("photos")
    photos_page = client.get(child_step("photos")).content.decode()
    assert 'data-testid="preview-portrait"' in photos_page
    assert 'data-testid="preview-birth_certificate"' in photos_page
    assert f'value="{child.bhxh_code}"' in client.get(child_step("child")).content.decode()
    draft = client.session[SESSION_KEY]
    names = [meta["name"] for meta in draft["photos"].values()]
    from django.core.files.storage import default_storage
    assert all(default_storage.exists(name) for name in names)

    response = client.post(child_step("commitment"), {"action": "cancel"})
    assert response.status_code == 302
    assert SESSION_KEY not in client.session
    assert not any(default_storage.exists(name) for name in names)
    assert not Declaration.objects.exists()


def test_step_one_says_why_a_child_cannot_be_registered(client):
    guardian, office = family()
    adult = a_child(office, date_of_birth=datetime.date(2000, 1, 1), birth_year=2000)
    _logged_in(client, guardian)
    response = client.post(child_step("child"), {
        "bhxh_code": adult.bhxh_code, "full_name": adult.full_name,
        "relationship": "father"})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="error-summary"' in page and "đã đủ 18 tuổi" in page
    assert client.get(child_step("photos")).status_code == 302  # not reachable yet


def test_later_steps_cannot_be_skipped_to(client):
    guardian, _ = family()
    _logged_in(client, guardian)
    response = client.get(child_step("commitment"))
    assert response.status_code == 302 and response.url == child_step("child")
    assert client.get(reverse("declarations:child_register") + "nonsense/").status_code == 404


def test_photos_are_required_and_bad_files_refused(client):
    guardian, office = family()
    child = a_child(office)
    _logged_in(client, guardian)
    client.post(child_step("child"), {"bhxh_code": child.bhxh_code,
                                      "full_name": child.full_name, "relationship": "mother"})
    response = client.post(child_step("photos"), {"action": "next"})
    page = response.content.decode()
    assert response.status_code == 200 and "giấy khai sinh" in page
    from django.core.files.uploadedfile import SimpleUploadedFile
    response = client.post(child_step("photos"), {
        "portrait": SimpleUploadedFile("x.jpg", b"not an image", content_type="image/jpeg"),
        "action": "next"})
    assert response.status_code == 200 and 'data-testid="error-summary"' in (
        response.content.decode())


def test_draft_photo_previews_reach_only_this_sessions_files(client):
    guardian, office = family()
    child = a_child(office)
    _logged_in(client, guardian)
    client.post(child_step("child"), {"bhxh_code": child.bhxh_code,
                                      "full_name": child.full_name, "relationship": "mother"})
    client.post(child_step("photos"), {**child_photo_files(), "action": "next"})
    url = reverse("declarations:child_photo", kwargs={"kind": "portrait"})
    assert client.get(url).status_code == 200
    assert client.get(reverse("declarations:child_photo", kwargs={"kind": "id_front"})
                      ).status_code == 404
    from django.test import Client
    other, _ = family(phone="+84912000888")
    stranger = Client()
    stranger.force_login(other)
    assert stranger.get(url).status_code == 404


def test_no_js_scan_of_the_childs_bhyt_card_fills_code_and_name(client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.declarations.test_registration_views import qr_picture

    guardian, office = family()
    child = a_child(office)
    _logged_in(client, guardian)
    payload = (f"{child.bhxh_code}|{child.full_name.encode().hex()}|20/09/2021|1|-|01 - C54|"
               f"01/01/2026|-|20/12/2025|79001|{'Lê Minh Quân'.encode().hex()}|4|-|"
               f"a1b2c3d4e5f60718-1a2b|4|{'Hà Nội'.encode().hex()}|$")
    response = client.post(reverse("declarations:child_scan"), {
        "relationship": "father",
        "scan_bhyt": SimpleUploadedFile("b.jpg", qr_picture(payload), "image/jpeg")},
        follow=True)
    html = response.content.decode()
    assert "Đã đọc mã QR" in html
    assert f'value="{child.bhxh_code}"' in html and child.full_name in html
    assert client.session[SESSION_KEY]["child"]["relationship"] == "father"


def test_step_one_checks_are_limited_per_guardian(client, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {
        **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "child_check": "3/hour"}}
    guardian, office = family()
    child = a_child(office)
    _logged_in(client, guardian)
    for _ in range(3):
        client.post(child_step("child"), {"bhxh_code": child.bhxh_code,
                                          "full_name": "Sai Tên", "relationship": "father"})
    response = client.post(child_step("child"), {
        "bhxh_code": child.bhxh_code, "full_name": child.full_name, "relationship": "father"})
    assert response.status_code == 200
    assert "quá nhiều mã số BHXH" in response.content.decode()


def test_photo_uploads_share_the_per_address_photo_limit(client, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {
        **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "photos": "1/hour"}}
    guardian, office = family()
    child = a_child(office)
    _logged_in(client, guardian)
    client.post(child_step("child"), {"bhxh_code": child.bhxh_code,
                                      "full_name": child.full_name, "relationship": "mother"})
    response = client.post(child_step("photos"), {**child_photo_files(), "action": "next"})
    assert response.status_code == 200
    assert "Bạn đã tải lên quá nhiều ảnh" in response.content.decode()
    assert list(client.session[SESSION_KEY]["photos"]) == ["portrait"]


def test_commitment_shows_the_name_the_declaration_will_carry(client):
    """Typed without diacritics in another case, the name is shown as the registry writes
    it, also when the registry respells it after step 1 (issue #12 item 9.2)."""
    guardian, office = family()
    child = a_child(office)
    _logged_in(client, guardian)
    response = client.post(child_step("child"), {
        "bhxh_code": f" {child.bhxh_code} ", "full_name": "  le  MINH duc ",
        "relationship": "father"})
    assert response.status_code == 302
    client.post(child_step("photos"), {**child_photo_files(), "action": "next"})
    client.post(child_step("office"), {"office": office.code, "action": "next"})
    page = client.get(child_step("commitment")).content.decode()
    assert 'data-testid="review-full_name">Lê Minh Đức<' in page

    child.full_name = "LÊ MINH ĐỨC"
    child.save()
    page = client.get(child_step("commitment")).content.decode()
    assert 'data-testid="review-full_name">LÊ MINH ĐỨC<' in page
    assert client.post(child_step("commitment"), {"action": "accept"}).status_code == 302
    assert Declaration.objects.get().full_name == "LÊ MINH ĐỨC"
