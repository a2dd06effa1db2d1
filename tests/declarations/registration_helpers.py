"""Shared builders for the registration tests (plain functions, no fixtures, so that they
never clash with the fixtures of other test packages)."""
import datetime
import io
from functools import cache

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from declarations.photos import SanitizedPhoto, sanitize_photo
from declarations.services.registration import RegistrationData
from registry.models import Office
from tests.registry.factories import InsuredPersonFactory, OfficeFactory, ProvinceFactory

# A CCCD agreeing with InsuredPersonFactory's default person (woman, born 17/05/1990).
CCCD_FOR_1990_WOMAN = "001190123456"


def jpeg_bytes(size: tuple[int, int] = (640, 480), color: tuple = (120, 160, 200)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "JPEG", quality=90)
    return out.getvalue()


def png_bytes(size: tuple[int, int] = (400, 300)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (10, 200, 30)).save(out, "PNG")
    return out.getvalue()


@cache
def _photo() -> SanitizedPhoto:
    return sanitize_photo(jpeg_bytes())


def sample_photos() -> dict[str, SanitizedPhoto]:
    photo = _photo()
    return {"portrait": photo, "id_front": photo, "id_back": photo}


def receiving_office() -> Office:
    province_office = OfficeFactory(province_office=True)
    return OfficeFactory(
        code="00121", name="BHXH cơ sở Đống Đa", parent=province_office,
        province=province_office.province,
    )


def registration_data(person, office: Office, /, **overrides) -> RegistrationData:
    values = {
        "bhxh_code": person.bhxh_code,
        "full_name": person.full_name,
        "date_of_birth": person.date_of_birth or datetime.date(person.birth_year, 6, 1),
        "sex": person.sex,
        "id_type": "cccd",
        "id_number": CCCD_FOR_1990_WOMAN,
        "address": "Số 12 phố Huế, Hà Nội",
        "phone": "0912 345 678",
        "email": "",
        "office": office.code,
        "send_email": False,
    }
    values.update(overrides)
    return RegistrationData(**values)


def person_and_office(**person_fields):
    ProvinceFactory()
    person = InsuredPersonFactory(**person_fields)
    return person, receiving_office()


def step(name: str) -> str:
    """The URL of a step of the web registration form."""
    return reverse("declarations:register_step", kwargs={"step": name})


def personal_post(person, **overrides) -> dict:
    """A valid step-1 POST for `person`; an override of None leaves that field out."""
    data = {
        "bhxh_code": person.bhxh_code,
        "full_name": person.full_name,
        "date_of_birth": person.date_of_birth.isoformat(),
        "sex": person.sex,
        "id_type": "cccd",
        "id_number": CCCD_FOR_1990_WOMAN,
        "address": "Số 12 phố Huế, Hà Nội",
        "phone": "0912 345 678",
        "action": "next",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def photo_files() -> dict:
    """The three photos of step 2 as uploads."""
    return {
        kind: SimpleUploadedFile(f"{kind}.jpg", jpeg_bytes(), content_type="image/jpeg")
        for kind in ("portrait", "id_front", "id_back")
    }
