"""Forms of the look-up pages, the birth-date parser the API shares, and the human check."""
from __future__ import annotations

import datetime
import functools
import re
import secrets
import threading
import time

from django import forms
from django.http import HttpRequest
from django.utils.translation import get_language, gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from registry.models import Province
from registry.reference import reference_data

MIN_BIRTH_YEAR = 1900

_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
# Day first, as Vietnamese write it: 05/03/1990, 5/3/1990, 05.03.1990, 05-03-1990, 05 03 1990,
# and 05031990 (a phone's number pad may have no "/").
_VN_DATE = re.compile(r"^(\d{1,2})\s*[/.\- ]\s*(\d{1,2})\s*[/.\- ]\s*(\d{4})$")
_VN_DATE_COMPACT = re.compile(r"^(\d{2})(\d{2})(\d{4})$")
_YEAR = re.compile(r"^(\d{4})$")
# How a date of birth is shown and typed in every web form (the API speaks ISO 8601).
BIRTH_DATE_FORMAT = "%d/%m/%Y"
BIRTH_DATE_PLACEHOLDER = "dd/mm/yyyy"
# C0 and C1 control characters (NUL, ESC, backspace...) except tab, line feed and carriage
# return: nothing a person types, and PostgreSQL refuses NUL in text.
CONTROL_CHARACTERS_CLASS = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
_CONTROL_CHARACTERS = re.compile(f"[{CONTROL_CHARACTERS_CLASS}]")
# The same rule as a JSON Schema pattern (the API's schema): text without them.
NO_CONTROL_CHARACTERS_PATTERN = f"^[^{CONTROL_CHARACTERS_CLASS}]*$"
CONTROL_CHARACTERS_MESSAGE = _(
    "Nội dung có ký tự không hợp lệ (ký tự điều khiển). Vui lòng nhập lại bằng chữ, số và "
    "dấu câu."
)


def reject_control_characters(value: str) -> str:
    """`value` unchanged, or forms.ValidationError (code "control_characters") when it holds
    a control character. Used by the forms and serializers of the look-ups and the
    registration, before any other check, so the message is always this Vietnamese one."""
    if value and _CONTROL_CHARACTERS.search(value):
        raise forms.ValidationError(CONTROL_CHARACTERS_MESSAGE, code="control_characters")
    return value


class PlainTextField(forms.CharField):
    """A CharField that refuses control characters (NUL included) with a Vietnamese message,
    before Django's own NUL check (whose message has no Vietnamese translation)."""

    def to_python(self, value):
        return reject_control_characters(super().to_python(value))


def parse_birth_date(
    value: str, *, allow_day_first: bool = True, allow_year: bool = True
) -> datetime.date | int:
    """"1990-05-17", "17/05/1990" (if allow_day_first; also 17.05.1990, 17-05-1990,
    17051990) or "1990" (if allow_year) -> a date or a year.

    Raises forms.ValidationError with a Vietnamese message.
    """
    value = (value or "").strip()
    today = datetime.date.today()
    match = _YEAR.match(value)
    if match and not allow_year:
        raise forms.ValidationError(
            _("Nhập đủ ngày, tháng và năm sinh, ví dụ 17/05/1990."), code="year_only"
        )
    if match:
        year = int(match.group(1))
        if not MIN_BIRTH_YEAR <= year <= today.year:
            raise forms.ValidationError(
                _("Năm sinh phải từ %(min)s đến %(max)s."),
                code="year_range",
                params={"min": MIN_BIRTH_YEAR, "max": today.year},
            )
        return year
    match = _ISO_DATE.match(value)
    if match:
        year, month, day = (int(part) for part in match.groups())
    else:
        match = (_VN_DATE.match(value) or _VN_DATE_COMPACT.match(value)
                 if allow_day_first else None)
        if not match:
            if allow_day_first and allow_year:
                message = _("Nhập ngày sinh dạng ngày/tháng/năm (ví dụ 17/05/1990) "
                            "hoặc chỉ năm sinh (ví dụ 1990).")
            elif allow_day_first:
                message = _("Nhập ngày sinh dạng ngày/tháng/năm, ví dụ 17/05/1990.")
            else:
                message = _("Nhập ngày sinh dạng YYYY-MM-DD hoặc chỉ năm sinh YYYY.")
            raise forms.ValidationError(message, code="format")
        day, month, year = (int(part) for part in match.groups())
    try:
        parsed = datetime.date(year, month, day)
    except ValueError:
        raise forms.ValidationError(_("Ngày sinh không tồn tại."), code="invalid_date") from None
    if parsed > today or parsed.year < MIN_BIRTH_YEAR:
        raise forms.ValidationError(
            _("Ngày sinh phải từ năm %(min)s đến hôm nay."),
            code="date_range",
            params={"min": MIN_BIRTH_YEAR},
        )
    return parsed


