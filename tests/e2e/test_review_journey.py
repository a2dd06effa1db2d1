"""The staff review journeys in Chromium: an officer approves a declaration and the citizen
logs in with the temporary password read from the dev outbox; an officer rejects one and
the citizen reads why on a phone; an officer of another province never sees it."""
import re
from urllib.parse import quote_plus

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from declarations.models import Declaration
from declarations.status_links import status_path
from notifications.models import OutboundMessage
from tests.accounts.factories import DEFAULT_PASSWORD
from tests.declarations.review_helpers import declaration_for, officer, two_provinces
from tests.registry.factories import HealthInsuranceCardFactory

pytestmark = pytest.mark.django_db(transaction=True)

CHANGELIST = "/admin/declarations/declaration/"
NEW_PASSWORD = "Hoa-sen-no-2026"
BLURRED = "Ảnh bị mờ, bị cắt hoặc không đọc được"

# Resolves with the image's natural width once the browser has fetched it (0 if it failed).
IMAGE_WIDTH = """img => img.complete ? img.naturalWidth : new Promise((done) => {
    img.addEventListener("load", () => done(img.naturalWidth));
    img.addEventListener("error", () => done(0));
})"""


def _no_sideways_scroll(page) -> None:
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0


def _staff_login(page, user) -> None:
    page.goto("/admin/login/?next=" + CHANGELIST)
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill(DEFAULT_PASSWORD)
    page.locator("#login-form input[type=submit]").click()
    expect(page).to_have_url(re.compile(re.escape(CHANGELIST) + "$"))


def _search(page, term: str) -> None:
    page.locator("#searchbar").fill(term)
    page.locator("#searchbar").press("Enter")
    # Wait for the results of this search, not the list shown before it.
    expect(page).to_have_url(re.compile(r"[?&]q=" + re.escape(quote_plus(term)) + "(&|$)"))


