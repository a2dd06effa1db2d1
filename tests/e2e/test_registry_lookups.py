"""Journeys through the registry look-ups: the BHXH code look-up on a phone, the office
search without diacritics, and the citizen's own card (its QR read back) and history."""
import datetime
import io
import re

import pytest
import zxingcpp
from django.conf import settings
from django.test import Client
from django.urls import reverse
from PIL import Image
from playwright.sync_api import expect

from registry.card_qr import parse_card_qr
from registry.models import InsuranceType, Office
from tests.accounts.factories import UserFactory
from tests.registry.factories import (
    HealthFacilityFactory,
    HealthInsuranceCardFactory,
    InsuredPersonFactory,
    OfficeFactory,
    ParticipationPeriodFactory,
    ProvinceFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

NUMBER_WORDS = {"một": 1, "hai": 2, "ba": 3, "bốn": 4, "năm": 5, "sáu": 6, "bảy": 7,
                "tám": 8, "chín": 9}


def _answer(question: str) -> str:
    """What a person does: read "bảy cộng năm bằng bao nhiêu?" and add."""
    match = re.match(r"\s*(\S+) cộng (\S+) bằng bao nhiêu\?", question)
    assert match, question
    return str(NUMBER_WORDS[match.group(1)] + NUMBER_WORDS[match.group(2)])


def _no_sideways_scroll(page) -> None:
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0


def test_look_up_a_bhxh_code_on_a_phone(phone_page, step):
    page = phone_page
    ProvinceFactory(code="01", name="Hà Nội")
    ProvinceFactory(code="48", name="Đà Nẵng")
    InsuredPersonFactory(bhxh_code="0101234567", full_name="Nguyễn Thị Ánh",
                         date_of_birth=datetime.date(1990, 5, 17))

    page.goto(reverse("registry:lookup_bhxh_code"))
    expect(page.locator("h1")).to_have_text("Tra cứu mã số BHXH")
    _no_sideways_scroll(page)
    step("form")

    page.get_by_label("Họ và tên").fill("nguyen thi anh")
    page.get_by_label("Ngày sinh").fill("17/05/1990")
    page.get_by_label("Tỉnh/thành phố nơi tham gia").select_option(label="Hà Nội")
    page.get_by_role("button", name="Tra cứu", exact=True).click()

    # Without answering the question: the error summary on top, linked to the field.
    summary = page.get_by_test_id("error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("Trả lời câu hỏi kiểm tra.")
    expect(page.get_by_test_id("lookup-results")).to_have_count(0)
    step("error-summary")
    summary.get_by_role("link", name="Trả lời câu hỏi kiểm tra.").click()
    expect(page.locator("#id_check_answer")).to_be_focused()

    # What was typed is kept; answer the (new) question by keyboard and send with Enter.
    expect(page.get_by_label("Họ và tên")).to_have_value("nguyen thi anh")
    question = page.get_by_test_id("check-question").inner_text()
    page.keyboard.type(_answer(question))
    page.keyboard.press("Enter")

    results = page.get_by_test_id("lookup-results")
    expect(results).to_be_visible()
    expect(results.get_by_role("heading", name="Kết quả tra cứu")).to_be_in_viewport()
    expect(results.get_by_test_id("bhxh-code")).to_have_text("0101234567")
    expect(results).to_contain_text("Nguyễn T*** Á***")
    expect(results).to_contain_text("**/**/1990")
    expect(results).not_to_contain_text("Ánh")
    _no_sideways_scroll(page)
    step("result")


def test_search_offices_without_diacritics(page, step):
    hanoi = ProvinceFactory(code="01", name="Hà Nội")
    dn = ProvinceFactory(code="48", name="Đà Nẵng")
    parent = OfficeFactory(code="001", name="BHXH TP. Hà Nội", province=hanoi,
                           level=Office.Level.PROVINCE)
    OfficeFactory(code="00105", name="BHXH cơ sở Đống Đa", province=hanoi, parent=parent,
                  address="Số 5 phố Hoàng Cầu, Đống Đa, Hà Nội", phone="024 3851 2345")
    OfficeFactory(code="00101", name="BHXH cơ sở Hoàn Kiếm", province=hanoi, parent=parent)
    OfficeFactory(code="048", name="BHXH TP. Đà Nẵng", province=dn, level=Office.Level.PROVINCE)

    page.goto(reverse("registry:offices"))
    expect(page.get_by_test_id("office")).to_have_count(4)
    step("all-offices")

    page.get_by_label("Tìm theo tên hoặc mã").fill("dong da")
    page.get_by_role("button", name="Tìm kiếm").click()
    offices = page.get_by_test_id("office")
    expect(offices).to_have_count(1)
    expect(offices.first).to_contain_text("(00105) BHXH cơ sở Đống Đa")
    expect(offices.first).to_contain_text("Số 5 phố Hoàng Cầu")
    expect(page.get_by_label("Tìm theo tên hoặc mã")).to_have_value("dong da")
    _no_sideways_scroll(page)
    step("dong-da")

    page.get_by_label("Tìm theo tên hoặc mã").fill("")
    page.get_by_label("Tỉnh/thành phố").select_option(label="Đà Nẵng")
    page.get_by_role("button", name="Tìm kiếm").click()
    expect(offices).to_have_count(1)
    expect(offices.first).to_contain_text("(048) BHXH TP. Đà Nẵng")
    step("da-nang")


def _log_in(page, base_url: str, user) -> None:
    client = Client()
    client.force_login(user)
    page.context.add_cookies([{
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "url": base_url,
    }])


def test_my_card_qr_reads_back_and_history_fits_a_phone(phone_page, base_url, step):
    page = phone_page
    user = UserFactory(insured_person__bhxh_code="0123456789",
                       insured_person__full_name="Đặng Thị Ngọc Ánh")
    HealthInsuranceCardFactory(
        person=user.insured_person, card_number="0123456789",
        facility=HealthFacilityFactory(code="01C54", name="Bệnh viện Bạch Mai"),
        valid_from=datetime.date(2026, 1, 1), issue_date=datetime.date(2025, 12, 20),
    )
    d = datetime.date
    ParticipationPeriodFactory(person=user.insured_person, from_month=d(2015, 1, 1),
                               to_month=d(2019, 12, 1), employer="Công ty TNHH Sông Hồng")
    ParticipationPeriodFactory(person=user.insured_person, from_month=d(2020, 4, 1),
                               to_month=None, employer="Công ty Cổ phần Cửu Long")
    ParticipationPeriodFactory(person=user.insured_person, insurance_type=InsuranceType.BHTN,
                               from_month=d(2016, 1, 1), to_month=d(2016, 12, 1))

    page.goto(reverse("accounts:my_card"))
    expect(page).to_have_url(re.compile(re.escape(reverse("accounts:login"))))  # login required
    _log_in(page, base_url, user)

    page.goto(reverse("accounts:my_card"))
    card = page.get_by_test_id("bhyt-card")
    expect(card).to_be_visible()
    expect(page.get_by_test_id("card-name")).to_have_text("Đặng Thị Ngọc Ánh")
    expect(page.get_by_test_id("card-facility")).to_contain_text("01 - C54")
    _no_sideways_scroll(page)
    step("card")

    # The QR as the screen shows it, read by a real decoder (what a phone camera does).
    shot = page.get_by_test_id("card-qr").screenshot()
    [result] = zxingcpp.read_barcodes(Image.open(io.BytesIO(shot)))
    data = parse_card_qr(result.bytes.decode("utf-8"))
    assert data.bhxh_code == "0123456789"
    assert data.full_name == "Đặng Thị Ngọc Ánh"

    page.goto(reverse("accounts:my_participation"))
    expect(page.get_by_test_id("history-BHXH")).to_be_visible()
    expect(page.get_by_test_id("history-BHTN")).to_be_visible()
    gap = page.get_by_test_id("gap")
    expect(gap).to_have_count(1)
    expect(gap).to_contain_text("Gián đoạn 3 tháng (01/2020 – 03/2020)")
    expect(page.get_by_test_id("total-BHTN")).to_contain_text("12 tháng")
    _no_sideways_scroll(page)
    step("history")
