"""Shapes of the identifiers a citizen declares (DOMAIN.md, "People and identifiers").

Each validator returns the normalised value or raises ValidationError with a Vietnamese
message. None of them looks anything up: the registry checks live in the services.
"""
import datetime
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from registry.identity import cccd_birth_century_and_sex

_SPACES = re.compile(r"[\s.\-]")

# Province codes of birth registration printed in the first 3 digits of a CCCD: the 63
# provinces of Decision 124/2004/QĐ-TTg (the 2025 merged provinces kept a subset of them,
# and cards already issued keep the old codes).
CCCD_PROVINCE_CODES = frozenset(
    """001 002 004 006 008 010 011 012 014 015 017 019 020 022 024 025 026 027 030 031 033
    034 035 036 037 038 040 042 044 045 046 048 049 051 052 054 056 058 060 062 064 066 067
    068 070 072 074 075 077 079 080 082 083 084 086 087 089 091 092 093 094 095 096""".split()
)


def _compact(value: str) -> str:
    return _SPACES.sub("", (value or "").strip())


def validate_bhxh_code(value: str) -> str:
    code = _compact(value)
    if not code:
        raise ValidationError(_("Vui lòng nhập mã số BHXH."), code="required")
    if not re.fullmatch(r"[0-9]{10}", code):
        raise ValidationError(_("Mã số BHXH phải gồm đúng 10 chữ số."), code="invalid_bhxh_code")
    return code


def validate_cccd(
    value: str,
    *,
    date_of_birth: datetime.date | None = None,
    birth_year: int | None = None,
    sex: str | None = None,
) -> str:
    """A 12-digit CCCD whose province, century/sex digit and year agree with what was
    declared (DOB or year of birth, sex) when those are given."""
    number = _compact(value)
    if not number:
        raise ValidationError(_("Vui lòng nhập số CCCD."), code="required")
    if not re.fullmatch(r"[0-9]{12}", number):
        raise ValidationError(_("Số CCCD phải gồm đúng 12 chữ số."), code="invalid_cccd")
    if number[:3] not in CCCD_PROVINCE_CODES:
        raise ValidationError(
            _("Số CCCD không hợp lệ: 3 chữ số đầu không phải mã tỉnh nơi đăng ký khai sinh."),
            code="invalid_cccd_province",
        )
    century, encoded_sex = cccd_birth_century_and_sex(number)
    encoded_year = century + int(number[4:6])
    year = date_of_birth.year if date_of_birth else birth_year
    errors = []
    if year is not None and year != encoded_year:
        errors.append(
            ValidationError(
                _("Số CCCD không khớp với ngày sinh: số CCCD này ứng với năm sinh %(year)s."),
                code="cccd_birth_year_mismatch",
                params={"year": encoded_year},
            )
        )
    if sex and sex != encoded_sex:
        errors.append(
            ValidationError(
                _("Số CCCD không khớp với giới tính đã kê khai."), code="cccd_sex_mismatch"
            )
        )
    if errors:
        raise ValidationError(errors)
    return number


def validate_cmnd(value: str) -> str:
    number = _compact(value)
    if not number:
        raise ValidationError(_("Vui lòng nhập số CMND."), code="required")
    if not re.fullmatch(r"[0-9]{9}|[0-9]{12}", number):
        raise ValidationError(_("Số CMND phải gồm 9 hoặc 12 chữ số."), code="invalid_cmnd")
    return number


def validate_passport(value: str) -> str:
    number = _compact(value).upper()
    if not number:
        raise ValidationError(_("Vui lòng nhập số hộ chiếu."), code="required")
    if not re.fullmatch(r"[A-Z][0-9]{7}", number):
        raise ValidationError(
            _("Số hộ chiếu gồm 1 chữ cái và 7 chữ số, ví dụ C1234567."), code="invalid_passport"
        )
    return number


def validate_id_number(
    id_type: str,
    value: str,
    *,
    date_of_birth: datetime.date | None = None,
    birth_year: int | None = None,
    sex: str | None = None,
) -> str:
    """Dispatch on the id type ("cccd", "cmnd", "passport")."""
    if id_type == "cccd":
        return validate_cccd(value, date_of_birth=date_of_birth, birth_year=birth_year, sex=sex)
    if id_type == "cmnd":
        return validate_cmnd(value)
    if id_type == "passport":
        return validate_passport(value)
    raise ValidationError(_("Vui lòng chọn loại giấy tờ tùy thân."), code="invalid_id_type")
