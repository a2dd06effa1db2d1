"""A parent registers an account for their child on a phone, from the login to the success
screen, shares the declaration, downloads it through the SMS link; an officer approves it;
the child appears in the parent's family view with the BHYT card and its QR."""
import json
import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from declarations.models import Declaration
from guardians.models import GuardianLink
from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory
from tests.declarations.registration_helpers import jpeg_bytes
from tests.declarations.review_helpers import officer, two_provinces
from tests.registry.factories import HealthInsuranceCardFactory, InsuredPersonFactory

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = "+84983000201"
CHANGELIST = "/admin/declarations/declaration/"

# Stands in for the phone's share sheet (Chromium on Linux has none): records what the page
# asks to share, as Android Chrome would receive it.
SHARE_STUB = """
window.__shared = [];
navigator.canShare = (data) => !!(data && data.files && data.files.length);
navigator.share = (data) => {
  window.__shared.push({
    title: data.title || "", url: data.url || "",
    files: (data.files || []).map((f) => ({name: f.name, type: f.type, size: f.size})),
  });
  return Promise.resolve();
};
"""


def _no_sideways_scroll(page) -> None:
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{overflow}px of sideways scroll on {page.url}"


def test_parent_registers_a_child_and_follows_them(
    phone_page, desktop_page, browser, base_url, step, outbox
):
    offices = two_provinces()
    guardian = UserFactory(
        insured_person=InsuredPersonFactory(full_name="Lê Minh Quân", sex="M"),
        phone=PHONE, email="quan.leminh@example.com",
    )
    child = InsuredPersonFactory(child=True, full_name="Lê Minh Đức")
    HealthInsuranceCardFactory(person=child, issuing_office=offices.dongda)
    staff = officer(offices.dongda, full_name="Lê Văn Cán")
    page = phone_page
    page.add_init_script(SHARE_STUB)

    # Login, then "Dịch vụ công" → "Đăng ký tài khoản cho con".
    page.goto(reverse("accounts:login"))
    page.get_by_label("Mã số BHXH hoặc tên đăng nhập").fill(guardian.username)
    page.get_by_label("Mật khẩu").fill(DEFAULT_PASSWORD)
    page.locator("main").get_by_role("button", name="Đăng nhập").click()
    page.goto(reverse("public_services"))
    step("public-services")
    page.get_by_role("link", name="Đăng ký tài khoản cho con").click()
    expect(page.get_by_role("heading", level=2)).to_contain_text("Bước 1/4")
    _no_sideways_scroll(page)

    # Step 1: a wrong name first, then the right one.
    page.get_by_label("Mã số BHXH của con").fill(child.bhxh_code)
    page.get_by_label("Họ và tên của con").fill("Lê Minh Đạt")
    page.get_by_label("Bạn là").select_option("father")
    page.get_by_test_id("next").click()
    expect(page.get_by_test_id("error-summary")).to_contain_text("không khớp")
    step("child-name-differs")
    page.get_by_label("Họ và tên của con").fill("le minh duc")
    page.get_by_test_id("next").click()
    expect(page.get_by_role("heading", level=2)).to_contain_text("Bước 2/4")

    # Step 2: the portrait and the birth certificate.
    photo = {"name": "anh.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes()}
    page.get_by_test_id("photo-portrait").set_input_files(photo)
    page.get_by_test_id("photo-birth_certificate").set_input_files(photo)
    _no_sideways_scroll(page)
    step("child-photos")
    page.get_by_test_id("next").click()

    # Step 3: the office on the child's card is preset.
    expect(page.get_by_role("heading", level=2)).to_contain_text("Bước 3/4")
    expect(page.get_by_label("Cơ quan BHXH tiếp nhận tờ khai")).to_have_value(
        offices.dongda.code)
    step("child-office")
    page.get_by_test_id("next").click()

    # Step 4: read the commitment, "Đồng ý".
    expect(page.get_by_test_id("commitment")).to_be_visible()
    expect(page.get_by_test_id("review-full_name")).to_have_text("Lê Minh Đức")
    _no_sideways_scroll(page)
    step("child-commitment")
    page.get_by_test_id("accept").click()

    # The success screen.
    number = page.get_by_test_id("declaration-number")
    expect(number).to_have_text(re.compile(r"^DK\d{4}-[0-9A-Z]{6}$"))
    declaration = Declaration.objects.get(number=number.inner_text())
    assert declaration.kind == "child_registration" and declaration.submitted_by == guardian
    _no_sideways_scroll(page)
    step("child-sent")

    # Shared from the phone: the PDF file itself.
    share = page.get_by_test_id("web-share")
    expect(share).to_be_visible()
    share.click()
    page.wait_for_function("() => window.__shared.length > 0")
    shared = page.evaluate("() => window.__shared[0]")
    assert shared["files"][0]["name"] == f"to-khai-{declaration.number}.pdf", shared
    assert shared["files"][0]["type"] == "application/pdf" and shared["files"][0]["size"] > 1000

    # "Xem tờ khai": in the browser, printable, PDF downloadable, sent on by e-mail.
    page.get_by_test_id("view-declaration").click()
    expect(page.get_by_test_id("declaration-number")).to_have_text(declaration.number)
    expect(page.get_by_test_id("declaration")).to_contain_text("Lê Minh Quân")
    expect(page.get_by_test_id("pdf-download")).to_be_visible()
    _no_sideways_scroll(page)
    step("declaration-page")
    page.get_by_test_id("share-email").fill("ba.noi@example.com")
    page.get_by_test_id("share-email-submit").click()
    expect(page.locator(".messages")).to_contain_text("Tờ khai sẽ được gửi")

    # The SMS to the parent carries a short link that downloads the PDF without logging in.
    records = [json.loads(line) for line in outbox.read_text().splitlines()]
    [receipt] = [r for r in records if r["to"] == PHONE]
    short = re.escape(reverse("short_links:open", kwargs={"token": "T"})[:-1])
    link = re.search(r"https?://\S+" + short + r"[0-9A-Za-z]+", receipt["body"]).group(0)
    stranger = browser.new_context(base_url=base_url)
    try:
        response = stranger.request.get(link)
        assert response.status == 200
        assert response.headers["content-type"] == "application/pdf"
        assert response.body()[:5] == b"%PDF-"
    finally:
        stranger.close()

    # The officer sees the birth certificate beside the portrait, and approves.
    desk = desktop_page
    desk.goto("/admin/login/?next=" + CHANGELIST)
    desk.locator("#id_username").fill(staff.username)
    desk.locator("#id_password").fill(DEFAULT_PASSWORD)
    desk.locator("#login-form input[type=submit]").click()
    desk.goto(f"/admin/declarations/declaration/{declaration.pk}/change/")
    expect(desk.locator(".review-photos figcaption")).to_have_text(
        ["Ảnh chân dung", "Giấy khai sinh"])
    expect(desk.get_by_test_id("comparison")).to_contain_text("Lê Minh Quân")
    step("officer-review")
    desk.get_by_test_id("approve").click()
    expect(desk.get_by_test_id("review-status")).to_have_text("Đã duyệt")
    assert GuardianLink.objects.filter(guardian=guardian, child=child).exists()

    # The family view: the child, the card with its QR.
    page.goto(reverse("guardians:family"))
    expect(page.locator("main")).to_contain_text("Lê Minh Đức")
    _no_sideways_scroll(page)
    step("family")
    page.get_by_test_id("child-card-link").click()
    expect(page.locator("main")).to_contain_text(child.bhxh_code)
    qr = page.locator("main img[src^='data:image/png']")
    expect(qr).to_have_count(1)
    _no_sideways_scroll(page)
    step("child-card")

    # The temporary password of the child's account reached the parent's phone.
    records = [json.loads(line) for line in outbox.read_text().splitlines()]
    approval = [r for r in records if r["to"] == PHONE and "Mat khau tam thoi" in r["body"]]
    assert approval and child.bhxh_code in approval[0]["body"]
