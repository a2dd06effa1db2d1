"""axe-core on every page of the portal, at the phone and the desktop viewport: no serious
or critical violation (WCAG 2.1 A/AA, axe's best practices). Pages are visited as their
users see them: anonymous, a citizen, a guardian, an officer; forms empty and with errors;
the registration wizard step by step; error pages."""
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from declarations.models import Declaration
from declarations.status_links import status_path
from registry import demo
from tests.declarations.registration_helpers import jpeg_bytes
from tests.e2e import axe

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not axe.available(),
                       reason=f"{axe.AXE_SCRIPT} is missing: `make setup` installs axe-core"),
]


@pytest.fixture
def demo_data(settings):
    settings.STAFF_OTP_REQUIRED = False
    call_command("load_demo_data", stdout=open("/dev/null", "w"))


class Audit:
    def __init__(self, page, step):
        self.page = page
        self.step = step
        self.found: dict[str, list] = {}
        self.pages = 0

    def check(self, name: str) -> None:
        self.page.wait_for_load_state("load")
        self.pages += 1
        violations = axe.serious_violations(self.page)
        if violations:
            self.found[f"{name} ({self.page.url})"] = violations
            self.step(f"axe-{name}")

    def visit(self, name: str, url: str) -> None:
        self.page.goto(url)
        self.check(name)

    def assert_clean(self) -> None:
        report = "\n".join(
            f"{page}: {v['impact']} {v['id']} – {v['help']}\n    " + "\n    ".join(v["nodes"])
            for page, violations in self.found.items() for v in violations
        )
        assert not self.found, f"axe found serious/critical violations:\n{report}"


def _login(page, username: str, password: str) -> None:
    page.goto(reverse("accounts:login"))
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(password)
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_test_id("logout")).to_be_attached()


def test_public_pages(page, step, demo_data):
    audit = Audit(page, step)
    audit.visit("home", "/")
    audit.visit("public-services", reverse("public_services"))
    audit.visit("login", reverse("accounts:login"))
    page.locator("main form button[type=submit]").click()
    audit.check("login-errors")
    audit.visit("password-forgot", reverse("accounts:password_reset"))
    audit.visit("lookup-code", reverse("registry:lookup_bhxh_code"))
    page.locator("main form button[type=submit]").first.click()
    audit.check("lookup-code-errors")
    audit.visit("offices", reverse("registry:offices") + "?province=01&q=Đống Đa")
    audit.visit("facilities", reverse("registry:facilities") + "?province=01&q=bệnh viện")
    audit.visit("status-lookup", reverse("declarations:status_lookup"))
    declaration = Declaration.objects.order_by("submitted_at").first()
    audit.visit("status-page", status_path(declaration))
    audit.visit("short-link-unknown", reverse("short_links:open", args=["AAAAAAAAAAAA"]))
    audit.visit("not-found", "/khong-co-trang-nay/")
    audit.assert_clean()


def test_self_registration_wizard(page, step, demo_data, tmp_path):
    audit = Audit(page, step)
    audit.visit("register-1", reverse("declarations:register"))
    page.get_by_test_id("next").click()
    audit.check("register-1-errors")
    page.locator("[name=bhxh_code]").fill(demo.DEMO_UNREGISTERED_CODE)
    page.locator("[name=full_name]").fill("Phạm Quốc Huy")
    page.locator("[name=date_of_birth]").fill("25/07/1992")
    page.locator("[name=sex]").select_option("M")
    page.locator("[name=id_type]").select_option("cccd")
    page.locator("[name=id_number]").fill("001092004567")
    page.locator("[name=address]").fill("Số 3 phố Huế, Hà Nội")
    page.locator("[name=phone]").fill("0912 777 301")
    page.get_by_test_id("next").click()
    expect(page.get_by_test_id("photos-form")).to_be_visible()
    audit.check("register-2")
    photos = []
    for kind in ("portrait", "id_front", "id_back"):
        path = tmp_path / f"{kind}.jpg"
        path.write_bytes(jpeg_bytes((900, 600)))
        photos.append(path)
        page.get_by_test_id(f"photo-{kind}").set_input_files(str(path))
    expect(page.locator("[data-photo-chosen]:visible")).to_have_count(3)
    audit.check("register-2-chosen")
    page.get_by_test_id("next").click()
    expect(page.locator("[name=office]")).to_be_attached()
    audit.check("register-3")
    page.get_by_test_id("next").click()
    audit.check("register-3-errors")
    page.locator("[name=office]").select_option(index=1)
    page.get_by_test_id("next").click()
    expect(page).to_have_url(re.compile(re.escape(
        reverse("declarations:register_step", kwargs={"step": "review"}))))
    audit.check("register-4")
    page.get_by_test_id("submit").click()
    audit.check("register-4-errors")
    page.locator("[name=commitment]").check()
    page.get_by_test_id("submit").click()
    expect(page).to_have_url(re.compile(re.escape(reverse("declarations:register_sent"))))
    audit.check("register-sent")
    audit.assert_clean()


def test_citizen_pages(page, step, demo_data):
    audit = Audit(page, step)
    _login(page, demo.DEMO_CITIZEN_CODE, "congdan-demo-2026")
    audit.check("citizen-home")
    menu = page.get_by_test_id("menu")
    if menu.is_visible():  # the phone's menu button
        menu.click()
        audit.check("citizen-menu-open")
    audit.visit("card", reverse("accounts:my_card"))
    audit.visit("history", reverse("accounts:my_participation"))
    audit.visit("declarations", reverse("declarations:list"))
    audit.visit("password-change", reverse("accounts:password_change"))
    page.locator("main form button[type=submit]").first.click()
    audit.check("password-change-errors")
    audit.assert_clean()


def test_guardian_pages(page, step, demo_data):
    audit = Audit(page, step)
    _login(page, demo.DEMO_GUARDIAN_CODE, "giamho-demo-2026")
    audit.visit("family", reverse("guardians:family"))
    child = page.locator("a[href*='/the-bhyt/']").first
    if child.count():
        href = child.get_attribute("href")
        audit.visit("child-card", href)
        audit.visit("child-history", href.replace("the-bhyt", "qua-trinh-tham-gia"))
    audit.visit("child-1", reverse("declarations:child_register"))
    page.get_by_test_id("next").click()
    audit.check("child-1-errors")
    declaration = Declaration.objects.filter(
        insured_person__bhxh_code__in=demo.DEMO_CHILD_CODES).first()
    if declaration is not None:
        audit.visit("declaration-detail", reverse("declarations:detail",
                                                  kwargs={"uuid": declaration.uuid}))
    audit.assert_clean()


def test_officer_pages(page, step, demo_data):
    audit = Audit(page, step)
    audit.visit("admin-login", reverse("admin:login"))
    page.locator("#id_username").fill("canbo.demo")
    page.locator("#id_password").fill("canbo-demo-2026")
    page.locator("#login-form [type=submit]").click()
    changelist = reverse("admin:declarations_declaration_changelist")
    audit.visit("review-queue", changelist)
    first = page.locator("#result_list tbody tr a").first
    if first.count():
        first.click()
        audit.check("review-declaration")
    audit.assert_clean()
