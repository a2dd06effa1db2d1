"""Builders for the child-registration tests (plain functions, no fixtures)."""
import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import User
from audit.context import AuditContext
from declarations.models import Declaration
from declarations.services.child_registration import (
    ChildRegistrationData,
    declaration_submit_child_registration,
)
from registry.models import InsuredPerson, Office
from tests.accounts.factories import UserFactory
from tests.declarations.registration_helpers import _photo, jpeg_bytes, receiving_office
from tests.registry.factories import (
    HealthInsuranceCardFactory,
    InsuredPersonFactory,
    ProvinceFactory,
)

WEB = AuditContext(ip_address="203.0.113.9", channel="web")


def child_photos() -> dict:
    photo = _photo()
    return {"portrait": photo, "birth_certificate": photo}


def child_photo_files() -> dict:
    return {kind: SimpleUploadedFile(f"{kind}.jpg", jpeg_bytes(), content_type="image/jpeg")
            for kind in ("portrait", "birth_certificate")}


def family(*, email: str = "", phone: str = "+84983000201") -> tuple[User, Office]:
    """A guardian (a citizen with an account) and the office that receives."""
    if not ProvinceFactory._meta.model.objects.exists():
        ProvinceFactory()
    office = Office.objects.filter(code="00121").first() or receiving_office()
    guardian = UserFactory(
        insured_person=InsuredPersonFactory(full_name="Lê Minh Quân", sex="M",
                                            date_of_birth=datetime.date(1984, 11, 2),
                                            birth_year=1984),
        phone=phone, email=email,
    )
    return guardian, office


def a_child(office: Office | None = None, **fields) -> InsuredPerson:
    values = {"child": True, "full_name": "Lê Minh Đức",
              "date_of_birth": datetime.date(2021, 9, 20), "birth_year": 2021}
    values.update(fields)
    child = InsuredPersonFactory(**values)
    if office is not None:
        HealthInsuranceCardFactory(person=child, issuing_office=office)
    return child


def child_data(child: InsuredPerson, office: Office, /, **overrides) -> ChildRegistrationData:
    values = {"bhxh_code": child.bhxh_code, "full_name": child.full_name,
              "relationship": "father", "office": office.code, "commitment_accepted": True}
    values.update(overrides)
    return ChildRegistrationData(**values)


def submit_child(guardian: User, child: InsuredPerson, office: Office, **overrides
                 ) -> Declaration:
    return declaration_submit_child_registration(
        guardian=guardian, data=child_data(child, office, **overrides),
        photos=child_photos(), language="vi", context=WEB,
    )


def child_step(name: str) -> str:
    return reverse("declarations:child_step", kwargs={"step": name})
