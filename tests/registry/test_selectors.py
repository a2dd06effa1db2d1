import datetime
import unicodedata

import pytest

from registry import selectors
from registry.models import InsuranceType, Office
from tests.registry.factories import (
    HealthFacilityFactory,
    HealthInsuranceCardFactory,
    InsuredPersonFactory,
    OfficeFactory,
    ParticipationPeriodFactory,
    ProvinceFactory,
)

pytestmark = pytest.mark.django_db


# --- insured_person_lookup ----------------------------------------------------------------

@pytest.fixture
def anh():
    return InsuredPersonFactory(
        bhxh_code="0101234567", full_name="Nguyễn Thị Ánh",
        date_of_birth=datetime.date(1990, 5, 17),
    )


@pytest.mark.parametrize(
    "typed",
    [
        "Nguyễn Thị Ánh",
        "nguyen thi anh",
        "NGUYỄN   THỊ  ÁNH ",
        unicodedata.normalize("NFD", "Nguyễn Thị Ánh"),
        "\tNguyen\u00a0Thi Anh",
    ],
)
def test_lookup_ignores_case_diacritics_normal_form_and_spaces(anh, typed):
    found = selectors.insured_person_lookup(
        full_name=typed, date_of_birth=datetime.date(1990, 5, 17), province_code="01"
    )
    assert [p.bhxh_code for p in found] == ["0101234567"]


def test_lookup_is_exact_on_the_name_not_a_substring(anh):
    for typed in ["Nguyễn Thị", "Thị Ánh", "Nguyễn Thị Ánh Hồng"]:
        assert selectors.insured_person_lookup(
            full_name=typed, date_of_birth=datetime.date(1990, 5, 17), province_code="01"
        ) == []


def test_lookup_needs_the_right_date_and_province(anh):
    ProvinceFactory(code="79", name="TP Hồ Chí Minh")
    assert selectors.insured_person_lookup(
        full_name="Nguyễn Thị Ánh", date_of_birth=datetime.date(1990, 5, 18), province_code="01"
    ) == []
    assert selectors.insured_person_lookup(
        full_name="Nguyễn Thị Ánh", date_of_birth=datetime.date(1990, 5, 17), province_code="79"
    ) == []
    assert selectors.insured_person_lookup(
        full_name="Nguyễn Thị Ánh", date_of_birth=1991, province_code="01"
    ) == []


def test_lookup_by_year_matches_a_full_date_on_record(anh):
    found = selectors.insured_person_lookup(
        full_name="nguyen thi anh", date_of_birth=1990, province_code="01"
    )
    assert found == [anh]


def test_lookup_by_full_date_matches_a_year_only_record():
    person = InsuredPersonFactory(
        full_name="Lò Văn Páo", date_of_birth=None, birth_year=1958
    )
    found = selectors.insured_person_lookup(
        full_name="Lo Van Pao", date_of_birth=datetime.date(1958, 3, 1), province_code="01"
    )
    assert found == [person]
    assert selectors.insured_person_lookup(
        full_name="Lo Van Pao", date_of_birth=1958, province_code="01"
    ) == [person]


def test_lookup_returns_namesakes_in_code_order_and_caps_them(anh):
    twin = InsuredPersonFactory(bhxh_code="0101234500", full_name="Nguyễn Thị Ánh")
    found = selectors.insured_person_lookup(
        full_name="Nguyễn Thị Ánh", date_of_birth=datetime.date(1990, 5, 17), province_code="01"
    )
    assert found == [twin, anh]
    InsuredPersonFactory.create_batch(selectors.LOOKUP_MAX_RESULTS + 2)
    assert len(selectors.insured_person_lookup(
        full_name="Nguyễn Thị Ánh", date_of_birth=1990, province_code="01"
    )) == selectors.LOOKUP_MAX_RESULTS


def test_lookup_with_an_empty_name_finds_nobody(anh):
    assert selectors.insured_person_lookup(
        full_name="   ", date_of_birth=1990, province_code="01"
    ) == []


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("Nguyễn Thị Ánh", "Nguyễn T*** Á***"),
        ("Đặng Văn Long Hải", "Đặng V*** L*** H***"),
        ("Páo", "P***"),
        ("", ""),
    ],
)
def test_mask_name(name, masked):
    assert selectors.mask_name(name) == masked


def test_mask_birth_date_shows_only_the_year(anh):
    assert selectors.mask_birth_date(anh) == "**/**/1990"


# --- offices and facilities -----------------------------------------------------------------

@pytest.fixture
def offices():
    hanoi = ProvinceFactory(code="01", name="Hà Nội")
    hcm = ProvinceFactory(code="79", name="TP Hồ Chí Minh")
    parent = OfficeFactory(
        code="001", name="BHXH TP. Hà Nội", province=hanoi, level=Office.Level.PROVINCE,
        is_active=False,
    )
    return {
        "dong_da": OfficeFactory(
            code="00105", name="BHXH cơ sở Đống Đa", province=hanoi, parent=parent
        ),
        "hoan_kiem": OfficeFactory(
            code="00101", name="BHXH cơ sở Hoàn Kiếm", province=hanoi, parent=parent
        ),
        "closed": OfficeFactory(
            code="00199", name="BHXH cơ sở Đống Đa cũ", province=hanoi, parent=parent,
            is_active=False,
        ),
        "hcm": OfficeFactory(
            code="079", name="BHXH TP. Hồ Chí Minh", province=hcm, level=Office.Level.PROVINCE
        ),
    }


