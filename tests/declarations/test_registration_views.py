import io
import time

import pytest
import segno
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from PIL import Image

from audit.models import AuditRecord
from declarations.models import Declaration
from declarations.status_links import status_path
from declarations.views_draft import SENT_KEY, SESSION_KEY
from notifications.models import OutboundMessage
from tests.declarations.registration_helpers import (
    CCCD_FOR_1990_WOMAN,
    jpeg_bytes,
    person_and_office,
    personal_post,
    photo_files,
    png_bytes,
    step,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _vietnamese():
    # Another test's English request leaves English active in this thread.
    with translation.override("vi"):
        yield


def qr_picture(payload: str) -> bytes:
    out = io.BytesIO()
    segno.make(payload, error="m", encoding="utf-8").save(out, kind="png", scale=8, border=6)
    picture = Image.open(io.BytesIO(out.getvalue())).convert("RGB")
    canvas = Image.new("RGB", (picture.width + 200, picture.height + 200), "white")
    canvas.paste(picture, (100, 100))
    buffer = io.BytesIO()
    canvas.save(buffer, "JPEG", quality=92)
    return buffer.getvalue()


def walk_to_review(client, person, office, **office_overrides):
    assert client.post(step("personal"), personal_post(person)).status_code == 302
    assert client.post(step("photos"), {**photo_files(), "action": "next"}).status_code == 302
    data = {"office": office.code, "email": "", "action": "next", **office_overrides}
    response = client.post(step("office"), data)
    assert response.status_code == 302, response.content.decode()[:2000]


# --- the steps ---------------------------------------------------------------------------


def test_start_shows_step_one_with_indicator_and_scan_helper(client):
    response = client.get(reverse("declarations:register"), follow=True)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'aria-current="step"' in html
    assert "Bước 1/4" in html
    assert 'accept="image/*"' in html
    # Camera or gallery at the citizen's choice: no control forces the camera; the live
    # scan (scan.js) opens it inside the page.
    assert "capture=" not in html
    assert 'data-testid="scan-live"' in html
    assert reverse("declarations:register_scan") in html
    assert "<script src=" in html and "js/registration.js" in html
    assert "style=" not in html


def test_later_steps_cannot_be_skipped_to(client):
    response = client.get(step("review"))
    assert response.status_code == 302
    assert response["Location"] == step("personal")


def test_name_that_does_not_match_is_shown_on_step_one(client):
    person, office = person_and_office()
    response = client.post(step("personal"), personal_post(person, full_name="Trần Văn Khác"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="error-summary"' in html
    assert "không khớp với cơ sở dữ liệu BHXH" in html
    # What was typed stays in the form and in the draft.
    assert "Trần Văn Khác" in html
    assert client.session[SESSION_KEY]["personal"]["full_name"] == "Trần Văn Khác"


def test_empty_step_one_lists_every_missing_field(client):
    response = client.post(step("personal"), {"action": "next"})
    html = response.content.decode()
    for message in (
        "Vui lòng nhập mã số BHXH.",
        "Vui lòng nhập họ và tên.",
        "Vui lòng nhập ngày sinh.",
        "Vui lòng nhập số điện thoại di động.",
    ):
        assert message in html


def test_back_keeps_what_was_typed_and_uploaded(client):
    person, office = person_and_office()
    client.post(step("personal"), personal_post(person))
    client.post(step("photos"), {**photo_files(), "action": "back"})
    page = client.get(step("personal")).content.decode()
    assert person.bhxh_code in page and "0912 345 678" in page
    photos = client.get(step("photos")).content.decode()
    for kind in ("portrait", "id_front", "id_back"):
        assert f'data-testid="preview-{kind}"' in photos
    # and forward again without re-uploading
    assert client.post(step("personal"), personal_post(person)).status_code == 302
    assert client.post(step("photos"), {"action": "next"})["Location"] == step("office")


def test_resume_where_it_was(client):
    person, office = person_and_office()
    client.post(step("personal"), personal_post(person))
    client.post(step("photos"), {**photo_files(), "action": "next"})
    response = client.get(reverse("declarations:register"))
    assert response["Location"] == step("office")


def test_missing_photos_get_the_real_message(client):
    person, office = person_and_office()
    client.post(step("personal"), personal_post(person))
    response = client.post(step("photos"), {"action": "next"})
    html = response.content.decode()
    assert "Vui lòng cung cấp ảnh mặt trước CCCD." in html
    assert "Vui lòng cung cấp ảnh chân dung." in html


def test_bad_photo_refused_with_message(client):
    person, office = person_and_office()
    client.post(step("personal"), personal_post(person))
    files = photo_files()
    files["id_back"] = SimpleUploadedFile("x.jpg", b"<?php echo 1; ?>", content_type="image/jpeg")
    response = client.post(step("photos"), {**files, "action": "next"})
    assert response.status_code == 200
    assert 'data-testid="error-summary"' in response.content.decode()
    assert "id_back" not in client.session[SESSION_KEY]["photos"]


def test_png_photo_is_accepted_and_previewed_as_jpeg(client):
    person, office = person_and_office()
    client.post(step("personal"), personal_post(person))
    files = photo_files()
    files["portrait"] = SimpleUploadedFile("p.png", png_bytes(), content_type="image/png")
    client.post(step("photos"), {**files, "action": "back"})
    response = client.get(reverse("declarations:register_photo", kwargs={"kind": "portrait"}))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content)[:3] == b"\xff\xd8\xff"


def test_preview_serves_only_own_session_draft(client, django_user_model):
    from django.test import Client

    person, office = person_and_office()
    client.post(step("personal"), personal_post(person))
    client.post(step("photos"), {**photo_files(), "action": "back"})
    url = reverse("declarations:register_photo", kwargs={"kind": "id_front"})
    assert client.get(url).status_code == 200
    assert Client().get(url).status_code == 404
    assert (
        client.get(reverse("declarations:register_photo", kwargs={"kind": "x"})).status_code == 404
    )
    name = client.session[SESSION_KEY]["photos"]["id_front"]["name"]
    assert person.bhxh_code not in name
    assert default_storage.exists(name)


def test_office_picker_filters_by_province_and_labels(client):
    from tests.registry.factories import OfficeFactory, ProvinceFactory

    person, office = person_and_office()
    hcm = ProvinceFactory(code="79", name="TP Hồ Chí Minh")
    OfficeFactory(code="079", name="BHXH TP. Hồ Chí Minh", level="province", province=hcm)
    client.post(step("personal"), personal_post(person))
    client.post(step("photos"), {**photo_files(), "action": "next"})

    def office_select(html: str) -> str:
        return html.split('name="office"')[1].split("</select>")[0]

    html = client.get(step("office") + "?province=01").content.decode()
    assert "(00121) BHXH TP. Hà Nội - BHXH cơ sở Đống Đa" in office_select(html)
    assert "Hồ Chí Minh" not in office_select(html)
    # every office is in the <template> registration.js filters in place
    assert 'data-province="79">(079) BHXH TP. Hồ Chí Minh' in html
    html = client.get(step("office") + "?province=79").content.decode()
    assert "(079) BHXH TP. Hồ Chí Minh" in office_select(html)
    assert "Đống Đa" not in office_select(html)


def test_send_email_without_email_refused(client):
    person, office = person_and_office()
    client.post(step("personal"), personal_post(person))
    client.post(step("photos"), {**photo_files(), "action": "next"})
    response = client.post(
        step("office"), {"office": office.code, "send_email": "on", "action": "next"}
    )
    assert "Vui lòng nhập địa chỉ thư điện tử" in response.content.decode()


def test_whole_journey_submits(client):
    person, office = person_and_office()
    walk_to_review(client, person, office, email="anh@example.vn", send_email="on")
    review = client.get(step("review")).content.decode()
    assert person.full_name in review and "(00121) BHXH TP. Hà Nội - BHXH cơ sở Đống Đa" in review
    response = client.post(step("review"), {"action": "submit"})
    assert "Vui lòng đánh dấu cam kết" in response.content.decode()
    draft_files = [m["name"] for m in client.session[SESSION_KEY]["photos"].values()]
    response = client.post(step("review"), {"action": "submit", "commitment": "on"})
    assert response.status_code == 302
    assert response["Location"] == reverse("declarations:register_sent")
    declaration = Declaration.objects.get()
    assert declaration.commitment_accepted and declaration.send_email
    assert declaration.attachments.count() == 3
    assert SESSION_KEY not in client.session
    sent = client.get(response["Location"]).content.decode()
    assert declaration.number in sent
    assert status_path(declaration) in sent
    assert OutboundMessage.objects.filter(channel="sms").count() == 1
    # The draft's files are gone; the declaration keeps its own copies.
    assert draft_files and not any(default_storage.exists(name) for name in draft_files)
    for attachment in declaration.attachments.all():
        assert default_storage.exists(attachment.file.name)
    assert AuditRecord.objects.filter(action="declaration.submitted").count() == 1


def test_submit_error_links_back_to_the_step(client):
    person, office = person_and_office()
    walk_to_review(client, person, office)
    office.receives_declarations = False
    office.save()
    response = client.post(step("review"), {"action": "submit", "commitment": "on"})
    html = response.content.decode()
    assert "không tiếp nhận tờ khai" in html
    assert f'href="{step("office")}"' in html
    assert not Declaration.objects.exists()


# --- QR scan without JavaScript ----------------------------------------------------------


def test_scan_cccd_fills_the_form_and_keeps_typed_values(client):
    person, office = person_and_office()
    payload = (
        f"{CCCD_FOR_1990_WOMAN}|012345678|Nguyễn Thị Ánh|17051990|Nữ|Số 12 phố Huế, Hà Nội|01012021"
    )
    response = client.post(
        reverse("declarations:register_scan"),
        {
            "bhxh_code": person.bhxh_code,
            "phone": "0912345678",
            "scan": "cccd",
            "scan_cccd": SimpleUploadedFile(
                "qr.jpg", qr_picture(payload), content_type="image/jpeg"
            ),
        },
    )
    assert response.status_code == 302
    html = client.get(step("personal")).content.decode()
    assert CCCD_FOR_1990_WOMAN in html
    assert "Nguyễn Thị Ánh" in html
    assert 'value="17/05/1990"' in html  # the date as every web form shows it
    assert person.bhxh_code in html and "0912345678" in html
    assert "Đã đọc mã QR" in html
    draft = client.session[SESSION_KEY]["personal"]
    assert draft["sex"] == "F" and draft["id_type"] == "cccd"
    assert draft["date_of_birth"] == "1990-05-17"


def test_scan_bhyt_fills_code_and_name(client):
    name_hex = "Trần Minh Khôi".encode().hex()
    payload = (
        f"0123456789|{name_hex}|02/03/2015|1|-|01 - C54|01/01/2026|-|20/12/2025|"
        f"79001|-|4|01/01/2020|a1b2c3d4e5f60718-1a2b|4|{'Hà Nội'.encode().hex()}|$"
    )
    client.post(
        reverse("declarations:register_scan"),
        {
            "scan": "bhyt",
            "scan_bhyt": SimpleUploadedFile(
                "b.jpg", qr_picture(payload), content_type="image/jpeg"
            ),
        },
    )
    draft = client.session[SESSION_KEY]["personal"]
    assert draft["bhxh_code"] == "0123456789"
    assert draft["full_name"] == "Trần Minh Khôi"


def test_scan_without_qr_says_so(client):
    response = client.post(
        reverse("declarations:register_scan"),
        {"scan": "cccd", "scan_cccd": SimpleUploadedFile("x.jpg", jpeg_bytes(), "image/jpeg")},
        follow=True,
    )
    assert "Không tìm thấy mã QR" in response.content.decode()


def test_scan_without_file_says_so(client):
    response = client.post(reverse("declarations:register_scan"), {"scan": "cccd"}, follow=True)
    assert "Vui lòng chọn hoặc chụp ảnh có mã QR" in response.content.decode()


# --- status pages -------------------------------------------------------------------------


def _declaration(client):
    person, office = person_and_office()
    walk_to_review(client, person, office)
    client.post(step("review"), {"action": "submit", "commitment": "on"})
    return Declaration.objects.get(), person


def test_status_page_pending_then_rejected(client):
    declaration, person = _declaration(client)
    url = status_path(declaration)
    html = client.get(url).content.decode()
    assert declaration.number in html and "Đã gửi" in html
    assert person.full_name not in html
    Declaration.objects.filter(pk=declaration.pk).update(
        status="rejected", rejection_reason="Ảnh CCCD bị mờ, không đọc được số."
    )
    html = client.get(url).content.decode()
    assert "Bị từ chối" in html and "Ảnh CCCD bị mờ" in html


def test_forged_or_expired_status_link(client):
    from freezegun import freeze_time

    declaration, person = _declaration(client)
    response = client.get(reverse("declarations:status", kwargs={"token": "forged:token:x"}))
    assert response.status_code == 404
    assert "Liên kết không hợp lệ hoặc đã hết hạn" in response.content.decode()
    url = status_path(declaration)
    with freeze_time("2030-01-01"):
        response = client.get(url)
    assert response.status_code == 404


def test_status_lookup_by_number_and_code(client):
    declaration, person = _declaration(client)
    url = reverse("declarations:status_lookup")
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"number": declaration.number.lower(), "bhxh_code": person.bhxh_code}
    )
    assert response.status_code == 302
    assert response["Location"] == status_path(declaration)
    response = client.post(url, {"number": declaration.number, "bhxh_code": "0000000000"})
    assert "Không tìm thấy tờ khai" in response.content.decode()


