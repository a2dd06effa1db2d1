"""Journey: a citizen logs in with the BHXH code, sees the errors first, then logs out."""
import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory


@pytest.fixture
def citizen(transactional_db):
    return UserFactory(insured_person__bhxh_code="0126999001", full_name="Phạm Thị Hoa")


def test_login_with_errors_then_success_then_logout(page, step, citizen):
    page.goto(reverse("accounts:login"))
    page.locator("main").get_by_role("button", name="Đăng nhập").click()
    summary = page.get_by_test_id("error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Nhập mã số BHXH hoặc tên đăng nhập.")
    step("empty-form-errors")

    summary.get_by_role("link").first.click()
    expect(page.get_by_label("Mã số BHXH hoặc tên đăng nhập")).to_be_focused()

    page.get_by_label("Mã số BHXH hoặc tên đăng nhập").fill("0126 999 001")
    page.get_by_label("Mật khẩu").fill("sai")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("error-summary")).to_contain_text("mật khẩu không đúng")
    step("wrong-password")

    page.get_by_label("Mật khẩu").fill(DEFAULT_PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("logout")).to_be_visible()
    expect(page.locator(".site-nav")).to_contain_text("Phạm Thị Hoa")
    step("logged-in")

    page.get_by_test_id("logout").click()
    expect(page.get_by_test_id("logout")).to_have_count(0)
    step("logged-out")
