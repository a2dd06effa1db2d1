"""The QR code of the digital BHYT card, in the layout printed on real cards (DOMAIN.md).

Fields, `|`-separated:
 0 card number (15-char old format or 10-digit new)
 1 full name, hex of the UTF-8 bytes
 2 date of birth dd/MM/yyyy, or yyyy when only the year is on record
 3 sex: 1 Nam, 2 Nữ
 4 address, hex UTF-8 (old cards); "-" on new 10-digit cards, as BHXH prints them
 5 first-contact health facility, printed "01 - C54"
 6 valid from, 7 valid to ("-" when open), 8 issue date (dd/MM/yyyy)
 9 management code: its meaning is not published; we put the issuing office's code
   ("-" when unknown)
10 parent's name, hex UTF-8: the registry keeps no parents' names, so always "-"
11 flag: meaning unpublished, always "-"
12 date of 5 continuous years ("-" when none)
13 check string "16 hex-4 hex". BHXH's check string is computed with a secret we do not
   have and cannot be reproduced. We put an HMAC-SHA256 of fields 0-12 keyed with the
   portal's SECRET_KEY in the same shape, so the portal (not BHXH) can tell its own codes
   from altered ones (`card_qr_check_is_ours`). A BHXH reader will not accept it as theirs.
14.. new cards: benefit level, issuing place (hex UTF-8), then "$"; old cards: "$".
Empty values are "-". The payload is plain ASCII, so the QR needs no character-set marker.
"""
from __future__ import annotations

import datetime
import functools
import hmac
from dataclasses import dataclass

import segno
from django.utils.crypto import salted_hmac

from registry.models import HealthInsuranceCard

EMPTY = "-"
END = "$"
_HMAC_SALT = "registry.card_qr.check"
# Bytes a version-40 QR holds at error level M. A 300-character address of 3-byte letters
# is 1,800 hex digits: with a long name the payload would not fit, so the address (which
# new cards leave out anyway) is then left out.
QR_MAX_BYTES = 2331


class CardQrError(ValueError):
    """The text is not a BHYT card QR payload."""


@dataclass(frozen=True)
class CardQrData:
    card_number: str
    full_name: str
    date_of_birth: datetime.date | int
    sex: str  # "M" / "F"
    address: str
    facility_code: str  # "01C54"
    valid_from: datetime.date | None
    valid_to: datetime.date | None
    issue_date: datetime.date | None
    management_code: str
    parent_name: str
    flag: str
    five_years_from: datetime.date | None
    check: str
    benefit_level: int | None = None
    issuing_place: str = ""

    @property
    def bhxh_code(self) -> str:
        return self.card_number[-10:]


def _hex(text: str) -> str:
    return text.encode("utf-8").hex() if text else EMPTY


def _unhex(value: str) -> str:
    if value == EMPTY:
        return ""
    try:
        return bytes.fromhex(value).decode("utf-8")
    except ValueError as error:
        raise CardQrError(f"bad hex text field: {error}") from None


