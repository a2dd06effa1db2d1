"""Every page of the registration and of the look-ups at 360 px, with hostile input where
there is a form: no sideways scrolling, every field labelled, the error summary first in
the content and focused after a failed submit. With REVIEW_SHOTS=/some/dir set, a full-page
screenshot of each page is written there for a person to look at."""
import datetime
import os
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from declarations.models import Declaration
from declarations.status_links import status_path
from registry.models import InsuranceType
from tests.accounts.factories import UserFactory
from tests.declarations.registration_helpers import (
    CCCD_FOR_1990_WOMAN,
    jpeg_bytes,
    person_and_office,
)
from tests.declarations.registration_helpers import step as step_url
from tests.registry.factories import (
    HealthFacilityFactory,
    HealthInsuranceCardFactory,
    OfficeFactory,
    ParticipationPeriodFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = os.environ.get("REVIEW_SHOTS", "")

# Labels: <label for>, aria-label or aria-labelledby; hidden inputs, honeypots and
# CSRF tokens do not count.
UNLABELLED = """() => Array.from(
    document.querySelectorAll('main input, main select, main textarea'))
  .filter(el => el.type !== 'hidden' && !el.closest('[aria-hidden=true]'))
  .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
                && !el.getAttribute('aria-labelledby'))
  .map(el => el.name || el.id)"""
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const wide = Array.from(document.querySelectorAll('main *'))
    .filter(el => el.getBoundingClientRect().right > width + 1
                  && getComputedStyle(el).position !== 'absolute'
                  && !el.closest('.table-wrap, .visually-hidden, [aria-hidden=true]'))
    .map(el => el.tagName + '.' + el.className);
  return {scroll: document.documentElement.scrollWidth - width, wide: wide.slice(0, 5)};
}"""
SUMMARY_FIRST = """() => {
  const summary = document.querySelector('[data-testid=error-summary]');
  if (!summary) return null;
  const forms = Array.from(document.querySelectorAll('main form'));
  const after = forms.filter(
    f => summary.compareDocumentPosition(f) & Node.DOCUMENT_POSITION_FOLLOWING);
  return {before_all_forms: after.length === forms.length,
          focused: document.activeElement === summary};
}"""


def check(page, name: str, *, errors: bool = False) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)
    overflow = page.evaluate(OVERFLOW)
    assert overflow["scroll"] <= 0, (name, overflow)
    assert page.evaluate(UNLABELLED) == [], name
    summary = page.evaluate(SUMMARY_FIRST)
    if errors:
        assert summary is not None, f"{name}: no error summary"
        assert summary["before_all_forms"], f"{name}: error summary below a form"
        assert summary["focused"], f"{name}: focus not on the error summary"


def test_registration_steps_at_360px_with_hostile_input(phone_page, tmp_path):
    page = phone_page
    person, office = person_and_office()
    photos = []
    for kind in ("portrait", "id_front", "id_back"):
        path = tmp_path / f"{kind}.jpg"
        path.write_bytes(jpeg_bytes((900, 600)))
        photos.append(path)
    bad = tmp_path / "bad.jpg"
    bad.write_bytes(b"<?php echo 1; ?>")

    page.goto(reverse("declarations:register"))
    check(page, "reg-1-personal")
    page.get_by_test_id("next").click()
    check(page, "reg-1-personal-empty-errors", errors=True)

    page.get_by_label("Mã số BHXH").fill(person.bhxh_code + "9" * 200)
    page.get_by_label("Họ và tên").fill("Trần Văn Khác " * 30)
    page.get_by_label("Địa chỉ thường trú").fill("Số 12 " + "x" * 400)
    page.get_by_label("Số điện thoại di động").fill("+1 202 555 0100")
    page.get_by_test_id("next").click()
    check(page, "reg-1-personal-hostile-errors", errors=True)

    page.get_by_label("Mã số BHXH").fill(person.bhxh_code)
    page.get_by_label("Họ và tên").fill(person.full_name)
    page.get_by_label("Ngày sinh").fill("1990-05-17")
    page.get_by_label("Giới tính").select_option(person.sex)
    page.get_by_label("Số giấy tờ tùy thân").fill(CCCD_FOR_1990_WOMAN)
    page.get_by_label("Địa chỉ thường trú").fill("Số 12 phố Huế, Hà Nội")
    page.get_by_label("Số điện thoại di động").fill("0912 345 678")
    page.get_by_test_id("next").click()
    expect(page).to_have_url(re.compile(re.escape(step_url("photos"))))
    check(page, "reg-2-photos")

    page.get_by_test_id("photo-portrait").set_input_files(str(bad))
    page.get_by_test_id("next").click()
    # The photo step is sent by script: its errors replace the step in place.
    expect(page.get_by_test_id("error-summary")).to_be_focused()
    check(page, "reg-2-photos-errors", errors=True)

    for kind, path in zip(("portrait", "id_front", "id_back"), photos, strict=True):
        page.get_by_test_id(f"photo-{kind}").set_input_files(str(path))
    page.get_by_test_id("next").click()
    expect(page).to_have_url(re.compile(re.escape(step_url("office"))))
    check(page, "reg-3-office")

    page.get_by_label("Gửi email tờ khai", exact=False).check()
    page.get_by_test_id("next").click()
    check(page, "reg-3-office-errors", errors=True)

    page.get_by_label("Cơ quan BHXH tiếp nhận tờ khai").select_option(office.code)
    page.locator("#id_email").fill("anh@example.vn")
    page.get_by_test_id("next").click()
    expect(page).to_have_url(re.compile(re.escape(step_url("review"))))
    check(page, "reg-4-review")

    page.get_by_test_id("submit").click()
    check(page, "reg-4-review-errors", errors=True)
    # The long commitment label stays beside its checkbox when the error is shown.
    # Both boxes in one call: the page may still be scrolling to the error summary.
    box, label = page.evaluate(
        """() => ["#id_commitment", "label[for=id_commitment]"].map((sel) => {
            const r = document.querySelector(sel).getBoundingClientRect();
            return {x: r.left + window.scrollX, y: r.top + window.scrollY,
                    width: r.width, height: r.height};
        })"""
    )
    assert label["x"] > box["x"] + box["width"]
    assert abs(label["y"] - box["y"]) < box["height"]

    page.get_by_label(re.compile("Tôi cam đoan")).check()
    page.get_by_test_id("submit").click()
    expect(page).to_have_url(re.compile(re.escape(reverse("declarations:register_sent"))))
    check(page, "reg-5-sent")

    declaration = Declaration.objects.get()
    page.goto(status_path(declaration))
    check(page, "status-page")
    page.goto(reverse("declarations:status", kwargs={"token": "forged-token"}))
    check(page, "status-invalid")
    page.goto(reverse("declarations:status_lookup"))
    page.get_by_role("button", name="Tra cứu").click()
    check(page, "status-lookup-errors", errors=True)


def _log_in(page, base_url: str, user) -> None:
    client = Client()
    client.force_login(user)
    page.context.add_cookies([{
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "url": base_url,
    }])


def test_lookup_pages_at_360px_with_hostile_input(phone_page, base_url):
    page = phone_page
    person, office = person_and_office()
    OfficeFactory(code="00199", name="BHXH cơ sở Thị xã Sơn Tây và các xã Ba Vì Phúc Thọ "
                                    "Đan Phượng Hoài Đức", address="Số 1 " + "đường dài " * 20)
    HealthFacilityFactory(code="01C54", name="Bệnh viện Bạch Mai " + "khoa " * 20)

    page.goto(reverse("registry:lookup_bhxh_code"))
    check(page, "lookup-form")
    page.get_by_label("Họ và tên").fill("x" * 300)
    page.get_by_label("Ngày sinh").fill("31/02/1990")
    page.get_by_role("button", name="Tra cứu").click()
    check(page, "lookup-errors", errors=True)

    page.goto(reverse("registry:offices") + "?q=" + "dong%20da" * 20 + "&page=-1&province=zz")
    check(page, "offices-hostile", errors=True)
    page.goto(reverse("registry:offices"))
    check(page, "offices")
    page.goto(reverse("registry:facilities") + "?page=99999")
    check(page, "facilities")

    user = UserFactory(insured_person=person)
    HealthInsuranceCardFactory(person=person, facility=HealthFacilityFactory(code="01C55"),
                               valid_from=datetime.date(2026, 1, 1))
    d = datetime.date
    ParticipationPeriodFactory(person=person, from_month=d(2015, 1, 1), to_month=d(2019, 12, 1),
                               employer="Công ty TNHH Thương mại Dịch vụ Xuất nhập khẩu "
                                        "Sông Hồng Việt Nam")
    ParticipationPeriodFactory(person=person, insurance_type=InsuranceType.BHTN,
                               from_month=d(2020, 4, 1), to_month=None)
    _log_in(page, base_url, user)
    page.goto(reverse("accounts:my_card"))
    check(page, "my-card")
    page.goto(reverse("accounts:my_participation"))
    check(page, "my-participation")
