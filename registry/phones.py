"""Vietnamese mobile numbers: what citizens type ("0912 345 678", "+84912345678",
"84912345678") normalised to E.164, the form every table stores."""
import re

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Mobile ranges since the 2018 renumbering: 03x, 05x, 07x, 08x, 09x.
_MOBILE_FIRST_DIGITS = frozenset("35789")
_SEPARATORS = re.compile(r"[\s.\-()/]")
_MOBILE_TYPES = (
    phonenumbers.PhoneNumberType.MOBILE,
    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
)

INVALID_MESSAGE = _(
    "Số điện thoại di động không hợp lệ. Vui lòng nhập số di động Việt Nam gồm 10 chữ số, "
    "ví dụ 0912 345 678."
)
REQUIRED_MESSAGE = _("Vui lòng nhập số điện thoại di động.")


def normalize_vn_mobile(value: str) -> str:
    """The E.164 form ("+84912345678") of a Vietnamese mobile number.

    Raises ValidationError (Vietnamese message) for anything else: landlines, foreign
    numbers, wrong lengths, letters.
    """
    raw = _SEPARATORS.sub("", (value or "").strip())
    if not raw:
        raise ValidationError(REQUIRED_MESSAGE, code="required")
    if raw.startswith("0084"):
        raw = "+" + raw[2:]
    if not re.fullmatch(r"\+?[0-9]{9,13}", raw):
        raise ValidationError(INVALID_MESSAGE, code="invalid_phone")
    try:
        number = phonenumbers.parse(raw, "VN")
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(INVALID_MESSAGE, code="invalid_phone") from exc
    national = str(number.national_number)
    if (
        number.country_code != 84
        or len(national) != 9
        or national[0] not in _MOBILE_FIRST_DIGITS
        or not phonenumbers.is_valid_number(number)
        or phonenumbers.number_type(number) not in _MOBILE_TYPES
    ):
        raise ValidationError(INVALID_MESSAGE, code="invalid_phone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def mask_phone(e164: str) -> str:
    """What may be shown to someone who only knows the BHXH code: the last 3 digits."""
    digits = re.sub(r"\D", "", e164 or "")
    return f"···{digits[-3:]}" if len(digits) >= 3 else ""