def test_officer_approves_and_the_citizen_logs_in_with_the_sms_password(
    desktop_page, phone_page, step, outbox
):
    offices = two_provinces()
    staff = officer(offices.dongda, full_name="Lê Văn Cán")
    declaration = declaration_for(offices.dongda)
    person = declaration.insured_person
    HealthInsuranceCardFactory(person=person)
    citizen, desk = phone_page, desktop_page

    # The citizen follows the link of the SMS that acknowledged the declaration.
    citizen.goto("/dev/outbox/")
    sms = citizen.get_by_test_id("sms-list").locator("li")
    expect(sms).to_have_count(1)
    expect(sms.first).to_contain_text(f"so {declaration.number}")
    step("citizen-outbox-received")
    sms.first.get_by_role("link").click()
    expect(citizen.get_by_test_id("declaration-number")).to_have_text(declaration.number)
    expect(citizen.get_by_test_id("declaration-status")).to_have_text("Đã gửi")
    _no_sideways_scroll(citizen)
    step("citizen-status-submitted")

    # The officer finds the declaration by the name without diacritics.
    _staff_login(desk, staff)
    _search(desk, "nguyen thi anh")
    results = desk.locator("#result_list tbody tr")
    expect(results).to_have_count(1)
    expect(results.first).to_contain_text(person.bhxh_code)
    step("officer-search")
    results.first.get_by_role("link", name=declaration.number).click()

    # The review page: the declaration beside the registry, the three photos.
    expect(desk.get_by_test_id("review-status")).to_have_text("Đã gửi")
    comparison = desk.get_by_test_id("comparison")
    name_row = comparison.locator("tbody tr", has=desk.locator("th", has_text="Họ và tên"))
    expect(name_row.locator("td")).to_have_text(["Nguyễn Thị Ánh", "Nguyễn Thị Ánh"])
    expect(name_row).not_to_have_class("differs")
    code_row = comparison.locator("tbody tr", has=desk.locator("th", has_text="Mã số BHXH"))
    expect(code_row.locator("td")).to_have_text([person.bhxh_code, person.bhxh_code])
    # The CCCD of the declaration is not the one on record: flagged for the officer.
    id_row = comparison.locator("tbody tr", has=desk.locator("th", has_text="Số giấy tờ"))
    expect(id_row).to_have_class("differs")
    expect(id_row).to_contain_text("khác")
    photos = desk.locator(".review-photos img")
    expect(photos).to_have_count(3)
    expect(desk.locator(".review-photos figcaption")).to_have_count(3)
    for index in range(3):
        photo = photos.nth(index)
        photo.scroll_into_view_if_needed()
        assert photo.evaluate(IMAGE_WIDTH) > 0, f"photo {index} did not load"
    desk.screenshot(path="/tmp/review-page.png", full_page=True)
    step("officer-review-page")

    desk.get_by_test_id("approve").click()
    expect(desk.locator(".messagelist .success")).to_contain_text(
        f"Đã duyệt tờ khai {declaration.number}; mật khẩu tạm thời được gửi qua SMS"
    )
    expect(desk.get_by_test_id("review-status")).to_have_text("Đã duyệt")
    expect(desk.get_by_test_id("decision-made")).to_contain_text("Đã duyệt bởi Lê Văn Cán")
    expect(desk.get_by_test_id("approve")).to_have_count(0)
    expect(desk.get_by_test_id("reject")).to_have_count(0)
    step("officer-approved")
    declaration.refresh_from_db()
    assert declaration.status == Declaration.Status.APPROVED

    # The citizen reads the temporary password in the outbox (the newest SMS first).
    citizen.goto("/dev/outbox/")
    expect(sms).to_have_count(2)
    approval = sms.first.locator(".outbox-body")
    expect(approval).to_contain_text(f"Ten dang nhap: {person.bhxh_code}")
    match = re.search(r"mat khau tam thoi: (\d{8})\b", approval.inner_text())
    assert match, approval.inner_text()
    password = match.group(1)
    step("citizen-outbox-password")

    citizen.goto(reverse("accounts:login"))
    citizen.get_by_label("Mã số BHXH hoặc tên đăng nhập").fill(person.bhxh_code)
    citizen.get_by_label("Mật khẩu").fill(password)
    citizen.locator("main").get_by_role("button", name="Đăng nhập").click()
    initial = re.escape(reverse("accounts:password_initial"))
    expect(citizen).to_have_url(re.compile(initial))
    expect(citizen.get_by_role("heading", level=1)).to_have_text("Đặt mật khẩu mới")
    _no_sideways_scroll(citizen)
    step("citizen-must-change-password")

    # Nothing else opens before the new password is set.
    my_card = reverse("accounts:my_card")
    citizen.goto(my_card)
    expect(citizen).to_have_url(re.compile(initial + r"\?next="))

    citizen.get_by_label("Mật khẩu mới", exact=True).fill(NEW_PASSWORD)
    citizen.get_by_label("Nhập lại mật khẩu mới").fill(NEW_PASSWORD)
    citizen.get_by_role("button", name="Lưu mật khẩu mới").click()
    expect(citizen).to_have_url(re.compile(re.escape(my_card) + "$"))
    expect(citizen.get_by_text("Đã đặt mật khẩu mới.")).to_be_visible()

    citizen.goto(my_card)
    expect(citizen).to_have_url(re.compile(re.escape(my_card) + "$"))
    card = citizen.get_by_test_id("bhyt-card")
    expect(card).to_be_visible()
    expect(citizen.get_by_test_id("card-name")).to_have_text("Nguyễn Thị Ánh")
    expect(citizen.get_by_test_id("card-bhxh-code")).to_have_text(person.bhxh_code)
    expect(citizen.locator(".site-nav")).to_contain_text("Nguyễn Thị Ánh")
    _no_sideways_scroll(citizen)
    step("citizen-card")

    # The SMS that carried the password no longer holds it, in the database or the file.
    # (Both SMS are sensitive: their links open the declaration without logging in.)
    approval_sms = OutboundMessage.objects.filter(channel="sms", sensitive=True,
                                                  dedup_key__endswith=":approved:sms")
    assert approval_sms.count() == 1
    for message in approval_sms:
        assert message.status == OutboundMessage.Status.SENT
        assert password not in message.body
        assert "mat khau tam thoi: ********" in message.body
    assert password not in str(
        list(OutboundMessage.objects.values_list("body", "html_body", "redacted"))
    )


