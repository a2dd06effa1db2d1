"""Reference data and demo people: shipped, consistent, idempotent."""
import datetime

import pytest
from django.core.management import call_command

from registry import demo
from registry.models import (
    HealthFacility,
    HealthInsuranceCard,
    InsuranceType,
    InsuredPerson,
    Office,
    ParticipationPeriod,
    Province,
)

pytestmark = pytest.mark.django_db

PROVINCE_CODES = (
    "01 04 08 11 12 14 15 19 20 22 24 25 31 33 37 38 40 42 44 46 48 51 52 56 66 68 75 79 80 "
    "82 86 91 92 96"
).split()


def test_reference_data_is_complete_and_idempotent(capsys):
    call_command("load_reference_data")
    counts = (Province.objects.count(), Office.objects.count(), HealthFacility.objects.count())
    call_command("load_reference_data")
    assert (
        Province.objects.count(), Office.objects.count(), HealthFacility.objects.count()
    ) == counts
    assert sorted(Province.objects.values_list("code", flat=True)) == PROVINCE_CODES
    assert Province.objects.get(code="79").name == "TP Hồ Chí Minh"
    assert "provinces=34" in capsys.readouterr().out


def test_offices_follow_the_observed_code_pattern():
    demo.load_reference_data()
    central = Office.objects.get(code="000")
    assert central.level == Office.Level.CENTRAL and central.parent is None
    for code in PROVINCE_CODES:
        office = Office.objects.get(code=f"0{code}")
        assert office.level == Office.Level.PROVINCE
        assert office.province.code == code and office.parent == central
    assert str(Office.objects.get(code="001")) == "(001) BHXH TP. Hà Nội"
    assert Office.objects.get(code="046").name == "BHXH TP. Huế"
    assert Office.objects.get(code="038").name == "BHXH tỉnh Thanh Hóa"
    for prefix, minimum in (("001", 30), ("079", 30), ("048", 15)):
        local = Office.objects.filter(level=Office.Level.LOCAL, code__startswith=prefix)
        assert local.count() >= minimum
        for office in local:
            assert len(office.code) == 5 and office.parent.code == prefix
            assert office.name.startswith("BHXH cơ sở ")
    assert Office.objects.get(code=demo.DEMO_STAFF_OFFICE_CODE).name == "BHXH cơ sở Đống Đa"
    assert Office.objects.get(code=demo.DEMO_STAFF_OFFICE_CODE).receives_declarations


def test_facilities_span_the_provinces_in_the_real_code_format():
    demo.load_reference_data()
    facilities = list(HealthFacility.objects.select_related("province"))
    assert len(facilities) >= 300
    assert {f.province.code for f in facilities} == set(PROVINCE_CODES)
    for facility in facilities:
        assert facility.code[:2] == facility.province.code
        assert len(facility.code) == 5 and facility.code[2:].isalnum()
    levels = {f.level for f in facilities}
    assert levels == set(HealthFacility.Level.values)
    assert any(not f.accepts_registration for f in facilities)
    assert HealthFacility.objects.get(code="01003").printed_code == "01 - 003"


def test_demo_people():
    codes = demo.load_demo_people()  # loads the reference data itself when missing
    demo.load_demo_people()
    assert InsuredPerson.objects.filter(bhxh_code__in=codes).count() == len(codes) >= 8
    everyone = InsuredPerson.objects.filter(bhxh_code__in=codes)
    today = datetime.date(2026, 11, 24)
    for person in everyone:
        assert person.cards.exists(), person.bhxh_code
        assert person.name_folded and person.full_name != person.name_folded
        adult = today.year - person.birth_year >= 18
        assert (person.id_number is not None) == adult, person.bhxh_code
        if person.id_number and len(person.id_number) == 12:
            century_sex = int(person.id_number[3])
            assert 1900 + (century_sex // 2) * 100 + int(person.id_number[4:6]) == (
                person.birth_year
            )
            assert century_sex % 2 == (1 if person.sex == "F" else 0)
    assert everyone.filter(date_of_birth__isnull=True).count() >= 1
    assert everyone.exclude(phone="").exists() and everyone.exclude(email="").exists()
    children = InsuredPerson.objects.filter(bhxh_code__in=demo.DEMO_CHILD_CODES)
    assert children.count() == 2 and not children.exclude(id_number=None).exists()
    guardian = InsuredPerson.objects.get(bhxh_code=demo.DEMO_GUARDIAN_CODE)
    assert guardian.phone.startswith("+84")
    unregistered = InsuredPerson.objects.get(bhxh_code=demo.DEMO_UNREGISTERED_CODE)
    assert unregistered.id_number == "001092004567"
    assert unregistered.full_name == "Phạm Quốc Huy"
    numbers = HealthInsuranceCard.objects.values_list("card_number", flat=True)
    assert any(len(n) == 15 for n in numbers) and any(len(n) == 10 for n in numbers)
    for card in HealthInsuranceCard.objects.select_related("person"):
        assert card.bhxh_code == card.person.bhxh_code


def test_long_histories_cover_every_insurance_type_with_gaps():
    demo.load_demo_people()
    before = ParticipationPeriod.objects.count()
    demo.load_demo_people()
    assert ParticipationPeriod.objects.count() == before
    citizen = InsuredPerson.objects.get(bhxh_code=demo.DEMO_CITIZEN_CODE)
    periods = citizen.participation_periods.filter(insurance_type=InsuranceType.BHXH)
    employers = {p.employer for p in periods}
    assert len(employers) >= 3
    assert set(citizen.participation_periods.values_list("insurance_type", flat=True)) == set(
        InsuranceType.values
    )
    ordered = list(periods.order_by("from_month"))
    assert any(
        earlier.to_month and (later.from_month - earlier.to_month).days > 31
        for earlier, later in zip(ordered, ordered[1:], strict=False)
    )
    assert periods.filter(to_month__isnull=True).count() == 1
