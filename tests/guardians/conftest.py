"""A family on 15 June 2026: Trần Thị Hoa, mother of Khôi (born 2 March 2015, with a BHYT
card) and Lan (born 10 September 2019, with a BHYT participation period); and another
family, Phạm Văn Nam's."""
import datetime
from types import SimpleNamespace

import pytest
from freezegun import freeze_time

from guardians.models import GuardianLink
from registry.models import InsuranceType, Sex
from tests.accounts.factories import UserFactory
from tests.guardians.factories import GuardianLinkFactory
from tests.registry.factories import (
    HealthFacilityFactory,
    HealthInsuranceCardFactory,
    InsuredPersonFactory,
    ParticipationPeriodFactory,
)

TODAY = datetime.date(2026, 6, 15)


@pytest.fixture
def today():
    # 10:00 in Hà Nội (TIME_ZONE): the same calendar day in UTC and local time.
    with freeze_time("2026-06-15 03:00:00"):
        yield TODAY


def child(code: str, name: str, born: datetime.date | None, **kwargs) -> object:
    return InsuredPersonFactory(
        child=True, bhxh_code=code, full_name=name, date_of_birth=born,
        birth_year=kwargs.pop("birth_year", born.year if born else None), **kwargs,
    )


@pytest.fixture
def family(today):
    mother = UserFactory(insured_person__bhxh_code="0190000003",
                         insured_person__full_name="Trần Thị Hoa")
    khoi = child("0115000001", "Trần Minh Khôi", datetime.date(2015, 3, 2))
    lan = child("0119000002", "Trần Ngọc Lan", datetime.date(2019, 9, 10), sex=Sex.FEMALE)
    HealthInsuranceCardFactory(
        person=khoi, card_number="TE1010115000001", participant_group="TE", benefit_level=1,
        facility=HealthFacilityFactory(code="01C54", name="Bệnh viện Bạch Mai"),
        valid_from=datetime.date(2026, 1, 1), valid_to=datetime.date(2026, 12, 31),
    )
    ParticipationPeriodFactory(
        person=lan, insurance_type=InsuranceType.BHYT, from_month=datetime.date(2019, 9, 1),
        to_month=None, employer="UBND phường Hai Bà Trưng", job="", contribution_salary=0,
    )
    return SimpleNamespace(
        guardian=mother,
        khoi=khoi,
        lan=lan,
        khoi_link=GuardianLinkFactory(guardian=mother, child=khoi),
        lan_link=GuardianLinkFactory(guardian=mother, child=lan),
    )


@pytest.fixture
def other_family(today):
    father = UserFactory(insured_person__bhxh_code="0185000004",
                         insured_person__full_name="Phạm Văn Nam",
                         insured_person__sex=Sex.MALE)
    son = child("0116000005", "Phạm Gia Bảo", datetime.date(2016, 1, 20))
    return SimpleNamespace(
        guardian=father, child=son,
        link=GuardianLinkFactory(guardian=father, child=son,
                                 relationship=GuardianLink.Relationship.FATHER),
    )


@pytest.fixture
def edge_children(family):
    """On the family's account: a link ended by the daily task, a child who turns 18 today
    (link not yet ended) and one who turns 18 tomorrow."""
    ended = GuardianLinkFactory(
        guardian=family.guardian, ended=True,
        child=child("0110000006", "Trần Văn Ended", datetime.date(2012, 5, 5)),
    )
    adult_today = GuardianLinkFactory(
        guardian=family.guardian,
        child=child("0108000007", "Trần Thị Đủ Tuổi", datetime.date(2008, 6, 15)),
    )
    minor_until_tomorrow = GuardianLinkFactory(
        guardian=family.guardian,
        child=child("0108000008", "Trần Văn Còn Nhỏ", datetime.date(2008, 6, 16)),
    )
    return SimpleNamespace(ended=ended, adult_today=adult_today,
                           minor_until_tomorrow=minor_until_tomorrow)