def test_officer_rejects_and_the_citizen_reads_why_on_a_phone(
    desktop_page, phone_page, step, outbox
):
    offices = two_provinces()
    staff = officer(offices.dongda)
    declaration = declaration_for(offices.dongda)
    desk, citizen = desktop_page, phone_page
    explanation = "Ảnh mặt sau CCCD bị lóa, không đọc được số. Vui lòng chụp lại nơi đủ sáng."

    _staff_login(desk, staff)
    desk.goto(f"{CHANGELIST}{declaration.pk}/change/")
    expect(desk.get_by_test_id("review-status")).to_have_text("Đã gửi")
    desk.get_by_test_id("take").click()
    expect(desk.locator(".messagelist .success")).to_contain_text(
        f"Bạn đã nhận xử lý tờ khai {declaration.number}."
    )
    expect(desk.get_by_test_id("review-status")).to_have_text("Đang xử lý")

    # An empty explanation: the browser keeps the form...
    desk.locator("#reason_code").select_option(label=BLURRED)
    desk.get_by_test_id("reject").click()
    assert desk.locator("#reject_text").evaluate("el => el.validity.valueMissing")
    expect(desk.get_by_test_id("review-status")).to_have_text("Đang xử lý")
    # ...and one of blanks only is refused by the portal, in Vietnamese.
    desk.locator("#reject_text").fill("   ")
    desk.get_by_test_id("reject").click()
    expect(desk.locator(".messagelist .error")).to_contain_text(
        "Ghi rõ lý do để người kê khai biết cần sửa gì."
    )
    expect(desk.get_by_test_id("review-status")).to_have_text("Đang xử lý")
    step("officer-reject-without-explanation")
    declaration.refresh_from_db()
    assert declaration.status == Declaration.Status.IN_REVIEW

    desk.locator("#reason_code").select_option(label=BLURRED)
    desk.locator("#reject_text").fill(explanation)
    step("officer-reject-filled")
    desk.get_by_test_id("reject").click()
    expect(desk.locator(".messagelist .success")).to_contain_text(
        f"Đã từ chối tờ khai {declaration.number}; người kê khai được thông báo lý do."
    )
    expect(desk.get_by_test_id("review-status")).to_have_text("Bị từ chối")
    expect(desk.get_by_test_id("decision-made")).to_contain_text(BLURRED)
    expect(desk.get_by_test_id("decision-made")).to_contain_text(explanation)
    step("officer-rejected")
    declaration.refresh_from_db()
    assert declaration.status == Declaration.Status.REJECTED
    assert declaration.rejection_reason_code == "photo_blurred"

    # The citizen opens the link of the SMS on a phone.
    citizen.goto(status_path(declaration))
    expect(citizen.get_by_test_id("declaration-number")).to_have_text(declaration.number)
    expect(citizen.get_by_test_id("declaration-status")).to_have_text("Bị từ chối")
    expect(citizen.get_by_test_id("rejection-reason")).to_have_text(BLURRED)
    expect(citizen.get_by_test_id("rejection-text")).to_have_text(explanation)
    again = citizen.get_by_role("link", name="Đăng ký lại")
    expect(again).to_be_visible()
    expect(again).to_have_attribute("href", reverse("declarations:register"))
    _no_sideways_scroll(citizen)
    step("citizen-status-rejected")

    # The rejection SMS names the reason (without diacritics) and carries the link.
    citizen.goto("/dev/outbox/")
    newest = citizen.get_by_test_id("sms-list").locator("li").first
    expect(newest).to_contain_text(f"To khai {declaration.number} bi tu choi")
    expect(newest).to_contain_text("Anh bi mo, bi cat hoac khong doc duoc")
    newest.get_by_role("link").click()
    expect(citizen.get_by_test_id("declaration-status")).to_have_text("Bị từ chối")
    _no_sideways_scroll(citizen)

    again = citizen.get_by_role("link", name="Đăng ký lại")
    again.click()
    expect(citizen).to_have_url(re.compile(re.escape(reverse("declarations:register"))))
    expect(citizen.get_by_test_id("steps")).to_be_visible()
    step("citizen-register-again")


def test_officer_of_another_province_never_sees_the_declaration(desktop_page, step):
    offices = two_provinces()
    hanoi_declaration = declaration_for(offices.dongda)
    hcm_declaration = declaration_for(offices.quan1)
    page = desktop_page

    _staff_login(page, officer(offices.hcm))
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(hcm_declaration.number)
    _search(page, "nguyen thi anh")  # both citizens bear this name
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(hcm_declaration.number)
    _search(page, hanoi_declaration.number)
    expect(rows).to_have_count(0)
    _search(page, hanoi_declaration.bhxh_code)
    expect(rows).to_have_count(0)
    step("other-province-list")

    change = f"{CHANGELIST}{hanoi_declaration.pk}/change/"
    response = page.goto(change)
    assert response.status != 200 or re.search(r"/admin/$", page.url), (response.status, page.url)
    expect(page.get_by_test_id("comparison")).to_have_count(0)
    expect(page.get_by_test_id("approve")).to_have_count(0)
    expect(page.locator("#content")).not_to_contain_text(hanoi_declaration.number)
    step("other-province-change-url")

    # Their own declaration opens (the refusal is not a broken page).
    page.goto(f"{CHANGELIST}{hcm_declaration.pk}/change/")
    expect(page.get_by_test_id("comparison")).to_be_visible()
    expect(page.get_by_test_id("approve")).to_be_visible()
    hanoi_declaration.refresh_from_db()
    assert hanoi_declaration.status == Declaration.Status.SUBMITTED
