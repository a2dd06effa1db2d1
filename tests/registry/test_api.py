import datetime
import unicodedata

import pytest
from rest_framework.test import APIClient

from tests.registry.factories import InsuredPersonFactory, ProvinceFactory

pytestmark = pytest.mark.django_db

LOOKUP_URL = "/api/v1/lookup/bhxh-code/"


@pytest.fixture
def client():
    return APIClient()


@pytest.fixture
def anh():
    return InsuredPersonFactory(
        bhxh_code="0101234567", full_name="Nguyễn Thị Ánh",
        date_of_birth=datetime.date(1990, 5, 17), phone="+84912345678",
        email="anh@example.org", id_number="001190012345",
    )


# --- BHXH code look-up -----------------------------------------------------------------------

def test_lookup_answers_the_code_and_masked_data_only(client, anh):
    response = client.post(
        LOOKUP_URL,
        {"full_name": unicodedata.normalize("NFD", "nguyễn  THỊ ánh"),
         "date_of_birth": "1990-05-17", "province": "01"},
        format="json",
    )
    assert response.status_code == 200
    assert response.json() == {
        "count": 1,
        "results": [{
            "bhxh_code": "0101234567",
            "full_name_masked": "Nguyễn T*** Á***",
            "date_of_birth_masked": "**/**/1990",
        }],
    }
    body = response.content.decode()
    for secret in ["Thị", "Ánh", "17", "+84912345678", "anh@example.org", "001190012345",
                   "phố Huế"]:
        assert secret not in body


def test_lookup_by_year_only(client, anh):
    response = client.post(
        LOOKUP_URL, {"full_name": "Nguyen Thi Anh", "date_of_birth": "1990", "province": "01"}
    )
    assert response.status_code == 200
    assert response.json()["count"] == 1


def test_lookup_with_no_match_is_an_empty_list(client, anh):
    response = client.post(
        LOOKUP_URL, {"full_name": "Nguyen Thi", "date_of_birth": "1990", "province": "01"}
    )
    assert response.status_code == 200
    assert response.json() == {"count": 0, "results": []}


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        ({"date_of_birth": "1990", "province": "01"}, "full_name", "Nhập họ và tên."),
        ({"full_name": "123", "date_of_birth": "1990", "province": "01"}, "full_name",
         "Nhập họ và tên bằng chữ."),
        ({"full_name": "An", "date_of_birth": "17/05/1990", "province": "01"}, "date_of_birth",
         "Nhập ngày sinh dạng YYYY-MM-DD hoặc chỉ năm sinh YYYY."),
        ({"full_name": "An", "date_of_birth": "1990-02-30", "province": "01"}, "date_of_birth",
         "Ngày sinh không tồn tại."),
        ({"full_name": "An", "date_of_birth": "1850", "province": "01"}, "date_of_birth",
         "Năm sinh phải từ 1900"),
        ({"full_name": "An", "date_of_birth": "1990", "province": "1"}, "province",
         "Mã tỉnh gồm 2 chữ số."),
        ({"full_name": "An", "date_of_birth": "1990", "province": "99"}, "province",
         "Không có tỉnh/thành phố mã 99."),
    ],
)
def test_lookup_rejects_bad_input_with_a_vietnamese_message(client, payload, field, message):
    ProvinceFactory(code="01", name="Hà Nội")
    response = client.post(LOOKUP_URL, payload, format="json")
    assert response.status_code == 400
    assert message in response.json()[field][0]


def test_lookup_is_throttled_per_ip(client, anh, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "lookup": "3/hour"
        },
    }
    payload = {"full_name": "Nguyen Thi Anh", "date_of_birth": "1990", "province": "01"}
    for _ in range(3):
        assert client.post(LOOKUP_URL, payload, REMOTE_ADDR="10.0.0.1").status_code == 200
    assert client.post(LOOKUP_URL, payload, REMOTE_ADDR="10.0.0.1").status_code == 429
    # A forged X-Forwarded-For does not buy a fresh budget...
    assert client.post(
        LOOKUP_URL, payload, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4"
    ).status_code == 429
    # ...while another client still gets answers.
    assert client.post(LOOKUP_URL, payload, REMOTE_ADDR="10.0.0.2").status_code == 200


def test_lookup_needs_no_login_and_no_csrf_token(anh):
    client = APIClient(enforce_csrf_checks=True)
    response = client.post(
        LOOKUP_URL, {"full_name": "Nguyen Thi Anh", "date_of_birth": "1990", "province": "01"}
    )
    assert response.status_code == 200


# --- offices and facilities ------------------------------------------------------------------

