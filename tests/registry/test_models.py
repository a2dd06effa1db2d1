"""The registry's rules live in the database: these writes bypass forms on purpose."""
import datetime

import pytest
from django.db import IntegrityError, transaction

from registry.models import (
    HealthInsuranceCard,
    InsuredPerson,
    Office,
    ParticipationPeriod,
    Province,
)
from tests.registry.factories import (
    HealthFacilityFactory,
    HealthInsuranceCardFactory,
    InsuredPersonFactory,
    OfficeFactory,
    ParticipationPeriodFactory,
    ProvinceFactory,
)

pytestmark = pytest.mark.django_db

NFD_NAME = "Nguye\u0302\u0303n  Thi\u0323 A\u0301nh "


def _rejected(callable_, *args, **kwargs) -> bool:
    try:
        with transaction.atomic():
            callable_(*args, **kwargs)
    except IntegrityError:
        return True
    return False


def _person(**overrides) -> InsuredPerson:
    values = {
        "bhxh_code": "0123456789",
        "full_name": "Lê Văn Tám",
        "birth_year": 1980,
        "date_of_birth": datetime.date(1980, 2, 3),
        "sex": "M",
        "id_number": "001080000001",
    }
    values.update(overrides)
    return InsuredPerson.objects.create(**values)


def test_save_normalises_and_folds_the_name():
    person = InsuredPersonFactory(full_name=NFD_NAME, date_of_birth=datetime.date(1991, 1, 2))
    person.refresh_from_db()
    assert person.full_name == "Nguyễn Thị Ánh"
    assert person.name_folded == "nguyen thi anh"
    assert person.birth_year == 1991


def test_bulk_create_fills_name_folded_too():
    province = ProvinceFactory()
    InsuredPerson.objects.bulk_create(
        [
            InsuredPerson(
                bhxh_code="0000000001", full_name=NFD_NAME, birth_year=0,
                date_of_birth=datetime.date(1975, 4, 30), sex="F", province=province,
            )
        ]
    )
    person = InsuredPerson.objects.get(bhxh_code="0000000001")
    assert (person.full_name, person.name_folded, person.birth_year) == (
        "Nguyễn Thị Ánh", "nguyen thi anh", 1975,
    )


def test_bulk_update_rewrites_the_folded_name_with_the_name():
    person = InsuredPersonFactory()
    person.full_name = "Đặng  Mạnh Hùng"
    InsuredPerson.objects.bulk_update([person], ["full_name"])
    person.refresh_from_db()
    assert person.name_folded == "dang manh hung"


def test_save_with_update_fields_keeps_the_folded_name_in_step():
    person = InsuredPersonFactory()
    person.full_name = "Võ Thị Sáu"
    person.save(update_fields=["full_name"])
    person.refresh_from_db()
    assert person.name_folded == "vo thi sau"


def test_offices_and_facilities_fold_names():
    office = OfficeFactory(name="BHXH cơ sở  Đống Đa")
    facility = HealthFacilityFactory(name="Trạm Y tế phường Ô Chợ Dừa")
    assert office.name == "BHXH cơ sở Đống Đa"
    assert office.name_folded == "bhxh co so dong da"
    assert facility.name_folded == "tram y te phuong o cho dua"
    assert Province.objects.get(code="01").name_folded == "ha noi"


@pytest.mark.parametrize(
    "overrides",
    [
        {"bhxh_code": "12345"},
        {"bhxh_code": "01234567AB"},
        {"id_number": "1234"},
        {"id_number": "00108000000X"},
        {"sex": "X"},
        {"birth_year": 1850, "date_of_birth": None},
        {"phone": "0912345678"},
        {"email": "not-an-address"},
    ],
)
def test_person_constraints(overrides):
    assert _rejected(_person, **overrides)


def test_person_birth_year_must_match_the_date():
    person = _person()
    assert _rejected(
        InsuredPerson.objects.filter(pk=person.pk).update, birth_year=1981
    )


def test_person_blank_name_is_refused():
    assert _rejected(_person, full_name="   ")


def test_valid_person_and_year_only_birth_are_accepted():
    assert not _rejected(_person, phone="+84912345678", email="a@b.vn")
    assert not _rejected(
        _person, bhxh_code="0123456780", id_number=None, date_of_birth=None, birth_year=1950
    )


def test_bhxh_code_and_id_number_are_unique():
    _person()
    assert _rejected(_person, id_number="001080000002")  # same BHXH code
    assert _rejected(_person, bhxh_code="0123456780")  # same CCCD


def test_office_levels_have_their_shape():
    province = ProvinceFactory()
    assert _rejected(Office.objects.create, code="00199", name="x", level="local")
    assert _rejected(Office.objects.create, code="000", name="BHXH Việt Nam",
                     level="central", province=province)
    assert _rejected(Office.objects.create, code="001", name="x", level="province")
    assert _rejected(Office.objects.create, code="00A", name="x", level="province",
                     province=province)
    assert _rejected(Office.objects.create, code="001", name="x", level="region",
                     province=province)
    assert str(OfficeFactory(province_office=True)) == "(001) BHXH TP. Hà Nội"


def test_card_constraints():
    card = HealthInsuranceCardFactory()
    person, facility = card.person, card.facility
    base = {"person": person, "facility": facility, "valid_from": datetime.date(2025, 1, 1),
            "issue_date": datetime.date(2024, 12, 1)}
    create = HealthInsuranceCard.objects.create
    assert _rejected(create, card_number="DN40112345", participant_group="DN",
                     benefit_level=4, **base)
    assert _rejected(create, card_number="9999999999", participant_group="DN",
                     benefit_level=6, **base)
    assert _rejected(create, card_number="9999999999", participant_group="d1",
                     benefit_level=4, **base)
    # An old number spells group and level: they must agree with the columns.
    assert _rejected(create, card_number=f"HS401{person.bhxh_code}", participant_group="DN",
                     benefit_level=4, **base)
    assert _rejected(create, card_number=f"DN301{person.bhxh_code}", participant_group="DN",
                     benefit_level=4, **base)
    assert not _rejected(create, card_number=f"DN401{person.bhxh_code}",
                         participant_group="DN", benefit_level=4, **base)
    assert _rejected(create, card_number="8888888888", participant_group="DN", benefit_level=4,
                     valid_to=datetime.date(2024, 1, 1), **base)
    assert card.bhxh_code == person.bhxh_code


def test_period_constraints():
    period = ParticipationPeriodFactory()
    create = ParticipationPeriod.objects.create
    base = {"person": period.person, "insurance_type": "BHXH"}
    assert _rejected(create, from_month=datetime.date(2020, 1, 2), **base)
    assert _rejected(create, from_month=datetime.date(2020, 1, 1),
                     to_month=datetime.date(2020, 5, 31), **base)
    assert _rejected(create, from_month=datetime.date(2020, 5, 1),
                     to_month=datetime.date(2020, 1, 1), **base)
    assert _rejected(create, person=period.person, insurance_type="XYZ",
                     from_month=datetime.date(2020, 1, 1))
    assert not _rejected(create, from_month=datetime.date(2020, 1, 1), to_month=None, **base)