class BirthDateInput(forms.TextInput):
    """A date of birth typed dd/mm/yyyy on the number pad, the one way of every web form
    (a native date picker scrolls decades on a cheap phone and shows the phone's own
    format). A date, or an ISO string (a draft, a scanned QR), is shown dd/mm/yyyy;
    anything else as typed. `own`: the visitor's own birthday (autocomplete="bday")."""

    def __init__(self, attrs: dict | None = None, *, own: bool = True) -> None:
        defaults = {"inputmode": "numeric", "placeholder": BIRTH_DATE_PLACEHOLDER,
                    "maxlength": "10", "autocomplete": "bday" if own else "off",
                    "data-birth-date": ""}
        super().__init__({**defaults, **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, str) and _ISO_DATE.match(value.strip()):
            try:
                value = datetime.date.fromisoformat(
                    "-".join(part.zfill(2) for part in value.strip().split("-")))
            except ValueError:
                return value
        if isinstance(value, datetime.date):
            return value.strftime(BIRTH_DATE_FORMAT)
        return super().format_value(value)


class BirthDateField(forms.CharField):
    """A date of birth typed dd/mm/yyyy (ISO and the variants of parse_birth_date are
    accepted too) -> a date, or with allow_year=True also a year alone (an int), for the
    people the registry knows only by their year of birth."""

    widget = BirthDateInput

    def __init__(self, *, allow_year: bool = False, **kwargs) -> None:
        self.allow_year = allow_year
        super().__init__(**kwargs)

    def to_python(self, value):
        value = reject_control_characters(super().to_python(value))
        if value in self.empty_values:
            return None
        return parse_birth_date(value, allow_year=self.allow_year)


class ProvinceSelect(forms.Select):
    """Django's Select, its HTML kept per (reference data version, language, name, value,
    attributes, empty label): rendering the 35 options through the widget templates cost
    about 1 ms per page; the same select is now rendered once per process.
    Only values that are a province code (or empty) are kept, so what a visitor types
    cannot fill the store."""

    empty_label = None
    MAX_KEPT = 512
    _kept: dict = {}
    _lock = threading.Lock()

    def render(self, name, value, attrs=None, renderer=None):
        data = reference_data()
        values = tuple(self.format_value(value))
        if any(v and v not in data.province_codes for v in values):
            return super().render(name, value, attrs, renderer)
        final_attrs = self.build_attrs(self.attrs, attrs)
        key = (data.version, get_language(), type(renderer).__qualname__, name, values,
               tuple(sorted(final_attrs.items())), self.is_required, str(self.empty_label))
        html = self._kept.get(key)
        if html is None:
            html = super().render(name, value, attrs, renderer)
            with self._lock:
                if len(self._kept) >= self.MAX_KEPT:
                    self._kept.clear()
                self._kept[key] = html
        return html


def _province_choices(empty_label) -> list[tuple[str, str]]:
    choices = [(province.code, province.name) for province in reference_data().provinces]
    return choices if empty_label is None else [("", empty_label), *choices]


class ProvinceChoiceField(forms.ChoiceField):
    """A province chosen by its code -> the Province, ordered by name, from the reference
    data in memory (registry.reference): no query to render or check the choices. Renders
    and cleans as a ModelChoiceField(Province, to_field_name="code") did."""

    widget = ProvinceSelect
    default_error_messages = {
        "invalid_choice": forms.ModelChoiceField.default_error_messages["invalid_choice"],
    }

    def __init__(self, *, empty_label="---------", **kwargs) -> None:
        if kwargs.get("required", True) and kwargs.get("initial") is not None:
            empty_label = None
        self.empty_label = empty_label
        super().__init__(choices=functools.partial(_province_choices, empty_label), **kwargs)
        self.widget.empty_label = empty_label

    def prepare_value(self, value):
        if isinstance(value, Province):
            return value.code
        return super().prepare_value(value)

    def to_python(self, value):
        # Django's own NUL check speaks English: a province with a control character is
        # simply not one of the choices.
        if isinstance(value, Province):
            value = value.code
        if value in self.empty_values:
            return None
        value = str(value)
        province = (None if _CONTROL_CHARACTERS.search(value)
                    else reference_data().province_codes.get(value))
        if province is None:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice",
                params={"value": value},
            )
        return province

    def validate(self, value) -> None:
        forms.Field.validate(self, value)

    def has_changed(self, initial, data) -> bool:
        if self.disabled:
            return False
        initial_value = initial if initial is not None else ""
        data_value = data if data is not None else ""
        return str(self.prepare_value(initial_value)) != str(data_value)