@pytest.fixture
def directory():
    from registry.models import Office
    from tests.registry.factories import HealthFacilityFactory, OfficeFactory

    hanoi = ProvinceFactory(code="01", name="Hà Nội")
    dn = ProvinceFactory(code="48", name="Đà Nẵng")
    parent = OfficeFactory(code="001", name="BHXH TP. Hà Nội", province=hanoi,
                           level=Office.Level.PROVINCE, address="86 Trần Thái Tông",
                           phone="024 3776 2828")
    OfficeFactory(code="00105", name="BHXH cơ sở Đống Đa", province=hanoi, parent=parent)
    OfficeFactory(code="00106", name="BHXH cơ sở Đống Đa cũ", province=hanoi, parent=parent,
                  is_active=False)
    OfficeFactory(code="048", name="BHXH TP. Đà Nẵng", province=dn, level=Office.Level.PROVINCE,
                  receives_declarations=False)
    HealthFacilityFactory(code="01C54", name="Bệnh viện Bạch Mai", province=hanoi)
    HealthFacilityFactory(code="01A12", name="Trạm Y tế phường Bạch Đằng", province=hanoi,
                          accepts_registration=False)
    HealthFacilityFactory(code="48001", name="Bệnh viện Đà Nẵng", province=dn)


def test_offices_list_shows_active_offices_paginated(client, directory):
    response = client.get("/api/v1/offices/")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    assert {"next", "previous", "results"} <= body.keys()
    first = body["results"][0]
    assert first == {
        "code": "001", "name": "BHXH TP. Hà Nội", "display_name": "(001) BHXH TP. Hà Nội",
        "level": "province", "level_display": "BHXH tỉnh/thành phố",
        "province": {"code": "01", "name": "Hà Nội"}, "address": "86 Trần Thái Tông",
        "phone": "024 3776 2828", "receives_declarations": True,
    }


def test_offices_search_without_diacritics_and_by_province(client, directory):
    body = client.get("/api/v1/offices/", {"q": "dong da"}).json()
    assert [o["code"] for o in body["results"]] == ["00105"]
    body = client.get("/api/v1/offices/", {"province": "48"}).json()
    assert [o["code"] for o in body["results"]] == ["048"]
    body = client.get("/api/v1/offices/", {"q": "da nang"}).json()
    assert [o["code"] for o in body["results"]] == ["048"]


def test_offices_pagination(client, directory):
    from rest_framework.pagination import PageNumberPagination

    from registry.api import OfficeListView

    class Two(PageNumberPagination):
        page_size = 2

    original = OfficeListView.pagination_class
    OfficeListView.pagination_class = Two
    try:
        page1 = client.get("/api/v1/offices/").json()
        page2 = client.get("/api/v1/offices/", {"page": 2}).json()
    finally:
        OfficeListView.pagination_class = original
    assert page1["count"] == 3 and len(page1["results"]) == 2 and page1["next"]
    assert len(page2["results"]) == 1 and page2["next"] is None


def test_offices_bad_province_is_a_400_in_vietnamese(client, directory):
    response = client.get("/api/v1/offices/", {"province": "Hà Nội"})
    assert response.status_code == 400
    assert response.json()["province"] == ["Mã tỉnh gồm 2 chữ số."]


def test_facilities_list_and_filters(client, directory):
    body = client.get("/api/v1/facilities/", {"q": "bach"}).json()
    assert [f["code"] for f in body["results"]] == ["01A12", "01C54"]
    bach_mai = body["results"][1]
    assert bach_mai["printed_code"] == "01 - C54"
    assert bach_mai["province"] == {"code": "01", "name": "Hà Nội"}
    assert bach_mai["accepts_registration"] is True
    body = client.get("/api/v1/facilities/", {"q": "bach", "accepts_registration": "true"}).json()
    assert [f["code"] for f in body["results"]] == ["01C54"]
    body = client.get("/api/v1/facilities/", {"accepts_registration": "false"}).json()
    assert [f["code"] for f in body["results"]] == ["01A12"]
    body = client.get("/api/v1/facilities/", {"q": "01 - C54"}).json()
    assert [f["code"] for f in body["results"]] == ["01C54"]
    body = client.get("/api/v1/facilities/", {"province": "48"}).json()
    assert [f["code"] for f in body["results"]] == ["48001"]


def test_facilities_bad_flag_is_a_400(client, directory):
    response = client.get("/api/v1/facilities/", {"accepts_registration": "maybe"})
    assert response.status_code == 400
    assert "accepts_registration" in response.json()


# --- the logged-in citizen's card ------------------------------------------------------------

@pytest.fixture
def citizen_with_card():
    from tests.accounts.factories import UserFactory
    from tests.registry.factories import (
        HealthFacilityFactory,
        HealthInsuranceCardFactory,
        OfficeFactory,
    )

    user = UserFactory(insured_person__bhxh_code="0123456789",
                       insured_person__full_name="Đặng Thị Ngọc Ánh")
    HealthInsuranceCardFactory(
        person=user.insured_person, card_number="0123456789", benefit_level=4,
        facility=HealthFacilityFactory(code="01C54", name="Bệnh viện Bạch Mai"),
        valid_from=datetime.date(2026, 1, 1), issue_date=datetime.date(2025, 12, 20),
        issuing_office=OfficeFactory(code="001", name="BHXH TP. Hà Nội", level="province"),
        five_years_from=datetime.date(2030, 1, 1),
    )
    return user


def test_my_card_needs_authentication(client):
    assert client.get("/api/v1/me/card/").status_code in (401, 403)


