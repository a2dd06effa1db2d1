"""The registration journey in Chromium at the phone viewport: QR scan that fills the
form, a name that does not match, photos, Back that keeps the uploads, office picker,
review, sent, status page."""
import io

import pytest
import segno
from django.urls import reverse
from PIL import Image
from playwright.sync_api import expect

from declarations.models import Declaration
from notifications.models import OutboundMessage
from tests.declarations.registration_helpers import (
    CCCD_FOR_1990_WOMAN,
    jpeg_bytes,
    person_and_office,
)

pytestmark = pytest.mark.django_db(transaction=True)


def _cccd_qr_photo(path, payload: str) -> None:
    """A phone-like picture: the CCCD QR on a card-coloured background, slightly rotated."""
    qr = io.BytesIO()
    segno.make(payload, error="m", encoding="utf-8").save(qr, kind="png", scale=6, border=4)
    code = Image.open(io.BytesIO(qr.getvalue())).convert("RGB")
    canvas = Image.new("RGB", (code.width * 3, code.height * 2), (222, 214, 196))
    canvas.paste(code, (code.width, code.height // 2))
    canvas.rotate(4, expand=True, fillcolor=(200, 200, 200)).save(path, "JPEG", quality=88)


def _no_sideways_scroll(page) -> None:
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0


def test_registration_journey_on_a_phone(phone_page, step, tmp_path):
    page = phone_page
    person, office = person_and_office()
    payload = (
        f"{CCCD_FOR_1990_WOMAN}|012345678|Nguyễn Thị Ánh|17051990|Nữ|"
        "Số 12 phố Huế, phường Hai Bà Trưng, Hà Nội|01012021"
    )
    qr_path = tmp_path / "cccd.jpg"
    _cccd_qr_photo(qr_path, payload)
    photos = []
    for kind in ("portrait", "id_front", "id_back"):
        photo = tmp_path / f"{kind}.jpg"
        photo.write_bytes(jpeg_bytes((900, 600)))
        photos.append(photo)

    # Step 1: the step indicator, the QR helper.
    page.goto(reverse("declarations:register"))
    expect(page.get_by_test_id("steps")).to_be_visible()
    expect(page.locator(".registration-steps li[aria-current=step]")).to_contain_text(
        "Thông tin cá nhân"
    )
    _no_sideways_scroll(page)
    step("personal-empty")

    page.get_by_test_id("scan-cccd").set_input_files(str(qr_path))
    id_number = page.locator("#id_id_number")
    try:
        # scan.js, when present, fills the form as soon as the picture is chosen.
        expect(id_number).to_have_value(CCCD_FOR_1990_WOMAN, timeout=3000)
    except AssertionError:
        page.get_by_test_id("scan-cccd-submit").click()
        page.wait_for_load_state()
    expect(id_number).to_have_value(CCCD_FOR_1990_WOMAN)
    expect(page.locator("#id_full_name")).to_have_value("Nguyễn Thị Ánh")
    expect(page.locator("#id_date_of_birth")).to_have_value("17/05/1990")
    expect(page.locator("#id_sex")).to_have_value("F")
    expect(page.locator("#id_address")).to_have_value(
        "Số 12 phố Huế, phường Hai Bà Trưng, Hà Nội"
    )
    step("personal-scanned")

    # A name that does not match the registry.
    page.locator("#id_bhxh_code").fill(person.bhxh_code)
    page.locator("#id_phone").fill("0912 345 678")
    page.locator("#id_full_name").fill("Nguyễn Thị Ánh Hồng")
    page.get_by_test_id("next").click()
    summary = page.get_by_test_id("error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("không khớp với cơ sở dữ liệu BHXH")
    expect(page.locator("#id_phone")).to_have_value("0912 345 678")
    _no_sideways_scroll(page)
    step("name-mismatch")

    page.locator("#id_full_name").fill("NGUYỄN THỊ ÁNH")
    page.get_by_test_id("next").click()

    # Step 2: photos.
    expect(page.locator(".registration-steps li[aria-current=step]")).to_contain_text("Ảnh")
    for kind, photo in zip(("portrait", "id_front", "id_back"), photos, strict=True):
        page.get_by_test_id(f"photo-{kind}").set_input_files(str(photo))
    step("photos-chosen")
    page.get_by_test_id("next").click()

    # Step 3, then Back: the uploads are still there, shown from the session's draft.
    expect(page.get_by_test_id("office-form")).to_be_visible()
    page.get_by_test_id("back").click()
    for kind in ("portrait", "id_front", "id_back"):
        preview = page.get_by_test_id(f"preview-{kind}").locator("img")
        expect(preview).to_be_visible()
        # The kept photo really loads from the draft: wait for the browser to finish
        # fetching it (or fail to) before reading its size.
        width = preview.evaluate(
            """img => img.complete ? img.naturalWidth : new Promise((done) => {
                img.addEventListener("load", () => done(img.naturalWidth));
                img.addEventListener("error", () => done(0));
            })"""
        )
        assert width > 0
    _no_sideways_scroll(page)
    step("photos-kept-after-back")
    page.get_by_test_id("next").click()

    # Step 3: province then office; e-mail.
    page.get_by_test_id("province").select_option("01")
    page.locator("#id_office").select_option(office.code)
    page.locator("#id_email").fill("anh@example.vn")
    page.locator("#id_send_email").check()
    step("office")
    page.get_by_test_id("next").click()

    # Step 4: review and send. The name typed in capitals is shown as the registry writes
    # it, as the declaration and its PDF will carry it.
    expect(page.get_by_test_id("review-full_name")).to_have_text("Nguyễn Thị Ánh")
    expect(page.get_by_test_id("review-office")).to_have_text(
        "(00121) BHXH TP. Hà Nội - BHXH cơ sở Đống Đa"
    )
    page.get_by_label("Tôi cam đoan", exact=False).check()
    _no_sideways_scroll(page)
    step("review")
    page.get_by_test_id("submit").click()

    # Sent.
    number = page.get_by_test_id("declaration-number")
    expect(number).to_be_visible()
    declaration = Declaration.objects.get()
    expect(number).to_have_text(declaration.number)
    assert declaration.attachments.count() == 3
    assert declaration.full_name == "Nguyễn Thị Ánh"
    assert OutboundMessage.objects.filter(channel="sms", recipient="+84912345678").exists()
    step("sent")

    page.get_by_test_id("status-link").click()
    expect(page.get_by_test_id("declaration-status")).to_have_text("Đã gửi")
    step("status")
