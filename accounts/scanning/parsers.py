"""Parsers for the two QR payloads a citizen can scan: the CCCD and the BHYT card.

Formats (see DOMAIN.md):
- CCCD: ``CCCD|old CMND|name|DOB ddMMyyyy|Nam/Nữ|address|issue date ddMMyyyy`` (7 fields),
  or the same without the old CMND (6 fields); newer cards may append fields.
- BHYT: ``|``-separated, ends with ``$``; name/address hex-encoded UTF-8; dates dd/MM/yyyy
  (date of birth sometimes year only); ``-`` means empty; sex 1 = male, 2 = female.
"""
from __future__ import annotations

import binascii
import re
import unicodedata
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

CCCD_NUMBER = re.compile(r"^\d{12}$")
OLD_ID_NUMBER = re.compile(r"^(\d{9}|\d{12})?$")
BHYT_OLD_CARD = re.compile(r"^[A-Z]{2}[1-5]\d{2}(\d{10})$")
BHYT_NEW_CARD = re.compile(r"^\d{10}$")
DDMMYYYY = re.compile(r"^(\d{2})(\d{2})(\d{4})$")
DD_MM_YYYY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
YEAR = re.compile(r"^\d{4}$")
FACILITY = re.compile(r"^(\d{2})\s*-?\s*([0-9A-Z]{3})$")
HEX = re.compile(r"^(?:[0-9A-Fa-f]{2})+$")


class ScanError(ValidationError):
    """A picture or QR payload that cannot be turned into form fields (Vietnamese message)."""


def _clean(value: str) -> str:
    return " ".join(unicodedata.normalize("NFC", value).split())


def _iso(day: str, month: str, year: str) -> str | None:
    try:
        return date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        return None


def _date_ddmmyyyy(value: str) -> str | None:
    match = DDMMYYYY.match(value.strip())
    return _iso(*match.groups()) if match else None


def _cccd_dob(value: str) -> str | None:
    """ddMMyyyy -> ISO date; "0000yyyy" (day and month unknown, older people) -> "yyyy"."""
    value = value.strip()
    iso = _date_ddmmyyyy(value)
    if iso is None and DDMMYYYY.match(value) and value[:4] == "0000":
        return value[4:]
    return iso


def _cccd_sex(value: str) -> str | None:
    folded = unicodedata.normalize("NFC", value).strip().casefold()
    if folded == "nam":
        return "M"
    if folded in ("nữ", "nu"):
        return "F"
    return None


def parse_cccd(text: str) -> dict:
    """Fields of a CCCD QR payload; raises ScanError when it is not one.

    The layout is found from the fields themselves (a date of birth followed by Nam/Nữ),
    so both the 7-field and the 6-field variants parse, with any extra trailing fields.
    """
    parts = [p.strip() for p in text.strip().lstrip("\ufeff").split("|")]
    invalid = ScanError(_("Mã QR CCCD không đúng định dạng."), code="cccd_invalid")
    if len(parts) < 6 or not CCCD_NUMBER.match(parts[0]):
        raise invalid
    # 7-field layout: number|old id|name|dob|sex|address|issued
    if len(parts) >= 7 and OLD_ID_NUMBER.match(parts[1]) and _cccd_dob(parts[3]) \
            and _cccd_sex(parts[4]):
        name, dob, sex, address, issued = parts[2:7]
    # 6-field layout: number|name|dob|sex|address|issued
    elif _cccd_dob(parts[2]) and _cccd_sex(parts[3]):
        name, dob, sex, address, issued = parts[1:6]
    else:
        raise invalid
    full_name = _clean(name)
    if not full_name or any(ch.isdigit() for ch in full_name):
        raise invalid
    fields = {
        "id_number": parts[0],
        "full_name": full_name,
        "date_of_birth": _cccd_dob(dob),
        "sex": _cccd_sex(sex),
        "address": _clean(address),
        "issue_date": _date_ddmmyyyy(issued),
    }
    return {key: value for key, value in fields.items() if value}


def _hex_text(value: str) -> str:
    """A BHYT text field: hex-encoded UTF-8, or (older printers) plain text."""
    value = value.strip()
    if value in ("", "-"):
        return ""
    if HEX.match(value):
        try:
            return _clean(binascii.unhexlify(value).decode("utf-8"))
        except (UnicodeDecodeError, binascii.Error):
            pass
    return _clean(value)


def _bhyt_date(value: str, *, year_only: bool = False) -> str | None:
    value = value.strip()
    match = DD_MM_YYYY.match(value)
    if match:
        return _iso(*match.groups())
    if year_only and YEAR.match(value):
        return value
    return None


def _facility(value: str) -> str | None:
    match = FACILITY.match(value.strip().upper())
    return "".join(match.groups()) if match else None


def parse_bhyt(text: str) -> dict:
    """Fields of a BHYT card QR payload (old 15-char or new 10-digit card); ScanError if not."""
    text = text.strip().lstrip("\ufeff")
    invalid = ScanError(_("Mã QR thẻ BHYT không đúng định dạng."), code="bhyt_invalid")
    if not text.endswith("$"):
        raise invalid
    parts = [p.strip() for p in text[:-1].split("|")]
    if parts and parts[-1] == "":
        parts.pop()  # the usual "...|$" ending
    if len(parts) < 4:
        raise invalid
    card = parts[0].upper()
    old = BHYT_OLD_CARD.match(card)
    if old:
        bhxh_code = old.group(1)
    elif BHYT_NEW_CARD.match(card):
        bhxh_code = card
    else:
        raise invalid
    full_name = _hex_text(parts[1])
    if not full_name or any(ch.isdigit() for ch in full_name):
        raise invalid
    sex = {"1": "M", "2": "F"}.get(parts[3])

    def field(index: int) -> str:
        return parts[index] if len(parts) > index else ""

    fields = {
        "bhxh_code": bhxh_code,
        "card_number": card,
        "full_name": full_name,
        "date_of_birth": _bhyt_date(parts[2], year_only=True),
        "sex": sex,
        "address": _hex_text(field(4)),
        "facility_code": _facility(field(5)),
        "valid_from": _bhyt_date(field(6)),
        "valid_to": _bhyt_date(field(7)),
    }
    return {key: value for key, value in fields.items() if value}