def test_sent_page_needs_a_submission(client):
    response = client.get(reverse("declarations:register_sent"))
    assert response.status_code == 302
    session = client.session
    session[SENT_KEY] = {"number": "DK2611-ABCDEF", "status_path": "/x/", "send_email": False,
                        "sent_at": int(time.time())}
    session.save()
    assert "DK2611-ABCDEF" in client.get(reverse("declarations:register_sent")).content.decode()


def test_pages_in_english(client):
    client.cookies["vssid_language"] = "en"
    html = client.get(step("personal")).content.decode()
    assert "Step 1/4: Personal data" in html
    assert "Fill in quickly with a QR code" in html
    response = client.post(step("personal"), {"action": "next"})
    assert "Please enter the social insurance code." in response.content.decode()


def test_abandoned_draft_photos_are_purged(client):
    import datetime

    from declarations.services.drafts import (
        registration_drafts_purge,
    )

    person, office = person_and_office()
    client.post(step("personal"), personal_post(person))
    client.post(step("photos"), {**photo_files(), "action": "back"})
    names = [m["name"] for m in client.session[SESSION_KEY]["photos"].values()]
    assert registration_drafts_purge(older_than=datetime.timedelta(hours=1)) == 0
    assert registration_drafts_purge(older_than=datetime.timedelta(seconds=-1)) == 3
    assert not any(default_storage.exists(name) for name in names)


