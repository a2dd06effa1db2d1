"""The status page of the SMS link, in Chromium: its language switch works both ways, and
its token never leaves in a Referer header (issue #12 item 9.1)."""
import pytest
from playwright.sync_api import expect

from declarations.status_links import status_path, status_token
from tests.declarations.review_helpers import declaration_for, two_provinces

pytestmark = pytest.mark.django_db(transaction=True)


def test_status_page_switches_to_english_and_back(phone_page, step):
    page = phone_page
    declaration = declaration_for(two_provinces().dongda)
    path = status_path(declaration)
    token = status_token(declaration)
    referers: list[str] = []
    page.on("request", lambda request: referers.append(request.headers.get("referer", "")))

    response = page.goto(path)
    assert response.status == 200
    assert response.headers["referrer-policy"] == "strict-origin"
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.get_by_test_id("declaration-number")).to_have_text(declaration.number)
    step("status-vi")

    # Chromium sends the page's origin with the form (not "null"): the CSRF check passes.
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.get_by_test_id("lang-en").click()
    assert posted.value.status == 302
    page.wait_for_load_state()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert page.url.endswith(path)
    expect(page.get_by_role("heading", level=1)).to_have_text("Declaration status")
    expect(page.get_by_test_id("declaration-number")).to_have_text(declaration.number)
    step("status-en")

    page.get_by_test_id("lang-vi").click()
    page.wait_for_load_state()
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    assert page.url.endswith(path)
    expect(page.get_by_role("heading", level=1)).to_have_text("Tình trạng tờ khai")
    step("status-vi-again")

    # Stylesheet, script and the language form: none of them carried the token.
    assert referers and not [referer for referer in referers if token in referer]
