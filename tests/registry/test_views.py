import datetime
import re

import pytest
from django.conf import settings
from django.urls import reverse

from registry.forms import HumanCheck
from tests.registry.factories import InsuredPersonFactory, ProvinceFactory

pytestmark = pytest.mark.django_db


def _answer(client, response) -> tuple[str, str]:
    token = response.context["check_token"]
    a, b, _issued = client.session[HumanCheck.SESSION_KEY][token]
    return token, str(a + b)


# --- BHXH code look-up page ------------------------------------------------------------------

LOOKUP = reverse("registry:lookup_bhxh_code")


@pytest.fixture
def anh():
    return InsuredPersonFactory(
        bhxh_code="0101234567", full_name="Nguyễn Thị Ánh",
        date_of_birth=datetime.date(1990, 5, 17),
    )


def _post_lookup(client, **overrides):
    page = client.get(LOOKUP)
    token, answer = _answer(client, page)
    data = {
        "full_name": "nguyen thi anh", "date_of_birth": "17/05/1990", "province": "01",
        "check_token": token, "check_answer": answer, "website": "",
    }
    data.update(overrides)
    return client.post(LOOKUP, data)


def test_lookup_page_shows_a_question_in_words_and_no_answer(client, anh):
    response = client.get(LOOKUP)
    assert response.status_code == 200
    html = response.content.decode()
    assert "cộng" in response.context["check_question"]
    assert not re.search(r"\d", response.context["check_question"])
    token, answer = _answer(client, response)
    assert f'value="{token}"' in html
    assert 'name="website"' in html and 'tabindex="-1"' in html
    assert response["Cache-Control"].startswith("max-age=0")


def test_lookup_page_finds_the_code_and_masks_the_rest(client, anh):
    response = _post_lookup(client)
    assert response.status_code == 200
    html = response.content.decode()
    assert "0101234567" in html
    assert "Nguyễn T*** Á***" in html
    assert "**/**/1990" in html
    assert "Ánh" not in html.split('data-testid="lookup-results"')[1]


@pytest.mark.parametrize("dob", ["1990", "1990-05-17", "17-05-1990"])
def test_lookup_page_accepts_year_and_other_date_shapes(client, anh, dob):
    response = _post_lookup(client, date_of_birth=dob)
    assert "0101234567" in response.content.decode()


def test_lookup_page_no_match(client, anh):
    response = _post_lookup(client, full_name="Trần Văn Bình")
    html = response.content.decode()
    assert 'data-testid="no-results"' in html
    assert "0101234567" not in html


def test_wrong_answer_shows_the_error_summary_and_no_result(client, anh):
    response = _post_lookup(client, check_answer="99")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="error-summary"' in html
    assert "Câu trả lời chưa đúng" in html
    assert 'href="#id_check_answer"' in html
    assert "0101234567" not in html


def test_an_answer_cannot_be_used_twice(client, anh):
    page = client.get(LOOKUP)
    token, answer = _answer(client, page)
    data = {"full_name": "nguyen thi anh", "date_of_birth": "1990", "province": "01",
            "check_token": token, "check_answer": answer}
    assert "0101234567" in client.post(LOOKUP, data).content.decode()
    replay = client.post(LOOKUP, data).content.decode()
    assert "0101234567" not in replay
    assert "Câu trả lời chưa đúng" in replay


def test_expired_question_is_refused(client, anh, monkeypatch):
    page = client.get(LOOKUP)
    token, answer = _answer(client, page)
    import registry.forms

    real_time = registry.forms.time.time
    monkeypatch.setattr(registry.forms.time, "time", lambda: real_time() + 31 * 60)
    response = client.post(LOOKUP, {"full_name": "nguyen thi anh", "date_of_birth": "1990",
                                    "province": "01", "check_token": token,
                                    "check_answer": answer})
    assert "0101234567" not in response.content.decode()