def test_web_submissions_are_rate_limited(client, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "registration": "0/hour",
        },
    }
    person, office = person_and_office()
    walk_to_review(client, person, office)
    response = client.post(step("review"), {"action": "submit", "commitment": "on"})
    assert response.status_code == 200
    assert "Bạn đã gửi quá nhiều tờ khai" in response.content.decode()
    assert not Declaration.objects.exists()


def test_photo_uploads_are_rate_limited_per_address_before_decoding(client, settings,
                                                                     monkeypatch):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {
        **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "photos": "4/hour"}}
    from declarations.services import registration

    decoded = []
    real = registration.sanitize_photo
    monkeypatch.setattr(registration, "sanitize_photo",
                        lambda upload: decoded.append(upload.name) or real(upload))
    person, _office = person_and_office()
    client.post(step("personal"), personal_post(person))
    assert client.post(step("photos"), {**photo_files(), "action": "next"}).status_code == 302
    # Three more from the same address (another session): one passes, two are refused.
    other = type(client)()
    other.post(step("personal"), personal_post(person))
    response = other.post(step("photos"), {**photo_files(), "action": "next"})
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("Bạn đã tải lên quá nhiều ảnh. Vui lòng thử lại sau một giờ.") >= 2
    assert decoded == ["portrait.jpg", "id_front.jpg", "id_back.jpg", "portrait.jpg"]
    assert list(other.session[SESSION_KEY]["photos"]) == ["portrait"]


