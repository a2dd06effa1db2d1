"""Declarations for pipeline tests and benchmarks: built from the registry factories and
Declaration.objects.create (independent of the registration service)."""
import datetime
import io
import itertools

from django.core.files.base import ContentFile
from PIL import Image, ImageDraw

from declarations.models import Attachment, Declaration
from tests.registry.factories import InsuredPersonFactory, OfficeFactory, ProvinceFactory

_numbers = itertools.count(1)


def portrait_jpeg(width: int = 300, height: int = 400) -> bytes:
    image = Image.new("RGB", (width, height), (214, 226, 240))
    draw = ImageDraw.Draw(image)
    draw.ellipse((width * 0.25, height * 0.12, width * 0.75, height * 0.55), fill=(230, 190, 160))
    draw.rectangle((width * 0.15, height * 0.6, width * 0.85, height), fill=(40, 60, 120))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def make_declaration(
    *,
    kind: str = Declaration.Kind.SELF_REGISTRATION,
    language: str = "vi",
    portrait: bytes | None = None,
    with_portrait: bool = True,
    submitted_by=None,
    **fields,
) -> Declaration:
    province = ProvinceFactory(code="01", name="Hà Nội")
    office = fields.pop("office", None) or OfficeFactory(
        code="00103", name="BHXH cơ sở Đống Đa", province=province
    )
    person = fields.pop("insured_person", None) or InsuredPersonFactory(
        **({"child": True} if kind == Declaration.Kind.CHILD_REGISTRATION else {})
    )
    n = next(_numbers)
    values = {
        "number": f"2026-{n:06d}",
        "kind": kind,
        "office": office,
        "language": language,
        "insured_person": person,
        "submitted_by": submitted_by,
        "bhxh_code": person.bhxh_code,
        "full_name": person.full_name,
        "date_of_birth": person.date_of_birth or datetime.date(1990, 5, 17),
        "sex": person.sex,
        "id_type": Declaration.IdType.CCCD if person.id_number else "",
        "id_number": person.id_number or "",
        "address": person.address or "Số 12 phố Huế, phường Hai Bà Trưng, Hà Nội",
        "phone": "+84912345678",
        "email": "nguyen.anh@example.vn",
        "send_email": True,
        "commitment_accepted": True,
    }
    values.update(fields)
    declaration = Declaration.objects.create(**values)
    if with_portrait:
        attachment = Attachment(
            declaration=declaration, kind=Attachment.Kind.PORTRAIT, content_type="image/jpeg"
        )
        attachment.file.save("portrait.jpg", ContentFile(portrait or portrait_jpeg()), save=True)
    return declaration
