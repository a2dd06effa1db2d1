"""static/js/scan.js in headless Chromium: a picked photo fills the form through the API."""
import os

import pytest

from tests.fixtures.qr_photos import MISGUESSED_CCCD, qr_image

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")

try:
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover
    sync_playwright = None

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(sync_playwright is None or not os.access(CHROMIUM, os.X_OK),
                       reason=f"needs Playwright and {CHROMIUM} (make setup installs them)"),
]

PAGE = """<!doctype html><html lang="%(lang)s"><head><meta charset="utf-8">
<script src="/static/js/scan.js" defer></script></head><body>
<form method="post" action="/nowhere/">
  <input type="hidden" name="csrfmiddlewaretoken" value="x">
  <section data-scan-form>
    <label for="id_scan_cccd">Ảnh mã QR trên CCCD</label>
    <input type="file" id="id_scan_cccd" accept="image/*" capture="environment"
           data-scan-kind="%(kind)s">
    <button type="submit" class="scan-submit" name="scan" value="cccd">Quét</button>
    <p role="status" aria-live="polite" data-scan-status></p>
  </section>
  <label for="id_bhxh_code">Mã số BHXH</label><input id="id_bhxh_code" name="bhxh_code">
  <label for="id_full_name">Họ và tên</label><input id="id_full_name" name="full_name">
  <label for="id_dob">Ngày sinh</label><input id="id_dob" name="date_of_birth" type="date">
  <label for="id_sex">Giới tính</label>
  <select id="id_sex" name="sex"><option value=""></option><option value="M">Nam</option>
    <option value="F">Nữ</option></select>
  <label for="id_id_type">Loại giấy tờ</label>
  <select id="id_id_type" name="id_type"><option value="cmnd">CMND</option>
    <option value="cccd">CCCD</option></select>
  <label for="id_id_number">Số giấy tờ</label><input id="id_id_number" name="id_number">
  <label for="id_address">Địa chỉ</label><input id="id_address" name="address">
</form></body></html>"""


@pytest.fixture
def chromium_page(live_server, monkeypatch):
    from django.test import testcases

    # The portal has no MEDIA_URL (private files only): the live server's media handler
    # fails on None, so let every request through (as tests/e2e/conftest.py does).
    monkeypatch.setattr(testcases._MediaFilesHandler, "_should_handle",
                        lambda self, path: False)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"])
        page = browser.new_page()

        def open_form(kind: str, lang: str = "vi"):
            url = f"{live_server.url}/__scan_js_test__/"
            page.route(url, lambda route: route.fulfill(
                status=200, content_type="text/html; charset=utf-8",
                body=PAGE % {"kind": kind, "lang": lang}))
            page.goto(url)
            page.wait_for_function("document.querySelector('.scan-submit').hidden === true")
            return page

        yield open_form
        browser.close()


def _qr_png(tmp_path, payload: str):
    path = tmp_path / "qr.png"
    qr_image(payload, side=400).save(path)
    return path


def test_cccd_photo_fills_the_form(chromium_page, tmp_path):
    page = chromium_page("cccd")
    page.set_input_files("#id_scan_cccd", str(_qr_png(tmp_path, MISGUESSED_CCCD)))
    page.wait_for_function("document.querySelector('[data-scan-status]').textContent"
                           ".indexOf('Đã đọc mã QR') === 0")
    assert page.input_value("#id_id_number") == "001099012345"
    assert page.input_value("#id_full_name") == "Trần Văn Đức"
    assert page.input_value("#id_dob") == "1999-01-01"
    assert page.input_value("#id_sex") == "M"
    assert page.input_value("#id_address") == "Xã Đức Phổ"
    assert page.input_value("#id_id_type") == "cccd"
    assert page.input_value("#id_bhxh_code") == ""
    assert page.input_value("#id_scan_cccd") == ""  # not uploaded again with the form


def test_wrong_card_message_is_announced(chromium_page, tmp_path):
    page = chromium_page("bhyt", lang="en")
    page.set_input_files("#id_scan_cccd", str(_qr_png(tmp_path, MISGUESSED_CCCD)))
    status = page.locator("[data-scan-status]")
    page.wait_for_function("document.querySelector('[data-scan-status]').textContent"
                           ".indexOf('CCCD') >= 0")
    assert status.get_attribute("aria-live") == "polite"
    assert "not of a BHYT card" in status.text_content()
    assert page.input_value("#id_full_name") == ""
