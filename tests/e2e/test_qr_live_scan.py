"""The live QR scan (static/js/scan.js) in Chromium with a fake camera: the code is read from
the video in the page (zxing-cpp as WebAssembly: Chromium on Linux has no BarcodeDetector),
only its bytes reach the server, and the form is filled; the camera refused or absent gives
a clear message and the photo fallback; errors of the fields a scan fills are cleared."""
import random

import pytest
from django.urls import reverse
from PIL import Image
from playwright.sync_api import expect

from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, VIEWPORTS
from tests.fixtures.fake_camera import blank_video, qr_video
from tests.fixtures.qr_photos import MISGUESSED_CCCD, bhyt_payload, fake_person, qr_image

pytestmark = pytest.mark.django_db(transaction=True)


def _launch(playwright_, video=None, *, allow_camera=True):
    args = list(CHROMIUM_ARGS)
    if video is not None:
        args += ["--use-fake-device-for-media-stream", f"--use-file-for-fake-video-capture={video}"]
    if allow_camera:
        args.append("--use-fake-ui-for-media-stream")
    else:
        args.append("--deny-permission-prompts")
    return playwright_.chromium.launch(executable_path=CHROMIUM, headless=True, args=args)


def _phone(browser, base_url, *, camera=True):
    context = browser.new_context(viewport=VIEWPORTS["phone"], locale="vi-VN",
                                  base_url=base_url, is_mobile=True, has_touch=True)
    if camera:
        context.grant_permissions(["camera"], origin=base_url)
    context.set_default_timeout(20_000)
    page = context.new_page()
    problems = []
    page.on("console", lambda m: m.type == "error" and problems.append(m.text))
    page.on("pageerror", lambda e: problems.append(str(e)))
    return page, problems


def _date_value(page) -> str:
    return page.locator("[name=date_of_birth]").input_value()


def test_cccd_read_live_from_the_camera_fills_step_1(_playwright, base_url, tmp_path):
    video = qr_video(tmp_path / "cccd.y4m", MISGUESSED_CCCD)
    browser = _launch(_playwright, video)
    try:
        page, problems = _phone(browser, base_url)
        sent = []
        page.on("request", lambda r: "/api/v1/scan/" in r.url and sent.append(r))
        page.goto(reverse("declarations:register"))
        page.get_by_test_id("scan-live").click()
        expect(page.locator("[data-scan-status]")).to_contain_text("Đã đọc mã QR")
        assert page.get_by_label("Họ và tên").input_value() == "Trần Văn Đức"
        assert page.get_by_label("Số giấy tờ tùy thân").input_value() == "001099012345"
        assert _date_value(page) in ("01/01/1999", "1999-01-01")
        # Only the code's bytes travelled, as JSON: no picture.
        assert len(sent) == 1
        assert sent[0].headers["content-type"] == "application/json"
        assert b"payload" in sent[0].post_data_buffer and len(sent[0].post_data_buffer) < 400
        # The camera is off again, the panel closed.
        expect(page.locator("[data-scan-live-panel]")).to_be_hidden()
        assert page.evaluate("document.querySelector('[data-scan-live-video]').srcObject") is None
        # No CSP refusal (the WebAssembly compiles under 'wasm-unsafe-eval') nor script error.
        assert not [p for p in problems if "favicon" not in p], problems
    finally:
        browser.close()


def test_camera_refused_says_so_and_keeps_the_photo_fallback(_playwright, base_url, tmp_path):
    browser = _launch(_playwright, blank_video(tmp_path / "b.y4m"), allow_camera=False)
    try:
        page, _ = _phone(browser, base_url, camera=False)
        page.goto(reverse("declarations:register"))
        page.get_by_test_id("scan-live").click()
        status = page.locator("[data-scan-status]")
        expect(status).to_contain_text("chưa cho phép trang dùng camera")
        expect(status).to_have_class("scan-status scan-status-error")
        expect(page.get_by_test_id("scan-cccd")).to_be_attached()
        expect(page.get_by_text("Hoặc chọn ảnh chụp mã QR có sẵn")).to_be_visible()
        # The fallback: a large button in Vietnamese, not the browser's "Choose File".
        pick = page.get_by_test_id("scan-cccd-pick")
        expect(pick).to_have_text("Chọn ảnh mã QR trên CCCD")
        assert pick.bounding_box()["height"] >= 44
        with page.expect_file_chooser():
            pick.click()
        expect(page.get_by_test_id("scan-live")).to_be_visible()
    finally:
        browser.close()


def test_no_camera_at_all(_playwright, base_url, tmp_path):
    browser = _launch(_playwright, None, allow_camera=True)  # no fake device: none at all
    try:
        page, _ = _phone(browser, base_url)
        page.goto(reverse("declarations:register"))
        page.get_by_test_id("scan-live").click()
        expect(page.locator("[data-scan-status]")).to_contain_text("Không mở được camera")
    finally:
        browser.close()


def test_a_scan_clears_the_errors_of_the_fields_it_fills(phone_page, tmp_path):
    page = phone_page
    page.goto(reverse("declarations:register"))
    page.get_by_test_id("next").click()  # everything empty: errors on every field
    expect(page.get_by_test_id("error-summary")).to_be_visible()
    person = fake_person(random.Random(3))
    path = tmp_path / "bhyt.png"
    qr_image(bhyt_payload(person), side=400).save(path)
    page.get_by_test_id("scan-bhyt").set_input_files(str(path))
    expect(page.locator("[data-scan-status]")).to_contain_text("Đã đọc mã QR")
    assert page.get_by_label("Mã số BHXH").input_value() == person["bhxh"]
    for name in ("bhxh_code", "full_name", "date_of_birth", "sex"):
        field = page.locator(f"[name={name}]")
        expect(field.locator("xpath=ancestor::div[contains(@class,'form-field')][1]")
               ).not_to_have_class("form-field field-error")
        expect(page.locator(f"#id_{name}_error")).to_have_count(0)
        expect(page.locator(f".error-summary a[href='#id_{name}']")).to_have_count(0)
    # The errors of the fields the code does not hold stay.
    expect(page.locator(".error-summary a[href='#id_phone']")).to_have_count(1)


def test_a_qr_photo_not_read_small_is_sent_once_more_larger(phone_page, tmp_path):
    """The photo goes first as a 1280 px grey copy; when the server finds no code in it
    (a code small in the picture), once more as a 2400 px copy, before any error is said."""
    page = phone_page
    page.goto(reverse("declarations:register"))
    path = tmp_path / "cccd.jpg"
    picture = Image.new("RGB", (4000, 3000), (140, 130, 120))
    picture.paste(qr_image(MISGUESSED_CCCD, side=400).convert("RGB"), (1800, 1300))
    picture.save(path, "JPEG", quality=90)
    sizes = []

    def first_refused(route):
        sizes.append(len(route.request.post_data_buffer or b""))
        if len(sizes) == 1:
            route.fulfill(status=400, content_type="application/json",
                          body='{"image": ["Không tìm thấy mã QR trong ảnh."]}')
        else:
            route.continue_()

    page.route("**/api/v1/scan/", first_refused)
    page.get_by_test_id("scan-cccd").set_input_files(str(path))
    expect(page.locator("[data-scan-status]")).to_contain_text("Đã đọc mã QR")
    assert page.get_by_label("Số giấy tờ tùy thân").input_value() == "001099012345"
    assert len(sizes) == 2