def _date(value: datetime.date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else EMPTY


def _parse_date(value: str) -> datetime.date | None:
    if value == EMPTY:
        return None
    try:
        return datetime.datetime.strptime(value, "%d/%m/%Y").date()
    except ValueError:
        raise CardQrError(f"bad date {value!r}") from None


def _check(fields: list[str]) -> str:
    digest = salted_hmac(_HMAC_SALT, "|".join(fields), algorithm="sha256").hexdigest()
    return f"{digest[:16]}-{digest[16:20]}"


def is_new_card_number(card_number: str) -> bool:
    return len(card_number) == 10


def card_qr_payload(card: HealthInsuranceCard) -> str:
    """The text to put in the QR of `card` (its person, facility and issuing office are
    read, so select_related them)."""
    new_card = is_new_card_number(card.card_number)
    payload = _payload(card, address=EMPTY if new_card else _hex(card.person.address))
    if len(payload) > QR_MAX_BYTES:
        payload = _payload(card, address=EMPTY)
    return payload


def _payload(card: HealthInsuranceCard, *, address: str) -> str:
    person = card.person
    if person.date_of_birth:
        birth = _date(person.date_of_birth)
    else:
        birth = str(person.birth_year)
    fields = [
        card.card_number,
        _hex(person.full_name),
        birth,
        "1" if person.sex == "M" else "2",
        address,
        card.facility.printed_code,
        _date(card.valid_from),
        _date(card.valid_to),
        _date(card.issue_date),
        card.issuing_office.code if card.issuing_office_id else EMPTY,
        EMPTY,
        EMPTY,
        _date(card.five_years_from),
    ]
    fields.append(_check(fields))
    if is_new_card_number(card.card_number):
        office_name = card.issuing_office.name if card.issuing_office_id else ""
        fields += [str(card.benefit_level), _hex(office_name)]
    fields.append(END)
    return "|".join(fields)


def parse_card_qr(payload: str) -> CardQrData:
    """Read a BHYT card QR payload (ours or a real card's) back into fields."""
    text = (payload or "").strip()
    if not text.endswith(END):
        raise CardQrError("a BHYT card payload ends with '$'")
    fields = text.split("|")
    if fields[-1] != END:
        raise CardQrError("the final '$' must be a field of its own")
    fields = fields[:-1]
    if len(fields) < 14:
        raise CardQrError(f"expected at least 14 fields, found {len(fields)}")
    birth_text = fields[2]
    if len(birth_text) == 4 and birth_text.isdigit():
        birth: datetime.date | int = int(birth_text)
    else:
        birth = _parse_date(birth_text)
        if birth is None:
            raise CardQrError("the date of birth is missing")
    if fields[3] not in ("1", "2"):
        raise CardQrError(f"bad sex {fields[3]!r}")
    facility = fields[5].replace(" ", "").replace("-", "")
    benefit_level = None
    issuing_place = ""
    if len(fields) >= 16:
        benefit_level = int(fields[14]) if fields[14].isdigit() else None
        issuing_place = _unhex(fields[15])
    return CardQrData(
        card_number=fields[0],
        full_name=_unhex(fields[1]),
        date_of_birth=birth,
        sex="M" if fields[3] == "1" else "F",
        address=_unhex(fields[4]),
        facility_code="" if fields[5] == EMPTY else facility,
        valid_from=_parse_date(fields[6]),
        valid_to=_parse_date(fields[7]),
        issue_date=_parse_date(fields[8]),
        management_code="" if fields[9] == EMPTY else fields[9],
        parent_name=_unhex(fields[10]),
        flag="" if fields[11] == EMPTY else fields[11],
        five_years_from=_parse_date(fields[12]),
        check=fields[13],
        benefit_level=benefit_level,
        issuing_place=issuing_place,
    )


def card_qr_check_is_ours(payload: str) -> bool:
    """True when field 13 is the portal's HMAC of fields 0-12 (see the module docstring)."""
    fields = (payload or "").split("|")
    if len(fields) < 15:
        return False
    return hmac.compare_digest(_check(fields[:13]), fields[13])


def card_qr_svg_data_uri(payload: str) -> str:
    """The QR as an SVG data: URI, for an <img> (no external resource, CSP-friendly)."""
    qr = segno.make(payload, error="m", micro=False)
    return qr.svg_data_uri(scale=4, border=4, dark="#000", light="#fff")


# segno picks the best of 8 masks in pure Python: 15-20 ms of CPU per QR, 80 % of the card
# page. A card's payload changes only with the card, so each process keeps the
# images of the last cards it drew (a few KB each; in the process's memory only, never in a
# shared cache).
@functools.lru_cache(maxsize=256)
def card_qr_png_data_uri(payload: str, *, scale: int = 5) -> str:
    """The QR as a PNG data: URI: crisp enough for a phone camera on any screen."""
    qr = segno.make(payload, error="m", micro=False)
    return qr.png_data_uri(scale=scale, border=4, dark="#000", light="#fff")
