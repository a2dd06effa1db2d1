"""Thumb-sized controls and a compact header on a 360 x 740 phone (issue #12 item 9.5).

A tap target here is every visible link, button and disclosure (<summary>) that is not a
link inside a sentence (an <a> whose paragraph holds other text): its box must be at least
44 x 44 CSS px (WCAG 2.5.5 / Android's 48 dp less the usual rounding; iOS says 44 pt)."""
import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from tests.accounts.factories import UserFactory
from tests.declarations.registration_helpers import person_and_office, personal_post, photo_files
from tests.declarations.registration_helpers import step as step_url

pytestmark = pytest.mark.django_db(transaction=True)

TARGETS = "a[href], button, summary, input[type=submit], input[type=button]"
MIN = 44
HEADER_MAX = 110  # of 740 px: the page's content starts in the first seventh
IN_A_SENTENCE = """e => e.tagName === "A" && !!e.closest("p")
    && e.closest("p").textContent.trim() !== e.textContent.trim()"""


def _small_targets(page, within: str = "html") -> list[str]:
    small = []
    for element in page.locator(within).locator(TARGETS).all():
        if not element.is_visible() or element.evaluate(IN_A_SENTENCE):
            continue
        box = element.bounding_box()
        if round(box["width"]) < MIN or round(box["height"]) < MIN:
            html = element.evaluate("e => e.outerHTML.slice(0, 100)")
            small.append(f"{box['width']:.0f}x{box['height']:.0f} {html}")
    return small


def _header_height(page) -> float:
    return page.locator(".site-header").bounding_box()["height"]


def _use_session_of(page, client: Client, base_url: str) -> None:
    """The browser takes over the test client's session (logged in, or a wizard draft)."""
    name = settings.SESSION_COOKIE_NAME
    page.context.add_cookies([{"name": name, "value": client.cookies[name].value,
                               "url": base_url}])


def test_home_page_logged_in_on_a_phone(phone_page, base_url, step):
    page = phone_page
    user = UserFactory(insured_person__full_name="Nguyễn Thị Phương Thảo")
    client = Client()
    client.force_login(user)
    _use_session_of(page, client, base_url)

    page.goto(reverse("home"))
    step("home-logged-in")
    assert _header_height(page) <= HEADER_MAX, _header_height(page)
    expect(page.get_by_test_id("logout")).to_be_visible()
    assert _small_targets(page) == []
    # The whole card is the link: a tap on its description opens the flow.
    card = page.locator(".flow-card a").first
    assert card.bounding_box()["height"] >= 60
    expect(card).to_contain_text(
        "Kê khai thông tin, ảnh giấy tờ và chọn cơ quan BHXH tiếp nhận.")

    # The links of a logged-in citizen sit behind the menu button, without JavaScript too.
    services = page.get_by_role("link", name="Dịch vụ công")
    expect(services).to_be_hidden()
    page.get_by_test_id("menu").click()
    expect(services).to_be_visible()
    expect(page.locator(".site-nav")).to_contain_text("Nguyễn Thị Phương Thảo")
    step("menu-open")
    assert _small_targets(page) == []
    services.click()
    expect(page).to_have_url(f"{base_url}{reverse('public_services')}")
    assert _small_targets(page) == []
    # Nothing wider than the phone.
    assert page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    ) <= 0


def test_header_on_a_desktop_shows_the_links_without_a_menu(desktop_page, base_url, step):
    page = desktop_page
    client = Client()
    client.force_login(UserFactory())
    _use_session_of(page, client, base_url)
    page.goto(reverse("home"))
    step("desktop-home")
    expect(page.get_by_role("link", name="Dịch vụ công")).to_be_visible()
    expect(page.get_by_test_id("menu")).to_be_hidden()
    expect(page.get_by_test_id("logout")).to_be_visible()
    expect(page.get_by_test_id("lang-en")).to_be_visible()
    assert _header_height(page) <= HEADER_MAX, _header_height(page)


def test_review_step_and_its_step_links_on_a_phone(phone_page, base_url, step):
    page = phone_page
    person, office = person_and_office()
    client = Client()
    assert client.post(step_url("personal"), personal_post(person)).status_code == 302
    assert client.post(step_url("photos"), {**photo_files(), "action": "next"}
                       ).status_code == 302
    assert client.post(step_url("office"), {"office": office.code, "action": "next"}
                       ).status_code == 302
    _use_session_of(page, client, base_url)

    page.goto(step_url("review"))
    expect(page.get_by_test_id("review-full_name")).to_have_text(person.full_name)
    step("review")
    assert _header_height(page) <= HEADER_MAX, _header_height(page)
    assert page.locator(".registration-steps a").count() == 3
    assert page.locator(".edit-link").count() == 3
    assert _small_targets(page) == []
    # The step links on step 1 too (the rest of step 1 has its own journey tests).
    page.locator(".registration-steps a").first.click()
    expect(page.locator(".registration-steps li[aria-current=step]")).to_contain_text(
        "Thông tin cá nhân")
    assert page.locator(".registration-steps a").count() >= 2
    assert _small_targets(page, within=".registration-steps") == []