def test_honeypot_filled_gives_no_result(client, anh):
    response = _post_lookup(client, website="http://spam.example")
    html = response.content.decode()
    assert "0101234567" not in html
    assert "Không xác minh được bạn là người dùng" in html


def test_field_errors_are_listed_and_linked(client, anh):
    response = _post_lookup(client, full_name="", date_of_birth="31/02/1990", province="")
    html = response.content.decode()
    assert 'href="#id_full_name"' in html and "Nhập họ và tên." in html
    assert 'href="#id_date_of_birth"' in html and "Ngày sinh không tồn tại." in html
    assert 'href="#id_province"' in html and "Chọn tỉnh/thành phố." in html
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="id_date_of_birth_error id_date_of_birth_helptext"' in html


def test_lookup_page_is_throttled_per_ip_with_a_message(client, anh, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "lookup": "2/hour"
        },
    }
    assert _post_lookup(client).status_code == 200
    assert _post_lookup(client, check_answer="0").status_code == 200  # wrong answers count too
    response = _post_lookup(client)
    assert response.status_code == 429
    html = response.content.decode()
    assert "Bạn đã tra cứu quá nhiều lần" in html
    assert "0101234567" not in html
    assert 'value="nguyen thi anh"' in html


def test_lookup_page_in_english(client, anh):
    if not (settings.BASE_DIR / "registry/locale/en/LC_MESSAGES/django.mo").exists():
        pytest.skip("English catalogue not compiled (make messages)")
    client.cookies["vssid_language"] = "en"
    html = client.get(LOOKUP).content.decode()
    assert "Province where you are insured" in html
    assert "Security question:" in html
    assert "What is " in html and " plus " in html


# --- offices and facilities pages ------------------------------------------------------------

@pytest.fixture
def directory():
    from registry.models import Office
    from tests.registry.factories import HealthFacilityFactory, OfficeFactory

    hanoi = ProvinceFactory(code="01", name="Hà Nội")
    dn = ProvinceFactory(code="48", name="Đà Nẵng")
    parent = OfficeFactory(code="001", name="BHXH TP. Hà Nội", province=hanoi,
                           level=Office.Level.PROVINCE, phone="024 3776 2828")
    OfficeFactory(code="00105", name="BHXH cơ sở Đống Đa", province=hanoi, parent=parent,
                  address="Số 5 phố Hoàng Cầu")
    OfficeFactory(code="00106", name="BHXH cơ sở Ba Đình cũ", province=hanoi, parent=parent,
                  is_active=False)
    OfficeFactory(code="048", name="BHXH TP. Đà Nẵng", province=dn, level=Office.Level.PROVINCE)
    HealthFacilityFactory(code="01C54", name="Bệnh viện Bạch Mai", province=hanoi)
    HealthFacilityFactory(code="01A12", name="Trạm Y tế phường Bạch Đằng", province=hanoi,
                          accepts_registration=False)
    HealthFacilityFactory(code="48001", name="Bệnh viện Đà Nẵng", province=dn)


