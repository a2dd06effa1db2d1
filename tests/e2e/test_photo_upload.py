"""The photo step in Chromium (static/js/photos.js): 12 MP phone photos are turned upright
and shrunk in the page and only the copy travels; a progress bar with the bytes sent while
the buttons are disabled; a failed upload is sent again without choosing the photos again;
Back shows the same "uploaded" state; without JavaScript the form still works."""
import io
import re

import pytest
from django.urls import reverse
from PIL import Image
from playwright.sync_api import expect

from tests.declarations.registration_helpers import CCCD_FOR_1990_WOMAN, person_and_office
from tests.e2e.conftest import VIEWPORTS

pytestmark = pytest.mark.django_db(transaction=True)
KINDS = ("portrait", "id_front", "id_back")
FAST_3G = {"offline": False, "latency": 562.5, "downloadThroughput": 180_000,
           "uploadThroughput": 84_375}


def _phone_photo(path, *, exif_orientation: int | None = None) -> str:
    """A 4000x3000 JPEG as a phone writes it: sideways pixels plus an EXIF orientation."""
    picture = Image.effect_noise((4000, 3000), 30).convert("RGB")
    picture.paste((200, 30, 30), (0, 0, 800, 600))  # a red mark at the top left of the pixels
    exif = Image.Exif()
    if exif_orientation:
        exif[0x0112] = exif_orientation
    exif[0x8825] = {2: (21.0, 1.0, 0.0)}  # GPS: must never leave the phone
    picture.save(path, "JPEG", quality=90, exif=exif.tobytes())
    return str(path)


def _to_photos_step(page) -> None:
    person, _ = person_and_office()
    page.goto(reverse("declarations:register"))
    page.locator("[name=bhxh_code]").fill(person.bhxh_code)
    page.locator("[name=full_name]").fill(person.full_name)
    page.locator("[name=date_of_birth]").fill(person.date_of_birth.strftime("%d/%m/%Y"))
    page.locator("[name=sex]").select_option(person.sex)
    page.locator("[name=id_type]").select_option("cccd")
    page.locator("[name=id_number]").fill(CCCD_FOR_1990_WOMAN)
    page.locator("[name=address]").fill("Số 12 phố Huế, Hà Nội")
    page.locator("[name=phone]").fill("0912 345 678")
    page.get_by_test_id("next").click()
    expect(page.get_by_test_id("photos-form")).to_be_visible()


@pytest.fixture
def received(monkeypatch) -> list[dict]:
    """What the server received on each photo POST: {kind: (file name, bytes)} (the live
    server runs in this process)."""
    from declarations import views_registration

    calls: list[dict] = []
    real = views_registration.photos_sanitize

    def spy(uploads: dict):
        seen = {}
        for kind, upload in uploads.items():
            upload.seek(0)
            seen[kind] = (upload.name, upload.read())
            upload.seek(0)
        calls.append(seen)
        return real(uploads)

    monkeypatch.setattr(views_registration, "photos_sanitize", spy)
    return calls


def test_photos_are_upright_shrunk_copies_and_the_original_stays(phone_page, tmp_path,
                                                                   received):
    page = phone_page
    _to_photos_step(page)
    paths = [_phone_photo(tmp_path / f"{kind}.jpg", exif_orientation=6) for kind in KINDS]
    for kind, path in zip(KINDS, paths, strict=True):
        page.get_by_test_id(f"photo-{kind}").set_input_files(path)
    expect(page.locator("[data-photo-chosen]:visible img")).to_have_count(3)
    page.get_by_test_id("next").click()
    expect(page.get_by_test_id("office-form")).to_be_visible()

    assert len(received) == 1
    original = sum(len(open(p, "rb").read()) for p in paths)
    assert sum(len(data) for _, data in received[0].values()) < original / 4
    for kind in KINDS:
        name, data = received[0][kind]
        assert name == f"{kind}.jpg"
        image = Image.open(io.BytesIO(data))
        assert image.format == "JPEG"
        # Upright (orientation 6: the 4000x3000 pixels are a portrait picture) and at most
        # 1600 px on the long side, with nothing of the original's EXIF (GPS).
        assert image.size == (1200, 1600)
        assert not image.getexif()
        # The red mark of the pixels' top left is now at the top right.
        assert image.getpixel((1150, 50))[0] > 150 and image.getpixel((50, 50))[0] < 150


def test_progress_while_sending_then_step_3(phone_page, tmp_path):
    page = phone_page
    _to_photos_step(page)
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", FAST_3G)
    for kind in KINDS:
        page.get_by_test_id(f"photo-{kind}").set_input_files(
            _phone_photo(tmp_path / f"{kind}.jpg"))
    expect(page.locator("[data-photo-chosen]:visible")).to_have_count(3)
    page.get_by_test_id("next").click()
    progress = page.locator("[data-upload-progress]")
    expect(progress).to_be_visible()
    expect(page.locator("[data-upload-text]")).to_contain_text(
        re.compile(r"Đang gửi ảnh: \d+(,\d)? [KM]B / \d+(,\d)? MB"))
    expect(page.get_by_test_id("next")).to_be_disabled()
    expect(page.get_by_test_id("back")).to_be_disabled()
    assert 0 <= int(page.locator("[data-upload-bar]").evaluate("b => b.value")) <= 100
    expect(page.get_by_test_id("office-form")).to_be_visible(timeout=60_000)


