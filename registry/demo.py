"""Reference data shipped with the project (registry/data/*.csv) and invented demo people.

Every person here is invented. Names carry full Vietnamese diacritics; CCCD numbers agree
with the birth date and sex (DOMAIN.md); SMS and e-mail addresses are on example domains.

The person kept without an account, to try self-registration (DEMO_UNREGISTERED_CODE):

    Mã số BHXH    0126000301
    Họ và tên     Phạm Quốc Huy
    Ngày sinh     25/07/1992, Nam
    Số CCCD       001092004567
    Địa chỉ       Số 18 ngõ 102 Trường Chinh, phường Kim Liên, Hà Nội
    Tỉnh          01 Hà Nội (BHXH code look-up: "pham quoc huy", 25/07/1992, Hà Nội)
    Thẻ BHYT      0126000301, nơi KCB 01005 (Bệnh viện Thanh Nhàn)
"""
from __future__ import annotations

import csv
import datetime
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from registry.models import (
    HealthFacility,
    HealthInsuranceCard,
    InsuranceType,
    InsuredPerson,
    Office,
    ParticipationPeriod,
    Province,
    Sex,
)

DATA_DIR = Path(__file__).resolve().parent / "data"

DEMO_CITIZEN_CODE = "0126000101"
DEMO_GUARDIAN_CODE = "0126000201"
DEMO_CHILD_CODES = ("0126000202", "0126000203")
DEMO_UNREGISTERED_CODE = "0126000301"
# BHXH cơ sở Đống Đa (Hà Nội): receives the demo declarations; the demo staff officer works there.
DEMO_STAFF_OFFICE_CODE = "00106"

# The separate funds started later than BHXH/BHYT: unemployment insurance on 1/1/2009,
# the accident/occupational-disease fund as its own contribution on 1/7/2016.
_FUND_START = {
    InsuranceType.BHXH: datetime.date(1995, 1, 1),
    InsuranceType.BHYT: datetime.date(1993, 1, 1),
    InsuranceType.BHTN: datetime.date(2009, 1, 1),
    InsuranceType.BHTNLD_BNN: datetime.date(2016, 7, 1),
}


# --- Reference data ---------------------------------------------------------------------

def _read_csv(name: str) -> list[dict[str, str]]:
    with (DATA_DIR / name).open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _truthy(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "có", "x"}


@transaction.atomic
def load_reference_data() -> dict[str, int]:
    """Upsert the 34 provinces, the BHXH offices and the health facilities shipped in
    registry/data/. Idempotent: rows are matched by code; rows edited in the admin are
    overwritten with the shipped values, rows added in the admin are left alone."""
    provinces = [Province(code=row["code"], name=row["name"]) for row in _read_csv("provinces.csv")]
    Province.objects.bulk_create(
        provinces, update_conflicts=True, unique_fields=["code"],
        update_fields=["name", "name_folded"],
    )
    province_ids = dict(Province.objects.values_list("code", "id"))

    office_rows = _read_csv("offices.csv")
    order = {"central": 0, "province": 1, "local": 2}
    for level in sorted(order, key=order.get):
        office_ids = dict(Office.objects.values_list("code", "id"))
        Office.objects.bulk_create(
            [
                Office(
                    code=row["code"], name=row["name"], level=level,
                    parent_id=office_ids.get(row["parent_code"]),
                    province_id=province_ids.get(row["province_code"]),
                    address=row["address"], phone=row["phone"],
                    receives_declarations=_truthy(row["receives_declarations"]),
                    is_active=True,
                )
                for row in office_rows
                if row["level"] == level
            ],
            update_conflicts=True, unique_fields=["code"],
            update_fields=["name", "name_folded", "level", "parent", "province", "address",
                           "phone", "receives_declarations", "is_active"],
        )

    facility_rows = _read_csv("facilities.csv")
    HealthFacility.objects.bulk_create(
        [
            HealthFacility(
                code=row["code"], name=row["name"], level=row["level"],
                province_id=province_ids[row["province_code"]], address=row["address"],
                accepts_registration=_truthy(row["accepts_registration"]),
            )
            for row in facility_rows
        ],
        update_conflicts=True, unique_fields=["code"],
        update_fields=["name", "name_folded", "level", "province", "address",
                       "accepts_registration"],
    )
    return {
        "provinces": len(provinces),
        "offices": len(office_rows),
        "facilities": len(facility_rows),
    }


