"""The portal's password rule beyond Django's validators: a password must not be, or
contain, the account's BHXH code, phone number or date of birth (the first things an
attacker who knows the person tries). Shared by every path that sets a password."""
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_DIGITS = re.compile(r"[^0-9]")


def _phone_forms(phone: str) -> set[str]:
    digits = _DIGITS.sub("", phone or "")
    if not digits:
        return set()
    forms = {digits}
    if digits.startswith("84") and len(digits) == 11:
        forms |= {"0" + digits[2:], digits[2:]}
    return {form for form in forms if len(form) >= 9}


def _birth_date_forms(person) -> set[str]:
    date = getattr(person, "date_of_birth", None)
    if date is None:
        return set()
    return {
        f"{date:%d%m%Y}", f"{date:%Y%m%d}", f"{date:%d%m%y}", f"{date:%Y-%m-%d}",
        f"{date:%d/%m/%Y}", f"{date:%d-%m-%Y}", f"{date:%d.%m.%Y}",
    }


class PersonalDataPasswordValidator:
    """Refuses a password holding the BHXH code, the phone number or the date of birth of
    the account (in the usual ways they are written)."""

    def validate(self, password: str, user=None) -> None:
        if user is None:
            return
        compact = (password or "").replace(" ", "")
        person = getattr(user, "insured_person", None) if user.insured_person_id else None
        codes = {getattr(user, "username", "") or ""}
        if person is not None:
            codes.add(person.bhxh_code)
        if any(code and code.isdigit() and code in compact for code in codes):
            raise ValidationError(
                _("Mật khẩu không được chứa mã số BHXH."), code="password_has_bhxh_code"
            )
        phones = _phone_forms(user.phone)
        if person is not None:
            phones |= _phone_forms(person.phone)
        if any(phone in compact for phone in phones):
            raise ValidationError(
                _("Mật khẩu không được chứa số điện thoại."), code="password_has_phone"
            )
        if any(form in compact for form in _birth_date_forms(person)):
            raise ValidationError(
                _("Mật khẩu không được chứa ngày sinh."), code="password_has_birth_date"
            )

    def get_help_text(self) -> str:
        return _("Mật khẩu không được chứa mã số BHXH, số điện thoại hoặc ngày sinh.")