def test_a_failed_upload_is_sent_again_without_choosing_again(phone_page, tmp_path,
                                                               received):
    page = phone_page
    _to_photos_step(page)
    for kind in KINDS:
        page.get_by_test_id(f"photo-{kind}").set_input_files(
            _phone_photo(tmp_path / f"{kind}.jpg"))
    expect(page.locator("[data-photo-chosen]:visible")).to_have_count(3)
    step_url = page.url
    page.route(step_url, lambda route: route.abort("internetdisconnected")
               if route.request.method == "POST" else route.continue_())
    page.get_by_test_id("next").click()
    retry = page.get_by_test_id("upload-retry")
    expect(retry).to_be_visible()
    expect(retry).to_be_focused()
    expect(page.locator("[data-upload-text]")).to_contain_text("Gửi ảnh không thành công")
    expect(page.get_by_test_id("next")).to_be_disabled()
    page.unroute(step_url)
    assert received == []  # the aborted POST never reached the server
    retry.click()
    expect(page.get_by_test_id("office-form")).to_be_visible()
    assert sorted(received[0]) == sorted(KINDS)  # the same three photos, not chosen again

    # Back: the three photos shown as uploaded, as before leaving the step.
    page.get_by_test_id("back").click()
    for kind in KINDS:
        expect(page.get_by_test_id(f"preview-{kind}")).to_contain_text("Đã tải lên")
    expect(page.locator("[data-photo-chosen]:visible")).to_have_count(0)
    expect(page.get_by_test_id("camera-portrait")).to_be_visible()
    expect(page.get_by_test_id("gallery-portrait")).to_be_visible()


def test_camera_or_gallery_at_the_citizens_choice(phone_page):
    page = phone_page
    _to_photos_step(page)
    for kind in KINDS:
        camera, gallery = page.get_by_test_id(f"camera-{kind}"), page.get_by_test_id(
            f"gallery-{kind}")
        for button in (camera, gallery):
            box = button.bounding_box()
            assert box["height"] >= 44 and box["width"] >= 44
        control = page.get_by_test_id(f"photo-{kind}")
        expect(control).not_to_have_attribute("capture", re.compile(".*"))
        with page.expect_file_chooser() as chooser:
            camera.click()
        assert page.get_by_test_id(f"photo-{kind}").get_attribute("capture") in (
            "user", "environment")
        chooser.value.set_files([])
        with page.expect_file_chooser():
            gallery.click()
        assert page.get_by_test_id(f"photo-{kind}").get_attribute("capture") is None


def test_a_file_that_is_not_a_photo_is_said_at_once(phone_page, tmp_path):
    page = phone_page
    _to_photos_step(page)
    text = tmp_path / "note.txt"
    text.write_text("not a photo")
    page.get_by_test_id("photo-portrait").set_input_files(str(text))
    state = page.locator("[data-testid=photo-portrait] ~ [data-photo-state]")
    expect(state).to_contain_text("không phải là ảnh")
    expect(page.locator("[data-photo-chosen]:visible")).to_have_count(0)


def test_server_errors_replace_the_step_in_place(phone_page, tmp_path):
    page = phone_page
    _to_photos_step(page)
    page.get_by_test_id("photo-portrait").set_input_files(
        _phone_photo(tmp_path / "portrait.jpg"))
    expect(page.locator("[data-photo-chosen]:visible")).to_have_count(1)
    page.get_by_test_id("next").click()  # two photos missing
    summary = page.get_by_test_id("error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(page.get_by_test_id("preview-portrait")).to_be_visible()
    # The page works again after the swap: the buttons are back.
    expect(page.get_by_test_id("camera-id_front")).to_be_visible()
    expect(page.get_by_test_id("next")).to_be_enabled()


def test_without_javascript_the_form_still_works(browser, base_url, tmp_path):
    context = browser.new_context(viewport=VIEWPORTS["phone"], locale="vi-VN",
                                  base_url=base_url, java_script_enabled=False)
    page = context.new_page()
    try:
        _to_photos_step(page)
        expect(page.get_by_test_id("camera-portrait")).to_be_hidden()
        for kind in KINDS:
            page.get_by_test_id(f"photo-{kind}").set_input_files(
                _phone_photo(tmp_path / f"{kind}.jpg"))
        page.get_by_test_id("next").click()
        expect(page.get_by_test_id("office-form")).to_be_visible()
    finally:
        context.close()
