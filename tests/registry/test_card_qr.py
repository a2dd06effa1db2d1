import datetime
import io
import unicodedata

import pytest
import segno
import zxingcpp
from PIL import Image

from registry.card_qr import (
    CardQrError,
    card_qr_check_is_ours,
    card_qr_payload,
    card_qr_svg_data_uri,
    parse_card_qr,
)
from registry.models import Sex
from tests.registry.factories import (
    HealthFacilityFactory,
    HealthInsuranceCardFactory,
    InsuredPersonFactory,
    OfficeFactory,
)

pytestmark = pytest.mark.django_db


def _decode_through_a_real_reader(payload: str) -> str:
    buffer = io.BytesIO()
    segno.make(payload, error="m", micro=False).save(buffer, kind="png", scale=4, border=4)
    buffer.seek(0)
    image = Image.open(buffer)
    results = zxingcpp.read_barcodes(image)
    assert len(results) == 1
    return results[0].bytes.decode("utf-8")


@pytest.fixture
def new_card():
    person = InsuredPersonFactory(
        bhxh_code="0123456789", full_name="Đặng Thị Ngọc Ánh", sex=Sex.FEMALE,
        date_of_birth=datetime.date(1990, 5, 7), address="Số 12 phố Huế, Hà Nội",
    )
    parent = OfficeFactory(code="001", name="BHXH TP. Hà Nội", level="province")
    office = OfficeFactory(code="00105", name="BHXH cơ sở Đống Đa", parent=parent)
    return HealthInsuranceCardFactory(
        person=person, card_number="0123456789", benefit_level=4,
        facility=HealthFacilityFactory(code="01C54", name="Bệnh viện Bạch Mai"),
        valid_from=datetime.date(2026, 1, 1), valid_to=None,
        issue_date=datetime.date(2025, 12, 20), issuing_office=office,
        five_years_from=datetime.date(2030, 1, 1),
    )


def test_new_card_payload_layout(new_card):
    payload = card_qr_payload(new_card)
    fields = payload.split("|")
    assert fields[0] == "0123456789"
    assert fields[1] == "Đặng Thị Ngọc Ánh".encode().hex()
    assert fields[2:9] == ["07/05/1990", "2", "-", "01 - C54", "01/01/2026", "-", "20/12/2025"]
    assert fields[9] == "00105"
    assert fields[10:13] == ["-", "-", "01/01/2030"]
    assert len(fields[13]) == 21 and fields[13][16] == "-"
    int(fields[13].replace("-", ""), 16)
    assert fields[14] == "4"
    assert bytes.fromhex(fields[15]).decode() == "BHXH cơ sở Đống Đa"
    assert fields[16] == "$" and payload.endswith("|$")
    assert payload.isascii()


def test_new_card_round_trips_through_a_real_decoder(new_card):
    payload = card_qr_payload(new_card)
    decoded = _decode_through_a_real_reader(payload)
    assert decoded == payload
    data = parse_card_qr(decoded)
    assert data.card_number == "0123456789"
    assert data.bhxh_code == "0123456789"
    assert data.full_name == "Đặng Thị Ngọc Ánh"
    assert data.date_of_birth == datetime.date(1990, 5, 7)
    assert data.sex == "F"
    assert data.address == ""
    assert data.facility_code == "01C54"
    assert data.valid_from == datetime.date(2026, 1, 1)
    assert data.valid_to is None
    assert data.issue_date == datetime.date(2025, 12, 20)
    assert data.management_code == "00105"
    assert data.five_years_from == datetime.date(2030, 1, 1)
    assert data.benefit_level == 4
    assert data.issuing_place == "BHXH cơ sở Đống Đa"
    assert card_qr_check_is_ours(decoded)