def test_offices_page_lists_active_offices(client, directory):
    response = client.get(reverse("registry:offices"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "(001) BHXH TP. Hà Nội" in html
    assert "(00105) BHXH cơ sở Đống Đa" in html
    assert "Ba Đình cũ" not in html
    assert 'href="tel:02437762828"' in html
    assert '<option value="48">Đà Nẵng</option>' in html


def test_offices_page_searches_without_diacritics(client, directory):
    html = client.get(reverse("registry:offices"), {"q": "dong da"}).content.decode()
    assert "(00105) BHXH cơ sở Đống Đa" in html
    assert "(001) BHXH TP. Hà Nội" not in html
    html = client.get(reverse("registry:offices"), {"province": "48"}).content.decode()
    assert "(048) BHXH TP. Đà Nẵng" in html and "(001)" not in html
    assert '<option value="48" selected>' in html


def test_offices_page_unknown_province_shows_an_error(client, directory):
    response = client.get(reverse("registry:offices"), {"province": "99"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="error-summary"' in html
    assert "Chọn một tỉnh/thành phố trong danh sách." in html


def test_offices_page_paginates_and_keeps_the_query(client, directory, monkeypatch):
    import registry.views

    monkeypatch.setattr(registry.views, "DIRECTORY_PAGE_SIZE", 1)
    html = client.get(reverse("registry:offices"), {"province": "01"}).content.decode()
    assert "Trang 1/2" in html
    assert 'href="?province=01&amp;page=2"' in html
    html = client.get(reverse("registry:offices"), {"province": "01", "page": "2"}).content.decode()
    assert "(00105)" in html and "(001) " not in html
    # A page number out of range or not a number shows a page, never an error.
    assert client.get(reverse("registry:offices"), {"page": "x"}).status_code == 200
    assert client.get(reverse("registry:offices"), {"page": "999"}).status_code == 200


def test_facilities_page(client, directory):
    url = reverse("registry:facilities")
    html = client.get(url, {"q": "bach mai"}).content.decode()
    assert "01 - C54" in html and "Bệnh viện Bạch Mai" in html
    assert "Bạch Đằng" not in html
    html = client.get(url, {"q": "bach", "accepts_registration": "on"}).content.decode()
    assert "Bạch Mai" in html and "Bạch Đằng" not in html
    html = client.get(url, {"q": "01C54"}).content.decode()
    assert "Bạch Mai" in html
    html = client.get(url, {"q": "khong co dau"}).content.decode()
    assert 'data-testid="no-results"' in html


# --- my card page --------------------------------------------------------------------------------

@pytest.fixture
def citizen_with_card():
    from tests.accounts.factories import UserFactory
    from tests.registry.factories import HealthFacilityFactory, HealthInsuranceCardFactory

    user = UserFactory(insured_person__bhxh_code="0123456789",
                       insured_person__full_name="Đặng Thị Ngọc Ánh")
    HealthInsuranceCardFactory(
        person=user.insured_person, card_number="0123456789",
        facility=HealthFacilityFactory(code="01C54", name="Bệnh viện Bạch Mai"),
        valid_from=datetime.date(2026, 1, 1), valid_to=datetime.date(2099, 12, 31),
        issue_date=datetime.date(2025, 12, 20), five_years_from=datetime.date(2030, 1, 1),
    )
    return user


def test_my_card_page_needs_login(client):
    url = reverse("accounts:my_card")
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_my_card_page_looks_like_the_card_with_a_readable_qr(client, citizen_with_card):
    import base64
    import io

    import zxingcpp
    from PIL import Image

    from registry.card_qr import parse_card_qr

    client.force_login(citizen_with_card)
    response = client.get(reverse("accounts:my_card"))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    html = response.content.decode()
    for text in ["Đặng Thị Ngọc Ánh", "0123456789", "17/05/1990", "Nữ", "01 - C54",
                 "Bệnh viện Bạch Mai", "Từ 01/01/2026 đến 31/12/2099", "01/01/2030",
                 "Thẻ đang có giá trị sử dụng."]:
        assert text in html
    match = re.search(r'src="data:image/png;base64,([^"]+)"', html)
    assert match, "the QR is inline, no external resource"
    image = Image.open(io.BytesIO(base64.b64decode(match.group(1))))
    [result] = zxingcpp.read_barcodes(image)
    data = parse_card_qr(result.bytes.decode("utf-8"))
    assert data.bhxh_code == "0123456789"
    assert data.full_name == "Đặng Thị Ngọc Ánh"
    assert data.facility_code == "01C54"


def test_my_card_page_without_a_card(client):
    from tests.accounts.factories import UserFactory

    client.force_login(UserFactory())
    html = client.get(reverse("accounts:my_card")).content.decode()
    assert 'data-testid="no-card"' in html


def test_my_card_page_for_an_account_without_insured_person(client):
    from tests.accounts.factories import UserFactory
    from tests.registry.factories import OfficeFactory

    office = OfficeFactory(code="001", name="BHXH TP. Hà Nội", level="province")
    client.force_login(UserFactory(staff=True, office=office))
    response = client.get(reverse("accounts:my_card"))
    assert response.status_code == 200
    assert 'data-testid="no-person"' in response.content.decode()


# --- participation page ---------------------------------------------------------------------

def test_my_participation_page(client):
    from freezegun import freeze_time

    from registry.models import InsuranceType
    from tests.accounts.factories import UserFactory
    from tests.registry.factories import ParticipationPeriodFactory

    user = UserFactory()
    d = datetime.date
    ParticipationPeriodFactory(person=user.insured_person, from_month=d(2015, 1, 1),
                               to_month=d(2019, 12, 1), employer="Công ty Sông Hồng",
                               contribution_salary=8_500_000)
    ParticipationPeriodFactory(person=user.insured_person, from_month=d(2020, 4, 1),
                               to_month=None, employer="Công ty Cửu Long")
    ParticipationPeriodFactory(person=user.insured_person, insurance_type=InsuranceType.BHTNLD_BNN,
                               from_month=d(2018, 1, 1), to_month=d(2018, 6, 1))
    client.force_login(user)
    with freeze_time("2026-06-15 10:00:00"):
        response = client.get(reverse("accounts:my_participation"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="history-BHXH"' in html
    assert 'data-testid="history-BHTNLD_BNN"' in html
    assert "Bảo hiểm tai nạn lao động, bệnh nghề nghiệp (BHTNLĐ-BNN)" in html
    total = html.split('data-testid="total-BHXH"')[1].split("</p>")[0]
    assert "11 năm" in total and "3 tháng" in total and "(135 tháng" in total
    assert "1 lần gián đoạn" in total
    assert html.count('data-testid="gap"') == 1
    assert "Gián đoạn 3 tháng (01/2020 – 03/2020)" in html
    assert "8.500.000" in html
    assert 'data-label="Từ tháng">01/2015' in html
    assert ">nay<" in html
    assert "Công ty Cửu Long" in html


def test_my_participation_page_needs_login_and_handles_no_data(client):
    from tests.accounts.factories import UserFactory

    url = reverse("accounts:my_participation")
    assert client.get(url)["Location"].startswith(reverse("accounts:login"))
    client.force_login(UserFactory())
    assert 'data-testid="no-periods"' in client.get(url).content.decode()


def test_home_page_links_to_the_lookups(client):
    html = client.get(reverse("home")).content.decode()
    for name in ["registry:lookup_bhxh_code", "registry:offices", "registry:facilities",
                 "accounts:my_card", "accounts:my_participation"]:
        assert f'href="{reverse(name)}"' in html


def test_offices_page_shows_only_the_addresses_and_phones_that_exist(client):
    """The shipped reference data gives an address only where BHXH publishes one: no
    "Địa chỉ:" made of a district's name, no empty label (issue #12 item 9.4)."""
    from registry import demo

    demo.load_reference_data()
    url = reverse("registry:offices")

    html = client.get(url, {"province": "01", "q": "dong da"}).content.decode()
    assert "(00106) BHXH cơ sở Đống Đa" in html
    assert "Địa chỉ" not in html and "Điện thoại" not in html and "tel:" not in html

    html = client.get(url, {"province": "79", "q": "079"}).content.decode()
    assert re.search(
        r'data-testid="office-address"><span class="registry-key">Địa chỉ:</span> '
        r"Số 5 đường Nguyễn Đổng Chi, phường Tân Mỹ, TP Hồ Chí Minh</p>", html)
    assert "Điện thoại" not in html

    html = client.get(url, {"q": "000"}).content.decode()
    assert "Số 7 Tràng Thi" in html and 'href="tel:19009068"' in html

    # The home page promises no addresses and phones either.
    assert "Địa chỉ và điện thoại" not in client.get(reverse("home")).content.decode()
