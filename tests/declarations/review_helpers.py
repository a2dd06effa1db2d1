"""Builders for the staff review tests: offices of two provinces, officers and their
declarations (plain functions, no fixtures)."""
from dataclasses import dataclass

from accounts.models import StaffAssignment, User
from audit.context import AuditContext
from declarations.models import Declaration
from declarations.services.registration import declaration_submit_self_registration
from registry.models import Office
from tests.accounts.factories import UserFactory
from tests.declarations.registration_helpers import registration_data, sample_photos
from tests.registry.factories import InsuredPersonFactory, OfficeFactory, ProvinceFactory

CONTEXT = AuditContext(ip_address="203.0.113.7", channel="admin")


@dataclass
class Offices:
    hanoi: Office  # province office 001
    dongda: Office  # local office of Hà Nội
    badinh: Office  # another local office of Hà Nội
    hcm: Office  # province office 079
    quan1: Office  # local office of TP HCM


def two_provinces() -> Offices:
    hanoi_province = ProvinceFactory(code="01", name="Hà Nội")
    hcm_province = ProvinceFactory(code="79", name="TP Hồ Chí Minh")
    hanoi = OfficeFactory(code="001", name="BHXH TP. Hà Nội", level="province",
                          province=hanoi_province, parent=None)
    hcm = OfficeFactory(code="079", name="BHXH TP. Hồ Chí Minh", level="province",
                        province=hcm_province, parent=None)
    local = {"level": "local"}
    return Offices(
        hanoi=hanoi,
        dongda=OfficeFactory(code="00121", name="BHXH cơ sở Đống Đa", parent=hanoi,
                             province=hanoi_province, **local),
        badinh=OfficeFactory(code="00122", name="BHXH cơ sở Ba Đình", parent=hanoi,
                             province=hanoi_province, **local),
        hcm=hcm,
        quan1=OfficeFactory(code="07901", name="BHXH cơ sở Quận 1", parent=hcm,
                            province=hcm_province, **local),
    )


def officer(office: Office, *, role: str = StaffAssignment.Role.OFFICER, **fields) -> User:
    return UserFactory(staff=True, office=office, office__role=role, **fields)


_phones = iter(range(100000, 999999))


def declaration_for(office: Office, *, email: str = "", **person_fields) -> Declaration:
    person = InsuredPersonFactory(**person_fields)
    data = registration_data(
        person, office, phone=f"0912{next(_phones):06d}", email=email, send_email=bool(email)
    )
    return declaration_submit_self_registration(data=data, photos=sample_photos(),
                                                language="vi")
