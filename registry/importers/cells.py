"""Parsers for single CSV cells of people and cards: each returns the clean value or raises
RowError with a Vietnamese reason."""
from __future__ import annotations

import datetime
import re
from functools import lru_cache

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from registry.identity import cccd_agrees
from registry.importers.base import RowError
from registry.models import Sex
from registry.text import fold

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_YEAR = re.compile(r"^\d{4}$")
_DIGITS_JUNK = re.compile(r"[\s.\-]")
_PHONE_JUNK = re.compile(r"[\s.\-()]")
_NAME_OK = re.compile(r"^[^\W\d_]+(?:[ '\-.][^\W\d_]+)*\.?$")
_SEXES = {"nam": Sex.MALE, "m": Sex.MALE, "male": Sex.MALE,
          "nu": Sex.FEMALE, "f": Sex.FEMALE, "female": Sex.FEMALE}
_email_validator = EmailValidator()
MIN_YEAR = 1900


def date_value(value: str, *, label: str, allow_year: bool = False,
               required: bool = True) -> datetime.date | int | None:
    """YYYY-MM-DD or dd/mm/yyyy (also dd-mm-yyyy, dd.mm.yyyy); YYYY alone if allowed."""
    raw = value.strip()
    if not raw:
        if required:
            raise RowError(_("Thiếu %s.") % label)
        return None
    if allow_year and _YEAR.match(raw):
        year = int(raw)
        if year < MIN_YEAR:
            raise RowError(_("%s không hợp lệ.") % label)
        return year
    match = _ISO.match(raw)
    if match:
        year, month, day = (int(part) for part in match.groups())
    else:
        match = _DMY.match(raw)
        if not match:
            raise RowError(
                _("%s không đúng dạng YYYY-MM-DD, dd/mm/yyyy hoặc YYYY.") % label
            )
        day, month, year = (int(part) for part in match.groups())
    try:
        result = datetime.date(year, month, day)
    except ValueError:
        raise RowError(
            _("%s không phải là ngày có thật.") % label
        ) from None
    if year < MIN_YEAR:
        raise RowError(_("%s không hợp lệ.") % label)
    return result


def birth(value: str, *, today: datetime.date) -> tuple[datetime.date | None, int]:
    parsed = date_value(value, label=_l("ngày sinh"), allow_year=True)
    if isinstance(parsed, int):
        if parsed > today.year:
            raise RowError(_("Năm sinh ở tương lai."))
        return None, parsed
    if parsed > today:
        raise RowError(_("Ngày sinh ở tương lai."))
    return parsed, parsed.year


def sex(value: str) -> str:
    result = _SEXES.get(fold(value))
    if result is None:
        raise RowError(_("Giới tính “%s” không hợp lệ (Nam, Nữ, M hoặc F).") % value.strip()[:10])
    return result


def full_name(value: str, *, text) -> str:
    name = text(value, max_length=100, label=_l("họ và tên"), required=True)
    if not _NAME_OK.match(name):
        raise RowError(_("Họ và tên chỉ được chứa chữ cái và khoảng trắng."))
    return name


def id_number(value: str, *, birth_year: int, sex_code: str, strict: bool) -> str | None:
    """A 9-digit CMND or a 12-digit CCCD; a CCCD's century/sex digit and year of birth must
    agree with the person's (DOMAIN.md) unless `strict` is off."""
    number = _DIGITS_JUNK.sub("", value)
    if not number:
        return None
    if not number.isdigit() or len(number) not in (9, 12):
        raise RowError(_("Số CCCD/CMND phải gồm 12 (CCCD) hoặc 9 (CMND) chữ số."))
    if len(number) == 12 and strict:
        if not cccd_agrees(number, birth_year=birth_year, sex=sex_code):
            raise RowError(_("Số CCCD không khớp với năm sinh hoặc giới tính."))
    return number


@lru_cache(maxsize=4096)
def _mobile_prefix_ok(prefix: str, length: int) -> bool:
    """Whether VN numbers starting with these 4 national digits and of this length are
    valid mobile numbers (phonenumbers' rules depend on at most the first 4 digits)."""
    sample = phonenumbers.parse("+84" + prefix + "0" * (length - len(prefix)), None)
    return phonenumbers.is_valid_number(sample) and phonenumbers.number_type(sample) in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    )


def phone(value: str) -> str:
    """A Vietnamese mobile number in any usual writing -> E.164 ("+84912345678").

    Same rules as registry.phones.normalize_vn_mobile, plus numbers whose leading 0 a
    spreadsheet dropped; validity is cached per 4-digit prefix because a million-row import
    cannot afford a full phonenumbers parse per row."""
    raw = _PHONE_JUNK.sub("", value)
    if not raw:
        return ""
    if raw.startswith("+84"):
        national = raw[3:]
    elif raw.startswith("0084"):
        national = raw[4:]
    elif raw.startswith("84") and len(raw) == 11:
        national = raw[2:]
    elif raw.startswith("0"):
        national = raw[1:]
    elif len(raw) == 9:  # a spreadsheet dropped the leading 0
        national = raw
    else:
        national = ""
    if not (national.isdigit() and len(national) == 9 and _mobile_prefix_ok(national[:4], 9)):
        raise RowError(_("Số điện thoại không phải số di động Việt Nam hợp lệ."))
    return "+84" + national


def email(value: str) -> str:
    address = value.strip()
    if not address:
        return ""
    if len(address) > 254:
        raise RowError(_("Địa chỉ thư điện tử quá dài."))
    try:
        _email_validator(address)
    except ValidationError:
        raise RowError(_("Địa chỉ thư điện tử không hợp lệ.")) from None
    local, _at, domain = address.rpartition("@")
    return f"{local}@{domain.lower()}"