def test_my_card_returns_the_card_and_its_qr_text(client, citizen_with_card):
    from registry.card_qr import card_qr_check_is_ours, parse_card_qr

    client.force_authenticate(citizen_with_card)
    response = client.get("/api/v1/me/card/")
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    body = response.json()
    assert body["bhxh_code"] == "0123456789"
    assert body["full_name"] == "Đặng Thị Ngọc Ánh"
    assert body["date_of_birth"] == "1990-05-17"
    assert body["sex"] == "F" and body["sex_display"] == "Nữ"
    assert body["card_number"] == "0123456789"
    assert body["facility"]["printed_code"] == "01 - C54"
    assert body["valid_from"] == "2026-01-01" and body["valid_to"] is None
    assert body["five_years_from"] == "2030-01-01"
    assert body["issuing_office"]["display_name"] == "(001) BHXH TP. Hà Nội"
    assert parse_card_qr(body["qr_payload"]).full_name == "Đặng Thị Ngọc Ánh"
    assert card_qr_check_is_ours(body["qr_payload"])


def test_my_card_works_with_a_token(citizen_with_card):
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=citizen_with_card)
    client = APIClient()
    response = client.get("/api/v1/me/card/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200


def test_my_card_404_without_a_card(client):
    from tests.accounts.factories import UserFactory

    client.force_authenticate(UserFactory())
    response = client.get("/api/v1/me/card/")
    assert response.status_code == 404
    assert response.json()["detail"] == "Chưa có thẻ BHYT nào của bạn trong cơ sở dữ liệu."


def test_my_card_404_for_an_account_without_insured_person(client):
    from tests.accounts.factories import UserFactory
    from tests.registry.factories import OfficeFactory

    office = OfficeFactory(code="001", name="BHXH TP. Hà Nội", level="province")
    client.force_authenticate(UserFactory(staff=True, office=office))
    response = client.get("/api/v1/me/card/")
    assert response.status_code == 404
    assert response.json()["detail"] == "Tài khoản của bạn chưa gắn với mã số BHXH nào."


# --- participation history -------------------------------------------------------------------

@pytest.fixture
def citizen_with_history():
    from registry.models import InsuranceType
    from tests.accounts.factories import UserFactory
    from tests.registry.factories import ParticipationPeriodFactory

    user = UserFactory()
    d = datetime.date
    ParticipationPeriodFactory(person=user.insured_person, from_month=d(2015, 1, 1),
                               to_month=d(2019, 12, 1), employer="Công ty A", job="Kế toán",
                               contribution_salary=8_500_000)
    ParticipationPeriodFactory(person=user.insured_person, from_month=d(2020, 4, 1),
                               to_month=None, employer="Công ty B")
    ParticipationPeriodFactory(person=user.insured_person, insurance_type=InsuranceType.BHTN,
                               from_month=d(2018, 1, 1), to_month=d(2018, 6, 1))
    return user


def test_my_participation(client, citizen_with_history):
    from freezegun import freeze_time

    client.force_authenticate(citizen_with_history)
    with freeze_time("2026-06-15 10:00:00"):
        response = client.get("/api/v1/me/participation/")
    assert response.status_code == 200
    body = response.json()
    assert body["as_of"] == "2026-06-15"
    assert [t["insurance_type"] for t in body["types"]] == ["BHXH", "BHTN"]
    bhxh = body["types"][0]
    assert bhxh["label"] == "Bảo hiểm xã hội"
    assert bhxh["total_months"] == 60 + 75
    assert bhxh["gaps"] == [{"from_month": "2020-01", "to_month": "2020-03", "months": 3}]
    assert bhxh["periods"][0] == {
        "from_month": "2015-01", "to_month": "2019-12", "is_open": False, "months": 60,
        "employer": "Công ty A", "job": "Kế toán", "contribution_salary": 8_500_000,
        "gap_before_months": 0,
    }
    assert bhxh["periods"][1]["is_open"] is True
    assert bhxh["periods"][1]["to_month"] is None
    assert bhxh["periods"][1]["gap_before_months"] == 3
    assert body["types"][1]["total_months"] == 6


def test_my_participation_needs_authentication_and_a_person(client):
    from tests.accounts.factories import UserFactory
    from tests.registry.factories import OfficeFactory

    assert client.get("/api/v1/me/participation/").status_code in (401, 403)
    office = OfficeFactory(code="001", name="BHXH TP. Hà Nội", level="province")
    client.force_authenticate(UserFactory(staff=True, office=office))
    assert client.get("/api/v1/me/participation/").status_code == 404


def test_my_participation_empty(client):
    from tests.accounts.factories import UserFactory

    client.force_authenticate(UserFactory())
    response = client.get("/api/v1/me/participation/")
    assert response.status_code == 200
    assert response.json()["types"] == []


def test_api_schema_builds(client):
    response = client.get("/api/v1/schema/")
    assert response.status_code == 200
    text = response.content.decode()
    for path in ["/api/v1/lookup/bhxh-code/", "/api/v1/offices/", "/api/v1/facilities/",
                 "/api/v1/me/card/", "/api/v1/me/participation/"]:
        assert path in text
