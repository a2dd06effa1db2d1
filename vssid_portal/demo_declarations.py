"""Pending declarations for the dev setup, so that `make run` shows a working review
queue: filed through the real registration service, with drawn (invented) photos. One of
them was sent a week ago and is overdue; one goes to an office in TP HCM that the demo
officer does not cover."""
import datetime
import io

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from PIL import Image, ImageDraw

from declarations.models import Declaration
from declarations.photos import sanitize_photo
from declarations.services.registration import (
    RegistrationData,
    declaration_submit_self_registration,
)
from registry.models import InsuredPerson

# (BHXH code, receiving office, days ago it was sent)
DEMO_PENDING = (("0126000701", "00106", 7), ("7926000401", "07902", 1))


def _jpeg(draw_on) -> bytes:
    image = Image.new("RGB", (600, 400), (236, 240, 244))
    draw_on(ImageDraw.Draw(image))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def _portrait(draw: ImageDraw.ImageDraw) -> None:
    draw.ellipse((230, 70, 370, 230), fill=(190, 150, 120))
    draw.rounded_rectangle((170, 240, 430, 400), radius=60, fill=(40, 70, 120))


def _id_side(label: str):
    def draw_card(draw: ImageDraw.ImageDraw) -> None:
        draw.rounded_rectangle((40, 40, 560, 360), radius=24, fill=(250, 250, 235),
                               outline=(120, 40, 40), width=6)
        draw.text((70, 70), f"DEMO - {label}", fill=(120, 40, 40))
        for row in range(5):
            draw.rectangle((70, 130 + row * 40, 500, 145 + row * 40), fill=(200, 200, 200))
    return draw_card


def demo_declarations_ensure() -> list[str]:
    """File the demo declarations that do not exist yet (none is filed twice, whatever
    became of it). Returns the numbers filed now."""
    if not settings.DEMO_DATA_ALLOWED:
        raise ImproperlyConfigured("Demo declarations are not allowed with these settings.")
    photos = {
        "portrait": sanitize_photo(_jpeg(_portrait)),
        "id_front": sanitize_photo(_jpeg(_id_side("MAT TRUOC"))),
        "id_back": sanitize_photo(_jpeg(_id_side("MAT SAU"))),
    }
    filed = []
    for code, office_code, days_ago in DEMO_PENDING:
        if Declaration.objects.filter(bhxh_code=code).exists():
            continue
        person = InsuredPerson.objects.filter(bhxh_code=code).first()
        if person is None or person.date_of_birth is None:
            continue
        declaration = declaration_submit_self_registration(
            data=RegistrationData(
                bhxh_code=code, full_name=person.full_name, date_of_birth=person.date_of_birth,
                sex=person.sex, id_type="cccd" if len(person.id_number or "") == 12 else "cmnd",
                id_number=person.id_number or "", address=person.address, phone=person.phone,
                email=person.email, office=office_code, send_email=bool(person.email),
                commitment_accepted=True,
            ),
            photos=photos,
            language="vi",
        )
        if days_ago:
            Declaration.objects.filter(pk=declaration.pk).update(
                submitted_at=timezone.now() - datetime.timedelta(days=days_ago)
            )
        filed.append(declaration.number)
    return filed
