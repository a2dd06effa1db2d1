"""First journey: the home page in Vietnamese, switched to English, used by keyboard."""
import re
from urllib.parse import urlsplit

from playwright.sync_api import expect


def _focused(page) -> dict:
    return page.evaluate(
        "() => { const e = document.activeElement;"
        " return {tag: e.tagName, cls: e.className, href: e.getAttribute('href'),"
        " text: e.textContent.trim()}; }"
    )


def test_home_in_vietnamese_then_english(page, step):
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.locator("h1")).to_have_text("Bảo hiểm xã hội số")
    expect(page.get_by_role("heading", name="Bạn muốn làm gì?")).to_be_visible()
    assert page.locator(".flow-card a").count() >= 1
    step("home-vi")

    page.get_by_test_id("lang-en").click()
    page.wait_for_load_state()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", name="What do you want to do?")).to_be_visible()
    expect(page.get_by_test_id("lang-vi")).to_be_visible()
    step("home-en")

    # Nothing is wider than the viewport (readable at 360 px without scrolling sideways).
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0


def test_home_by_keyboard_alone(page, step):
    page.goto("/")
    first_flow = page.locator(".flow-card a").first
    target = first_flow.get_attribute("href")

    page.keyboard.press("Tab")
    focused = _focused(page)
    assert "skip-link" in focused["cls"]
    assert focused["text"] == "Chuyển đến nội dung chính"
    expect(page.locator(".skip-link")).to_be_in_viewport()  # visible once focused
    step("skip-link-focused")

    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main$"))
    page.keyboard.press("Tab")
    assert _focused(page)["href"] == target
    step("first-flow-focused")

    page.keyboard.press("Enter")
    # The flow may redirect to its first step (/to-khai/dang-ky/ -> .../thong-tin/).
    page.wait_for_url(lambda url: urlsplit(url).path.startswith(target))
    step("flow-opened")
    expect(page.locator("h1")).to_be_visible()


def test_language_switch_by_keyboard(desktop_page, step):
    page = desktop_page
    page.goto("/")
    page.get_by_test_id("lang-en").focus()
    page.keyboard.press("Enter")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    step("switched-by-keyboard")