class AccessibleFormMixin:
    """Points each invalid widget at its error message (aria-describedby, aria-invalid),
    as the templates render the message with the id "<field id>_error"."""

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name not in self.fields:
                continue
            bound = self[name]
            described_by = [f"{bound.auto_id}_error"]
            if self.fields[name].help_text:
                described_by.append(f"{bound.auto_id}_helptext")
            self.fields[name].widget.attrs.update(
                {"aria-describedby": " ".join(described_by), "aria-invalid": "true"}
            )


# --- Human check ------------------------------------------------------------------------------

# With a context: "năm" is also "year", and catalogues of all apps are merged.
_NUMBER_WORDS = {
    1: pgettext_lazy("số đếm", "một"), 2: pgettext_lazy("số đếm", "hai"),
    3: pgettext_lazy("số đếm", "ba"), 4: pgettext_lazy("số đếm", "bốn"),
    5: pgettext_lazy("số đếm", "năm"), 6: pgettext_lazy("số đếm", "sáu"),
    7: pgettext_lazy("số đếm", "bảy"), 8: pgettext_lazy("số đếm", "tám"),
    9: pgettext_lazy("số đếm", "chín"),
}


class HumanCheck:
    """A small sum written in words, asked by the server; the answer stays in the session
    (never in the page), each question can be answered once and expires."""

    SESSION_KEY = "registry_human_checks"
    MAX_LIVE = 5
    MAX_AGE_SECONDS = 30 * 60

    def __init__(self, request: HttpRequest) -> None:
        self.request = request

    def issue(self) -> tuple[str, str]:
        """A new question: (token for the hidden field, question text)."""
        a, b = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
        token = secrets.token_urlsafe(12)
        live = self._live()
        live[token] = [a, b, time.time()]
        newest = sorted(live.items(), key=lambda item: item[1][2])[-self.MAX_LIVE:]
        self.request.session[self.SESSION_KEY] = dict(newest)
        return token, self.question(a, b)

    def _live(self) -> dict:
        """The questions of this session; anything malformed in the session is dropped."""
        stored = self.request.session.get(self.SESSION_KEY)
        if not isinstance(stored, dict):
            return {}
        return {
            token: entry for token, entry in stored.items()
            if isinstance(entry, list) and len(entry) == 3
            and all(isinstance(part, int | float) for part in entry)
        }

    @staticmethod
    def question(a: int, b: int) -> str:
        return gettext("%(a)s cộng %(b)s bằng bao nhiêu?") % {
            "a": _NUMBER_WORDS[a], "b": _NUMBER_WORDS[b]
        }

    def verify(self, token: str, answer: str) -> bool:
        """True when `answer` answers the question `token`; the question is used up."""
        live = self._live()
        entry = live.pop(token or "", None)
        self.request.session[self.SESSION_KEY] = live
        if entry is None:
            return False
        a, b, issued = entry
        if time.time() - issued > self.MAX_AGE_SECONDS:
            return False
        answer = (answer or "").strip()
        return answer.isdigit() and int(answer) == a + b