# --- Demo people ------------------------------------------------------------------------

def cccd_number(*, birth_province: str, date_of_birth: datetime.date | int, sex: str,
                serial: int) -> str:
    """A 12-digit CCCD whose digits agree with the birth year and sex: 3-digit province of
    birth registration, century/sex digit (0/1 = male/female 1900s, 2/3 = 2000s ...),
    2-digit year, 6 digits."""
    year = date_of_birth if isinstance(date_of_birth, int) else date_of_birth.year
    century_sex = (year // 100 - 19) * 2 + (1 if sex == Sex.FEMALE else 0)
    return f"{birth_province}{century_sex}{year % 100:02d}{serial:06d}"


@dataclass
class Job:
    employer: str
    job: str
    from_month: datetime.date
    to_month: datetime.date | None
    salary: int


@dataclass
class DemoCard:
    card_number: str
    participant_group: str
    benefit_level: int
    facility_code: str
    valid_from: datetime.date
    valid_to: datetime.date | None
    issue_date: datetime.date
    office_code: str
    five_years_from: datetime.date | None = None


@dataclass
class DemoPerson:
    bhxh_code: str
    full_name: str
    sex: str
    date_of_birth: datetime.date | None
    birth_year: int
    id_number: str | None
    address: str
    province_code: str
    office_code: str
    cards: list[DemoCard]
    phone: str = ""
    email: str = ""
    jobs: list[Job] = field(default_factory=list)
    # Months with only BHYT (e.g. a student or household card), no employer.
    bhyt_only: list[tuple[datetime.date, datetime.date | None]] = field(default_factory=list)


D = datetime.date


def _people() -> list[DemoPerson]:
    return [
        DemoPerson(
            bhxh_code=DEMO_CITIZEN_CODE, full_name="Trần Thị Thu Hà", sex=Sex.FEMALE,
            date_of_birth=D(1988, 3, 14), birth_year=1988,
            id_number=cccd_number(birth_province="001", date_of_birth=1988, sex=Sex.FEMALE,
                                  serial=10357),
            address="Số 25 ngõ 68 Chùa Láng, phường Láng, Hà Nội", province_code="01",
            office_code=DEMO_STAFF_OFFICE_CODE, phone="+84912000101",
            email="thuha.tran@example.com",
            jobs=[
                Job("Công ty TNHH Thương mại Hoàng Long", "Nhân viên kinh doanh",
                    D(2010, 7, 1), D(2013, 12, 1), 3_200_000),
                Job("Công ty Cổ phần Xây dựng Sông Đà 9", "Kế toán viên",
                    D(2014, 4, 1), D(2019, 6, 1), 6_800_000),
                Job("Ngân hàng TMCP Kỹ Thương Việt Nam - Chi nhánh Đống Đa",
                    "Chuyên viên kế toán", D(2019, 9, 1), None, 14_500_000),
            ],
            bhyt_only=[(D(2006, 9, 1), D(2010, 6, 1))],
            cards=[
                DemoCard(f"DN401{DEMO_CITIZEN_CODE}", "DN", 4, "01004",
                         D(2020, 1, 1), D(2020, 12, 31), D(2019, 12, 20), "00106"),
                DemoCard(DEMO_CITIZEN_CODE, "DN", 4, "01004", D(2021, 4, 1), None,
                         D(2021, 3, 25), "00106", five_years_from=D(2024, 9, 1)),
            ],
        ),
        DemoPerson(
            bhxh_code=DEMO_GUARDIAN_CODE, full_name="Lê Minh Quân", sex=Sex.MALE,
            date_of_birth=D(1984, 11, 2), birth_year=1984,
            id_number=cccd_number(birth_province="038", date_of_birth=1984, sex=Sex.MALE,
                                  serial=207719),
            address="Số 7 phố Tôn Thất Tùng, phường Kim Liên, Hà Nội", province_code="01",
            office_code=DEMO_STAFF_OFFICE_CODE, phone="+84983000201",
            email="quan.leminh@example.com",
            jobs=[
                Job("Công ty Cổ phần FPT", "Kỹ sư phần mềm", D(2007, 8, 1), D(2015, 2, 1),
                    9_000_000),
                Job("Công ty TNHH Phần mềm Sao Bắc", "Trưởng nhóm phát triển",
                    D(2015, 3, 1), None, 21_000_000),
            ],
            cards=[DemoCard(DEMO_GUARDIAN_CODE, "DN", 4, "01003", D(2026, 1, 1), None,
                            D(2025, 12, 15), "00106", five_years_from=D(2012, 8, 1))],
        ),
        DemoPerson(
            bhxh_code=DEMO_CHILD_CODES[0], full_name="Lê Bảo Ngọc", sex=Sex.FEMALE,
            date_of_birth=D(2014, 6, 1), birth_year=2014, id_number=None,
            address="Số 7 phố Tôn Thất Tùng, phường Kim Liên, Hà Nội", province_code="01",
            office_code=DEMO_STAFF_OFFICE_CODE,
            bhyt_only=[(D(2014, 6, 1), None)],
            cards=[DemoCard(f"HS401{DEMO_CHILD_CODES[0]}", "HS", 4, "01C11",
                            D(2025, 9, 1), D(2026, 12, 31), D(2025, 8, 20), "00106")],
        ),
        DemoPerson(
            bhxh_code=DEMO_CHILD_CODES[1], full_name="Lê Minh Đức", sex=Sex.MALE,
            date_of_birth=D(2021, 9, 20), birth_year=2021, id_number=None,
            address="Số 7 phố Tôn Thất Tùng, phường Kim Liên, Hà Nội", province_code="01",
            office_code=DEMO_STAFF_OFFICE_CODE,
            bhyt_only=[(D(2021, 9, 1), None)],
            cards=[DemoCard(f"TE101{DEMO_CHILD_CODES[1]}", "TE", 1, "01C11",
                            D(2021, 9, 20), D(2027, 9, 19), D(2021, 10, 5), "00106")],
        ),
        DemoPerson(
            bhxh_code=DEMO_UNREGISTERED_CODE, full_name="Phạm Quốc Huy", sex=Sex.MALE,
            date_of_birth=D(1992, 7, 25), birth_year=1992, id_number="001092004567",
            address="Số 18 ngõ 102 Trường Chinh, phường Kim Liên, Hà Nội",
            province_code="01", office_code=DEMO_STAFF_OFFICE_CODE,
            jobs=[Job("Công ty TNHH Điện tử Samsung Display Việt Nam", "Kỹ thuật viên",
                      D(2014, 3, 1), D(2018, 10, 1), 5_600_000),
                  Job("Công ty Cổ phần Vận tải Hà Sơn", "Lái xe", D(2019, 5, 1), None,
                      7_200_000)],
            cards=[DemoCard(DEMO_UNREGISTERED_CODE, "DN", 4, "01005", D(2026, 1, 1), None,
                            D(2025, 12, 18), "00106")],
        ),
        DemoPerson(
            bhxh_code="7926000401", full_name="Hoàng Văn Thắng", sex=Sex.MALE,
            date_of_birth=D(1968, 5, 19), birth_year=1968, id_number="023456781",
            address="123/4 Lê Văn Sỹ, phường Nhiêu Lộc, TP Hồ Chí Minh", province_code="79",
            office_code="07902", phone="+84903000401",
            jobs=[
                Job("Xí nghiệp May Việt Tiến", "Công nhân cắt", D(1992, 1, 1), D(1997, 6, 1),
                    450_000),
                Job("Công ty Cổ phần Cơ khí Sài Gòn", "Thợ tiện", D(1998, 3, 1),
                    D(2006, 12, 1), 1_350_000),
                Job("Công ty TNHH Cảng Sài Gòn", "Tổ trưởng bốc xếp", D(2007, 5, 1),
                    D(2016, 8, 1), 5_100_000),
                Job("Tổng công ty Tân Cảng Sài Gòn", "Giám sát kho bãi", D(2017, 1, 1),
                    None, 11_800_000),
            ],
            cards=[DemoCard("DN4797926000401", "DN", 4, "79005", D(2026, 1, 1),
                            D(2026, 12, 31), D(2025, 12, 10), "07902",
                            five_years_from=D(2003, 1, 1))],
        ),
        DemoPerson(
            bhxh_code="7926000402", full_name="Đặng Thị Mỹ Duyên", sex=Sex.FEMALE,
            date_of_birth=D(2001, 12, 30), birth_year=2001,
            id_number=cccd_number(birth_province="079", date_of_birth=2001, sex=Sex.FEMALE,
                                  serial=481126),
            address="45 Nguyễn Thị Minh Khai, phường Bến Thành, TP Hồ Chí Minh",
            province_code="79", office_code="07901", email="myduyen.dang@example.com",
            bhyt_only=[(D(2019, 10, 1), D(2023, 6, 1))],
            jobs=[Job("Công ty TNHH Giải pháp Số Phương Nam", "Nhân viên thiết kế",
                      D(2023, 8, 1), None, 8_200_000)],
            cards=[DemoCard("7926000402", "DN", 4, "79C00", D(2026, 1, 1), None,
                            D(2025, 12, 28), "07901")],
        ),
        DemoPerson(
            bhxh_code="4026000501", full_name="Bùi Văn Tư", sex=Sex.MALE,
            date_of_birth=None, birth_year=1948, id_number="181234567",
            address="Xóm 5, xã Diễn Châu, Nghệ An", province_code="40", office_code="04003",
            jobs=[Job("Hợp tác xã Vận tải Diễn Châu", "Xã viên", D(1995, 1, 1),
                      D(2008, 2, 1), 900_000)],
            cards=[DemoCard("HT2404026000501", "HT", 2, "40032",
                            D(2026, 1, 1), D(2026, 12, 31), D(2025, 12, 5), "04003")],
        ),
        DemoPerson(
            bhxh_code="4826000601", full_name="Võ Thị Hồng Nhung", sex=Sex.FEMALE,
            date_of_birth=D(1995, 2, 8), birth_year=1995,
            id_number=cccd_number(birth_province="049", date_of_birth=1995, sex=Sex.FEMALE,
                                  serial=90412),
            address="K12/5 Hoàng Diệu, phường Hải Châu, Đà Nẵng", province_code="48",
            office_code="04801", email="hongnhung.vo@example.com",
            jobs=[
                Job("Khách sạn Biển Xanh Đà Nẵng", "Lễ tân", D(2017, 6, 1), D(2020, 3, 1),
                    4_300_000),
                Job("Công ty Cổ phần Du lịch Hội An", "Hướng dẫn viên", D(2021, 5, 1),
                    D(2024, 12, 1), 6_000_000),
            ],
            cards=[DemoCard("GD4484826000601", "GD", 4, "48C00",
                            D(2026, 1, 1), D(2026, 12, 31), D(2025, 12, 22), "04801")],
        ),
        DemoPerson(
            bhxh_code="0126000701", full_name="Nguyễn Đức Mạnh", sex=Sex.MALE,
            date_of_birth=D(1976, 10, 10), birth_year=1976,
            id_number=cccd_number(birth_province="034", date_of_birth=1976, sex=Sex.MALE,
                                  serial=611204),
            address="Số 3 ngõ 45 Hào Nam, phường Ô Chợ Dừa, Hà Nội", province_code="01",
            office_code=DEMO_STAFF_OFFICE_CODE, phone="+84978000701",
            jobs=[
                Job("Nhà máy Cơ khí Trần Hưng Đạo", "Thợ hàn", D(1996, 4, 1), D(2002, 9, 1),
                    700_000),
                Job("Tổng công ty Viglacera", "Tổ trưởng sản xuất", D(2003, 1, 1),
                    D(2011, 11, 1), 3_900_000),
                Job("Công ty Cổ phần Thép Việt Ý", "Quản đốc phân xưởng", D(2012, 6, 1),
                    D(2022, 3, 1), 12_000_000),
                Job("Công ty TNHH Kết cấu thép Đông Anh", "Phó giám đốc kỹ thuật",
                    D(2022, 10, 1), None, 18_500_000),
            ],
            cards=[DemoCard("0126000701", "DN", 4, "01C09", D(2026, 1, 1), None,
                            D(2025, 12, 12), "00106", five_years_from=D(2001, 4, 1))],
        ),
    ]


def _clip(start: datetime.date, end: datetime.date | None, insurance_type: str):
    fund_start = _FUND_START[insurance_type]
    if end is not None and end < fund_start:
        return None
    return max(start, fund_start), end


@transaction.atomic
def load_demo_people() -> list[str]:
    """Create or refresh the invented demo people with their cards and participation
    periods. Idempotent: persons and cards are matched by code/number; each demo person's
    periods are replaced. Loads the reference data first when it is missing."""
    people = _people()
    needed = {card.facility_code for person in people for card in person.cards}
    if HealthFacility.objects.filter(code__in=needed).count() < len(needed):
        load_reference_data()
    provinces = dict(Province.objects.values_list("code", "id"))
    offices = {office.code: office for office in Office.objects.all()}
    facilities = {f.code: f for f in HealthFacility.objects.filter(code__in=needed)}
    for demo in people:
        person, _ = InsuredPerson.objects.update_or_create(
            bhxh_code=demo.bhxh_code,
            defaults={
                "full_name": demo.full_name, "sex": demo.sex,
                "date_of_birth": demo.date_of_birth, "birth_year": demo.birth_year,
                "id_number": demo.id_number, "address": demo.address,
                "province_id": provinces[demo.province_code],
                "office": offices[demo.office_code], "phone": demo.phone, "email": demo.email,
            },
        )
        for card in demo.cards:
            HealthInsuranceCard.objects.update_or_create(
                card_number=card.card_number,
                defaults={
                    "person": person, "participant_group": card.participant_group,
                    "benefit_level": card.benefit_level,
                    "facility": facilities[card.facility_code],
                    "valid_from": card.valid_from, "valid_to": card.valid_to,
                    "issue_date": card.issue_date,
                    "issuing_office": offices[card.office_code],
                    "five_years_from": card.five_years_from,
                },
            )
        ParticipationPeriod.objects.filter(person=person).delete()
        periods = []
        for job in demo.jobs:
            for insurance_type in InsuranceType:
                clipped = _clip(job.from_month, job.to_month, insurance_type)
                if clipped:
                    periods.append(ParticipationPeriod(
                        person=person, insurance_type=insurance_type, from_month=clipped[0],
                        to_month=clipped[1], employer=job.employer, job=job.job,
                        contribution_salary=job.salary,
                    ))
        for start, end in demo.bhyt_only:
            periods.append(ParticipationPeriod(
                person=person, insurance_type=InsuranceType.BHYT, from_month=start,
                to_month=end, employer="", job="", contribution_salary=0,
            ))
        ParticipationPeriod.objects.bulk_create(periods)
    return [demo.bhxh_code for demo in people]