def test_old_card_with_year_only_birth_and_address_round_trips():
    person = InsuredPersonFactory(
        bhxh_code="7912345678",
        full_name=unicodedata.normalize("NFD", "Lò Văn Páo"),
        date_of_birth=None, birth_year=1958, sex=Sex.MALE,
        address="Bản Nà Lừa, xã Chiềng Sinh, Sơn La",
    )
    card = HealthInsuranceCardFactory(
        person=person, card_number="HT3797912345678", participant_group="HT",
        benefit_level=3, valid_from=datetime.date(2020, 1, 1),
        valid_to=datetime.date(2020, 12, 31), issue_date=datetime.date(2019, 12, 1),
        facility=HealthFacilityFactory(code="79024", name="Bệnh viện quận 3"),
    )
    payload = card_qr_payload(card)
    assert payload.endswith("|$") and len(payload.split("|")) == 15
    data = parse_card_qr(_decode_through_a_real_reader(payload))
    assert data.full_name == "Lò Văn Páo"  # stored NFC, read back NFC
    assert unicodedata.is_normalized("NFC", data.full_name)
    assert data.date_of_birth == 1958
    assert data.sex == "M"
    assert data.address == "Bản Nà Lừa, xã Chiềng Sinh, Sơn La"
    assert data.facility_code == "79024"
    assert data.valid_to == datetime.date(2020, 12, 31)
    assert data.management_code == ""
    assert data.five_years_from is None
    assert data.bhxh_code == "7912345678"
    assert data.benefit_level is None


def test_altered_payload_fails_the_portal_check(new_card):
    payload = card_qr_payload(new_card)
    assert card_qr_check_is_ours(payload)
    forged = payload.replace("01/01/2026", "01/01/2016")
    assert not card_qr_check_is_ours(forged)


def test_parses_a_payload_shaped_like_a_real_card():
    name = "Nguyễn Văn An".encode().hex()
    real = (f"DN4010123456789|{name}|15/08/1985|1|{'Hà Nội'.encode().hex()}|01 - 097|"
            "01/01/2024|31/12/2024|15/12/2023|01017|-|4|01/01/2020|ea7d62e3f2b5c1b3-7102|$")
    data = parse_card_qr(real)
    assert data.bhxh_code == "0123456789"
    assert data.full_name == "Nguyễn Văn An"
    assert data.facility_code == "01097"
    assert data.flag == "4"
    assert not card_qr_check_is_ours(real)


@pytest.mark.parametrize(
    "payload",
    ["", "0123456789|abc|$", "no dollar", "0|zz|01/01/1990|1|-|-|-|-|-|-|-|-|-|x|$",
     "0|-|32/13/1990|1|-|-|-|-|-|-|-|-|-|x|$", "0|-|1990|3|-|-|-|-|-|-|-|-|-|x|$"],
)
def test_rejects_what_is_not_a_card_payload(payload):
    with pytest.raises(CardQrError):
        parse_card_qr(payload)


def test_svg_data_uri_is_self_contained(new_card):
    uri = card_qr_svg_data_uri(card_qr_payload(new_card))
    assert uri.startswith("data:image/svg+xml")
    assert "http://" not in uri.split("xmlns", 1)[0]


def test_the_png_of_a_card_is_drawn_once_per_process(new_card, monkeypatch):
    """segno chooses among 8 masks in pure Python (~15 ms): a card's QR is kept."""
    import base64

    from registry import card_qr

    card_qr.card_qr_png_data_uri.cache_clear()
    drawn = []
    real_make = segno.make
    monkeypatch.setattr(card_qr.segno, "make", lambda *a, **k: (drawn.append(a[0]),
                                                                 real_make(*a, **k))[1])
    payload = card_qr_payload(new_card)
    first = card_qr.card_qr_png_data_uri(payload)
    assert card_qr.card_qr_png_data_uri(payload) == first
    assert drawn == [payload]
    png = base64.b64decode(first.split(",", 1)[1])
    assert zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))[0].text == payload
    card_qr.card_qr_png_data_uri(payload + "x")
    assert len(drawn) == 2
