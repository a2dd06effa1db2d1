"""factory_boy factories for the registry, shared by the whole suite."""
import datetime

import factory
from factory.django import DjangoModelFactory

from registry import models


class ProvinceFactory(DjangoModelFactory):
    class Meta:
        model = models.Province
        django_get_or_create = ("code",)

    code = "01"
    name = "Hà Nội"


class OfficeFactory(DjangoModelFactory):
    class Meta:
        model = models.Office
        django_get_or_create = ("code",)

    province = factory.SubFactory(ProvinceFactory)
    code = factory.Sequence(lambda n: f"001{n % 100:02d}")
    name = factory.Sequence(lambda n: f"BHXH cơ sở số {n}")
    level = models.Office.Level.LOCAL
    receives_declarations = True

    class Params:
        province_office = factory.Trait(
            code="001", name="BHXH TP. Hà Nội", level=models.Office.Level.PROVINCE
        )


class HealthFacilityFactory(DjangoModelFactory):
    class Meta:
        model = models.HealthFacility
        django_get_or_create = ("code",)

    province = factory.SubFactory(ProvinceFactory)
    code = factory.Sequence(lambda n: f"01{n % 1000:03d}")
    name = factory.Sequence(lambda n: f"Trạm Y tế phường số {n}")
    level = models.HealthFacility.Level.COMMUNE
    accepts_registration = True


class InsuredPersonFactory(DjangoModelFactory):
    class Meta:
        model = models.InsuredPerson

    bhxh_code = factory.Sequence(lambda n: f"{100000000 + n:010d}")
    full_name = "Nguyễn Thị Ánh"
    date_of_birth = datetime.date(1990, 5, 17)
    birth_year = 1990
    sex = models.Sex.FEMALE
    id_number = factory.Sequence(lambda n: f"00119{(n % 1000000):07d}")
    address = "Số 12 phố Huế, phường Hai Bà Trưng, Hà Nội"
    province = factory.SubFactory(ProvinceFactory)
    phone = ""
    email = ""

    class Params:
        child = factory.Trait(
            full_name="Trần Minh Khôi",
            date_of_birth=datetime.date(2015, 3, 2),
            birth_year=2015,
            sex=models.Sex.MALE,
            id_number=None,
        )


class HealthInsuranceCardFactory(DjangoModelFactory):
    class Meta:
        model = models.HealthInsuranceCard

    person = factory.SubFactory(InsuredPersonFactory)
    card_number = factory.LazyAttribute(lambda o: o.person.bhxh_code)
    participant_group = "DN"
    benefit_level = 4
    facility = factory.SubFactory(HealthFacilityFactory)
    valid_from = datetime.date(2026, 1, 1)
    valid_to = None
    issue_date = datetime.date(2025, 12, 20)


class ParticipationPeriodFactory(DjangoModelFactory):
    class Meta:
        model = models.ParticipationPeriod

    person = factory.SubFactory(InsuredPersonFactory)
    insurance_type = models.InsuranceType.BHXH
    from_month = datetime.date(2015, 1, 1)
    to_month = datetime.date(2019, 12, 1)
    employer = "Công ty TNHH Sông Hồng"
    job = "Kế toán"
    contribution_salary = 8_500_000