def _review_value(html: str, field: str) -> str:
    import re

    return re.search(rf'data-testid="review-{field}">([^<]*)<', html).group(1)


def test_review_shows_what_the_declaration_will_carry(client):
    """The name typed in another case, spacing and without diacritics matches the registry:
    the review shows the registry's spelling (and the phone, address and e-mail as they
    will be stored), and the declaration carries exactly that (issue #12 item 9.2)."""
    person, office = person_and_office()
    response = client.post(step("personal"), personal_post(
        person, full_name="  nguyen   THI anh ", address="Số 12   phố Huế,  Hà Nội",
        phone="0912 345 678"))
    assert response.status_code == 302
    client.post(step("photos"), {**photo_files(), "action": "next"})
    response = client.post(step("office"), {"office": office.code, "action": "next",
                                            "email": "Anh@Example.VN"})
    assert response.status_code == 302
    review = client.get(step("review")).content.decode()
    shown = {field: _review_value(review, field)
             for field in ("full_name", "address", "phone", "email", "id_number")}
    assert shown == {"full_name": "Nguyễn Thị Ánh", "address": "Số 12 phố Huế, Hà Nội",
                     "phone": "+84912345678", "email": "Anh@example.vn",
                     "id_number": CCCD_FOR_1990_WOMAN}
    assert "nguyen" not in review.lower()

    # The registry respells the name meanwhile (same letters): the review follows it.
    person.full_name = "NGUYỄN THỊ ÁNH"
    person.save()
    review = client.get(step("review")).content.decode()
    assert _review_value(review, "full_name") == "NGUYỄN THỊ ÁNH"

    assert client.post(step("review"), {"action": "submit", "commitment": "on"}
                       ).status_code == 302
    declaration = Declaration.objects.get()
    assert (declaration.full_name, declaration.address, declaration.phone, declaration.email,
            declaration.id_number) == ("NGUYỄN THỊ ÁNH", "Số 12 phố Huế, Hà Nội",
                                       "+84912345678", "Anh@example.vn", CCCD_FOR_1990_WOMAN)


def test_review_says_when_nothing_can_be_sent_any_more(client):
    from tests.accounts.factories import UserFactory

    person, office = person_and_office()
    walk_to_review(client, person, office)
    UserFactory(insured_person=person, phone="+84987654678")  # an account meanwhile
    review = client.get(step("review")).content.decode()
    assert 'data-testid="error-summary"' in review
    assert "đã được đăng ký tài khoản" in review


def test_date_of_birth_typed_dd_mm_yyyy_goes_through_and_comes_back_so(client):
    person, office = person_and_office()  # born 17/05/1990
    response = client.post(step("personal"), personal_post(person, date_of_birth="17/05/1990"))
    assert response.status_code == 302
    assert client.session[SESSION_KEY]["personal"]["date_of_birth"] == "1990-05-17"
    html = client.get(step("personal")).content.decode()
    assert 'value="17/05/1990"' in html and 'type="date"' not in html
    # A date that does not exist keeps the citizen on step 1 with what was typed.
    response = client.post(step("personal"), personal_post(person, date_of_birth="31/02/1990"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Ngày sinh không tồn tại." in html and 'value="31/02/1990"' in html
