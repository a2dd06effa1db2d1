"""CCCD and BHYT QR payload parsers (no pictures involved)."""
import pytest

from accounts.scanning import ScanError, parse_bhyt, parse_cccd
from accounts.scanning.service import parse_payload, recognise


def hx(text: str) -> str:
    return text.encode("utf-8").hex()


CCCD_7 = "079203001234|025123456|Nguyễn Thị Ánh Tuyết|15082003|Nữ|" \
         "Số 12 Ngõ 34, Phường Đống Đa, Hà Nội|01022021"
CCCD_6 = "001090012345|Trần Văn Đức|01011990|Nam|Xã Đức Phổ, Quảng Ngãi|10102022"
BHYT_OLD = "|".join(["HT4790123456789", hx("Đặng Mạnh Hùng"), "05/06/1985", "1",
                     hx("Phường Bến Nghé, TP Hồ Chí Minh"), "79 - 024", "01/01/2020",
                     "31/12/2020", "01/01/2020", "79024-1234567", "-", "4", "01/01/2025",
                     "0f1e2d3c4b5a6978-abcd", "$"])
BHYT_NEW = "|".join(["0123456789", hx("Lê Thị Hồng Nhung"), "2015", "2", "-", "01 - C54",
                     "01/01/2025", "-", "20/12/2024", "01000-0000001", hx("Lê Văn Nam"), "4",
                     "-", "a1b2c3d4e5f60718-9abc", "4", hx("BHXH TP Hà Nội"), "$"])


def test_cccd_seven_fields():
    assert parse_cccd(CCCD_7) == {
        "id_number": "079203001234",
        "full_name": "Nguyễn Thị Ánh Tuyết",
        "date_of_birth": "2003-08-15",
        "sex": "F",
        "address": "Số 12 Ngõ 34, Phường Đống Đa, Hà Nội",
        "issue_date": "2021-02-01",
    }


def test_cccd_seven_fields_with_empty_old_id():
    fields = parse_cccd("001099012345||Trần Văn Đức|01011999|Nam|Xã Đức Phổ|01012021")
    assert fields["full_name"] == "Trần Văn Đức"
    assert fields["sex"] == "M"
    assert fields["date_of_birth"] == "1999-01-01"


def test_cccd_six_fields():
    fields = parse_cccd(CCCD_6)
    assert fields["id_number"] == "001090012345"
    assert fields["full_name"] == "Trần Văn Đức"
    assert fields["date_of_birth"] == "1990-01-01"
    assert fields["sex"] == "M"
    assert fields["address"] == "Xã Đức Phổ, Quảng Ngãi"
    assert fields["issue_date"] == "2022-10-10"


def test_cccd_unknown_day_and_month_gives_the_year():
    fields = parse_cccd("038050001234||Lê Thị Tư|00001950|Nữ|Thanh Hóa|10102022")
    assert fields["date_of_birth"] == "1950"


@pytest.mark.parametrize("extra", ["|", "|ABC|123", "|\n", "|||"])
def test_cccd_tolerates_extra_trailing_fields(extra):
    assert parse_cccd(CCCD_7 + extra)["full_name"] == "Nguyễn Thị Ánh Tuyết"
    assert parse_cccd(CCCD_6 + extra)["full_name"] == "Trần Văn Đức"


def test_cccd_name_is_nfc_and_spacing_normalised():
    import unicodedata

    decomposed = unicodedata.normalize("NFD", "Nguyễn  Văn   An ")
    fields = parse_cccd(f"001090012345|{decomposed}|01011990|Nam|Hà Nội|10102022")
    assert fields["full_name"] == "Nguyễn Văn An"
    assert unicodedata.is_normalized("NFC", fields["full_name"])


@pytest.mark.parametrize("text", [
    "",
    "hello",
    "12345|Nguyễn Văn An|01011990|Nam|Hà Nội|10102022",  # number too short
    "001090012345|Nguyễn Văn An|32131990|Nam|Hà Nội|10102022",  # no such date
    "001090012345|Nguyễn Văn An|01011990|Khác|Hà Nội|10102022",  # sex
    "001090012345|Nguyễn Văn An|01011990",  # too few fields
])
def test_cccd_rejects_bad_payloads(text):
    with pytest.raises(ScanError) as exc:
        parse_cccd(text)
    assert exc.value.code == "cccd_invalid"
    assert "CCCD" in exc.value.messages[0]


def test_bhyt_old_card():
    assert parse_bhyt(BHYT_OLD) == {
        "bhxh_code": "0123456789",
        "card_number": "HT4790123456789",
        "full_name": "Đặng Mạnh Hùng",
        "date_of_birth": "1985-06-05",
        "sex": "M",
        "address": "Phường Bến Nghé, TP Hồ Chí Minh",
        "facility_code": "79024",
        "valid_from": "2020-01-01",
        "valid_to": "2020-12-31",
    }


def test_bhyt_new_card_year_only_and_dashes():
    fields = parse_bhyt(BHYT_NEW)
    assert fields["bhxh_code"] == "0123456789"
    assert fields["card_number"] == "0123456789"
    assert fields["full_name"] == "Lê Thị Hồng Nhung"
    assert fields["date_of_birth"] == "2015"
    assert fields["sex"] == "F"
    assert fields["facility_code"] == "01C54"
    assert fields["valid_from"] == "2025-01-01"
    assert "valid_to" not in fields  # "-" on new cards
    assert "address" not in fields


def test_bhyt_plain_text_name_is_accepted():
    text = "0123456789|Lê Văn Nam|01/02/1970|1|-|01 - 001|01/01/2025|-|$"
    assert parse_bhyt(text)["full_name"] == "Lê Văn Nam"


@pytest.mark.parametrize("text", [
    BHYT_NEW[:-1],  # no "$"
    "XX0123456789|" + hx("An") + "|2015|1|$",  # bad card number
    "01234567|" + hx("An") + "|2015|1|$",
    "0123456789|-|2015|1|$",  # no name
    "0123456789|" + hx("An") + "|$",  # too few fields
])
def test_bhyt_rejects_bad_payloads(text):
    with pytest.raises(ScanError) as exc:
        parse_bhyt(text)
    assert exc.value.code == "bhyt_invalid"


@pytest.mark.parametrize("text,kind", [
    (CCCD_7, "cccd"), (CCCD_6, "cccd"), (BHYT_OLD, "bhyt"), (BHYT_NEW, "bhyt"),
    ("https://example.com/?q=1", None), ("0123456789", None), ("WIFI:S:x;;", None),
])
def test_recognise(text, kind):
    assert recognise(text) == kind


def test_parse_payload_decodes_utf8_bytes_itself():
    result = parse_payload(CCCD_7.encode("utf-8"))
    assert result.kind == "cccd"
    assert result.fields["full_name"] == "Nguyễn Thị Ánh Tuyết"


@pytest.mark.parametrize("payload", [
    b"https://example.com",
    "079203001234|Đặng".encode("shift_jis", errors="ignore") + b"\xff\xfe",
])
def test_parse_payload_refuses_other_codes(payload):
    with pytest.raises(ScanError) as exc:
        parse_payload(payload)
    assert exc.value.code == "not_a_card"