class BhxhCodeLookupForm(AccessibleFormMixin, forms.Form):
    full_name = PlainTextField(
        label=_("Họ và tên"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "name", "autocapitalize": "words"}),
        error_messages={"required": _("Nhập họ và tên.")},
    )
    date_of_birth = BirthDateField(
        label=_("Ngày sinh"),
        allow_year=True,
        help_text=_("Ngày/tháng/năm, ví dụ 17/05/1990; nếu chỉ có năm sinh, nhập năm (1990)."),
        error_messages={"required": _("Nhập ngày sinh hoặc năm sinh.")},
    )
    province = ProvinceChoiceField(
        label=_("Tỉnh/thành phố nơi tham gia"),
        empty_label=_("Chọn tỉnh/thành phố"),
        error_messages={
            "required": _("Chọn tỉnh/thành phố."),
            "invalid_choice": _("Chọn một tỉnh/thành phố trong danh sách."),
        },
    )
    check_token = PlainTextField(widget=forms.HiddenInput, required=False, max_length=64)
    check_answer = PlainTextField(
        label=_("Câu hỏi kiểm tra"),
        max_length=3,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    # Honeypot: hidden from people (and from screen readers and the keyboard); bots fill it.
    website = PlainTextField(
        label=_("Để trống ô này"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args, request: HttpRequest, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.request = request
        self.human_check = HumanCheck(request)

    def clean_full_name(self) -> str:
        value = " ".join(self.cleaned_data["full_name"].split())
        if not any(ch.isalpha() for ch in value):
            raise forms.ValidationError(_("Nhập họ và tên bằng chữ."), code="no_letters")
        return value

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("website"):
            raise forms.ValidationError(
                _("Không xác minh được bạn là người dùng. Vui lòng thử lại."), code="honeypot"
            )
        if not (cleaned.get("check_answer") or "").strip():
            self.add_error(
                "check_answer",
                forms.ValidationError(_("Trả lời câu hỏi kiểm tra."), code="required"),
            )
        elif not self.human_check.verify(cleaned.get("check_token"), cleaned["check_answer"]):
            self.add_error(
                "check_answer",
                forms.ValidationError(
                    _("Câu trả lời chưa đúng hoặc câu hỏi đã hết hạn. Hãy trả lời câu hỏi mới."),
                    code="wrong",
                ),
            )
        return cleaned


class DirectorySearchForm(AccessibleFormMixin, forms.Form):
    """Search box and province of the offices and facilities pages (GET)."""

    province = ProvinceChoiceField(
        label=_("Tỉnh/thành phố"),
        required=False,
        empty_label=_("Tất cả tỉnh/thành phố"),
        error_messages={"invalid_choice": _("Chọn một tỉnh/thành phố trong danh sách.")},
    )
    q = PlainTextField(
        label=_("Tìm theo tên hoặc mã"),
        required=False,
        max_length=100,
        help_text=_("Có thể gõ không dấu, ví dụ: dong da."),
        widget=forms.SearchInput(),
    )


class FacilitySearchForm(DirectorySearchForm):
    accepts_registration = forms.BooleanField(
        label=_("Chỉ cơ sở nhận đăng ký KCB ban đầu"), required=False
    )