def test_offices_search_without_diacritics_and_only_active(offices):
    assert list(selectors.offices_search(q="dong da")) == [offices["dong_da"]]
    assert list(selectors.offices_search(q="ĐỐNG ĐA")) == [offices["dong_da"]]
    assert list(selectors.offices_search(q="da dong")) == [offices["dong_da"]]


def test_offices_search_by_code_and_province(offices):
    assert list(selectors.offices_search(q="079")) == [offices["hcm"]]
    assert list(selectors.offices_search(province_code="01")) == [
        offices["hoan_kiem"], offices["dong_da"]
    ]
    assert list(selectors.offices_search(province_code="79", q="dong da")) == []
    assert selectors.offices_search().count() == 3


@pytest.fixture
def facilities():
    hanoi = ProvinceFactory(code="01", name="Hà Nội")
    dn = ProvinceFactory(code="48", name="Đà Nẵng")
    return {
        "bach_mai": HealthFacilityFactory(code="01C54", name="Bệnh viện Bạch Mai", province=hanoi),
        "tram": HealthFacilityFactory(
            code="01A12", name="Trạm Y tế phường Bạch Đằng", province=hanoi,
            accepts_registration=False,
        ),
        "dn": HealthFacilityFactory(code="48001", name="Bệnh viện Đà Nẵng", province=dn),
    }


def test_facilities_search(facilities):
    assert list(selectors.health_facilities_search(q="bach")) == [
        facilities["tram"], facilities["bach_mai"]
    ]
    assert list(selectors.health_facilities_search(q="bach", accepts_registration=True)) == [
        facilities["bach_mai"]
    ]
    assert list(selectors.health_facilities_search(q="01 - C54")) == [facilities["bach_mai"]]
    assert list(selectors.health_facilities_search(q="01c54")) == [facilities["bach_mai"]]
    assert list(selectors.health_facilities_search(province_code="48")) == [facilities["dn"]]
    assert list(selectors.health_facilities_search(q="benh vien da nang")) == [facilities["dn"]]


# --- current card ---------------------------------------------------------------------------

def test_current_card_prefers_the_one_valid_today():
    person = InsuredPersonFactory()
    old = HealthInsuranceCardFactory(
        person=person, card_number="DN4010101234567",
        valid_from=datetime.date(2020, 1, 1), valid_to=datetime.date(2020, 12, 31),
        issue_date=datetime.date(2019, 12, 1),
    )
    current = HealthInsuranceCardFactory(
        person=person, valid_from=datetime.date(2026, 1, 1), valid_to=None
    )
    assert selectors.insured_person_current_card(
        person=person, today=datetime.date(2026, 6, 1)
    ) == current
    # Before the new card starts, the most recent card is still the one shown.
    assert selectors.insured_person_current_card(
        person=person, today=datetime.date(2020, 6, 1)
    ) == old
    assert selectors.insured_person_current_card(person=InsuredPersonFactory()) is None


# --- participation history ------------------------------------------------------------------

def test_history_groups_by_type_totals_and_gaps():
    person = InsuredPersonFactory()
    d = datetime.date
    ParticipationPeriodFactory(
        person=person, from_month=d(2015, 1, 1), to_month=d(2019, 12, 1)
    )  # 60 months
    ParticipationPeriodFactory(
        person=person, from_month=d(2020, 4, 1), to_month=d(2021, 3, 1), employer="B"
    )  # 12 months, gap 01/2020-03/2020
    ParticipationPeriodFactory(
        person=person, from_month=d(2021, 4, 1), to_month=None, employer="C"
    )  # open: 04/2021..06/2026 = 63 months, no gap
    ParticipationPeriodFactory(
        person=person, insurance_type=InsuranceType.BHTN,
        from_month=d(2018, 1, 1), to_month=d(2018, 6, 1),
    )
    other = InsuredPersonFactory()
    ParticipationPeriodFactory(person=other)

    history = selectors.participation_history(person=person, today=d(2026, 6, 15))

    assert [t.insurance_type for t in history.types] == ["BHXH", "BHTN"]
    bhxh = history.types[0]
    assert [row.months for row in bhxh.rows] == [60, 12, 63]
    assert bhxh.total_months == 135
    assert bhxh.total_years_months == (11, 3)
    assert bhxh.gaps == [selectors.Gap(d(2020, 1, 1), d(2020, 3, 1), 3)]
    assert bhxh.rows[1].gap_before == bhxh.gaps[0]
    assert bhxh.rows[2].gap_before is None
    assert bhxh.rows[2].is_open and bhxh.rows[2].end_month == d(2026, 6, 1)
    assert history.types[1].total_months == 6
    assert history.types[1].gaps == []


def test_history_counts_overlapping_months_once():
    person = InsuredPersonFactory()
    d = datetime.date
    ParticipationPeriodFactory(person=person, from_month=d(2020, 1, 1), to_month=d(2020, 12, 1))
    ParticipationPeriodFactory(person=person, from_month=d(2020, 7, 1), to_month=d(2021, 6, 1))
    ParticipationPeriodFactory(person=person, from_month=d(2020, 2, 1), to_month=d(2020, 3, 1))
    history = selectors.participation_history(person=person, today=d(2026, 1, 1))
    bhxh = history.types[0]
    assert [row.months for row in bhxh.rows] == [12, 2, 12]
    assert bhxh.total_months == 18
    assert bhxh.gaps == []


def test_history_of_a_person_without_periods_is_empty():
    history = selectors.participation_history(person=InsuredPersonFactory())
    assert history.is_empty
