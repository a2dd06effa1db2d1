"""Validation of a self-registration against the registry (issue 4, item 1). Errors are
keyed by field name so forms and the API can show each one next to its field."""
import datetime
from dataclasses import dataclass, replace

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.services.coming_of_age import account_awaits_claim
from declarations.models import Declaration
from declarations.selectors import office_by_code
from declarations.validators import validate_bhxh_code, validate_id_number
from registry.models import InsuredPerson, Office, Sex
from registry.phones import mask_phone, normalize_vn_mobile
from registry.text import fold, normalize_name

# The fields of each web step, for mapping errors back to where they can be fixed.
PERSONAL_FIELDS = (
    "bhxh_code", "full_name", "date_of_birth", "sex", "id_type", "id_number", "address", "phone",
)
OFFICE_FIELDS = ("office", "email", "send_email")

MSG_PENDING = _(
    "Mã số BHXH này đã có tờ khai đăng ký đang chờ cơ quan BHXH xử lý. Vui lòng chờ kết quả "
    "hoặc tra cứu tình trạng tờ khai."
)


@dataclass(frozen=True)
class RegistrationData:
    """What the citizen declares; `office` is the receiving office's code."""

    bhxh_code: str
    full_name: str
    date_of_birth: datetime.date | None
    sex: str
    id_type: str
    id_number: str
    address: str
    phone: str
    email: str = ""
    office: str = ""
    send_email: bool = False
    commitment_accepted: bool = False


@dataclass(frozen=True)
class ValidatedRegistration:
    data: RegistrationData  # normalised: phone in E.164, codes without spaces
    person: InsuredPerson
    office: Office | None


class Errors:
    def __init__(self) -> None:
        self.by_field: dict[str, list[ValidationError]] = {}

    def add(self, field: str, error: ValidationError | str, code: str = "invalid") -> None:
        if not isinstance(error, ValidationError):
            error = ValidationError(error, code=code)
        self.by_field.setdefault(field, []).extend(error.error_list)

    def has(self, field: str) -> bool:
        return field in self.by_field

    def raise_if_any(self) -> None:
        if self.by_field:
            raise ValidationError(self.by_field)


def _date_matches_registry(declared: datetime.date, person: InsuredPerson) -> bool:
    # Some records hold only the year of birth: any date in that year matches.
    if person.date_of_birth:
        return declared == person.date_of_birth
    return declared.year == person.birth_year


def has_pending_declaration(bhxh_code: str) -> bool:
    return Declaration.objects.filter(
        bhxh_code=bhxh_code, status__in=Declaration.PENDING_STATUSES
    ).exists()


def _active_account_for(person: InsuredPerson) -> User | None:
    """The person's account, unless it was released from a guardian at 18 and awaits
    its owner's own registration (accounts.services.coming_of_age)."""
    account = (User.objects.filter(insured_person=person, is_active=True)
               .only("phone", "password").first())
    if account is None or account_awaits_claim(account):
        return None
    return account


def _contact_taken_by_other_code(lookup: str, value: str, bhxh_code: str) -> bool:
    """Whether a phone or e-mail (`lookup`: "phone" or "email__iexact") is already declared
    in a pending or approved declaration, or on an active account, of another BHXH code.
    A child's registration carries the guardian's phone and e-mail, and so does the child's
    account: neither makes them "another code's" contact."""
    declared = (
        Declaration.objects.filter(
            **{lookup: value},
            status__in=[*Declaration.PENDING_STATUSES, Declaration.Status.APPROVED],
        )
        .exclude(kind=Declaration.Kind.CHILD_REGISTRATION)
        .exclude(bhxh_code=bhxh_code)
        .exists()
    )
    return declared or (
        User.objects.filter(**{lookup: value}, is_active=True, insured_person__isnull=False)
        .exclude(insured_person__bhxh_code=bhxh_code)
        .exclude(insured_person__guardian_links__isnull=False)
        .exists()
    )


def _phone_taken_by_other_code(phone: str, bhxh_code: str) -> bool:
    return _contact_taken_by_other_code("phone", phone, bhxh_code)


def _email_taken_by_other_code(email: str, bhxh_code: str) -> bool:
    return _contact_taken_by_other_code("email__iexact", email, bhxh_code)


MSG_IDENTITY_MISMATCH = _(
    "Mã số BHXH, họ và tên, ngày sinh hoặc giới tính không khớp với cơ sở dữ liệu BHXH. Vui "
    "lòng nhập đúng như trên thẻ BHYT hoặc sổ BHXH, hoặc tra cứu mã số BHXH."
)
IDENTITY_FIELDS = ("bhxh_code", "full_name", "date_of_birth", "sex")


def _identity_matches(person: InsuredPerson | None, clean: dict) -> bool:
    return (
        person is not None
        and fold(clean["full_name"]) == person.name_folded
        and _date_matches_registry(clean["date_of_birth"], person)
        and clean["sex"] == person.sex
    )


def _validate_personal(
    data: RegistrationData, errors: Errors
) -> tuple[dict, InsuredPerson | None]:
    """The personal data of step 1. Checked against the registry only as a whole: an
    unknown code and a wrong name, date of birth or sex get one answer, so that the form
    cannot be used to test a code's existence or guess a person's date of birth one field
    at a time; what concerns the record itself (an account, a pending declaration, a phone
    of another code) is said only once code, name, date of birth and sex all match.
    Returns the person only then."""
    clean: dict = {}
    try:
        clean["bhxh_code"] = validate_bhxh_code(data.bhxh_code)
    except ValidationError as exc:
        errors.add("bhxh_code", exc)

    full_name = normalize_name(data.full_name)
    if not full_name:
        errors.add("full_name", _("Vui lòng nhập họ và tên."), "required")
    elif len(full_name) > 100:
        errors.add("full_name", _("Họ và tên dài quá 100 ký tự."), "max_length")
    clean["full_name"] = full_name

    dob = data.date_of_birth
    if dob is None:
        errors.add("date_of_birth", _("Vui lòng nhập ngày sinh."), "required")
    elif dob > timezone.localdate() or dob.year < 1900:
        errors.add("date_of_birth", _("Ngày sinh không hợp lệ."), "invalid_date")
    clean["date_of_birth"] = dob

    sex = data.sex if data.sex in Sex.values else ""
    if not sex:
        errors.add("sex", _("Vui lòng chọn giới tính."), "required")
    clean["sex"] = sex

    person = None
    if not any(errors.has(field) for field in IDENTITY_FIELDS):
        candidate = InsuredPerson.objects.filter(bhxh_code=clean["bhxh_code"]).first()
        if _identity_matches(candidate, clean):
            person = candidate
        else:
            errors.add("bhxh_code", MSG_IDENTITY_MISMATCH, "identity_mismatch")

    clean["id_type"] = data.id_type
    clean["id_number"] = (data.id_number or "").strip()
    if data.id_type not in Declaration.IdType.values:
        errors.add("id_type", _("Vui lòng chọn loại giấy tờ tùy thân."), "required")
    else:
        try:
            clean["id_number"] = validate_id_number(
                data.id_type, data.id_number,
                date_of_birth=dob if not errors.has("date_of_birth") else None,
                sex=sex or None,
            )
        except ValidationError as exc:
            errors.add("id_number", exc)

    address = " ".join((data.address or "").split())
    if not address:
        errors.add("address", _("Vui lòng nhập địa chỉ."), "required")
    elif len(address) > 300:
        errors.add("address", _("Địa chỉ dài quá 300 ký tự."), "max_length")
    clean["address"] = address

    clean["phone"] = data.phone
    try:
        clean["phone"] = normalize_vn_mobile(data.phone)
    except ValidationError as exc:
        errors.add("phone", exc)

    if person is not None:
        account = _active_account_for(person)
        if account is not None:
            masked = mask_phone(account.phone)
            if masked:
                message = gettext(
                    "Mã số BHXH đã được đăng ký tài khoản (số điện thoại %(phone)s). Vui lòng "
                    "đăng nhập hoặc dùng chức năng quên mật khẩu."
                ) % {"phone": masked}
            else:
                message = gettext(
                    "Mã số BHXH đã được đăng ký tài khoản. Vui lòng đăng nhập hoặc dùng chức "
                    "năng quên mật khẩu."
                )
            errors.add("bhxh_code", message, "already_registered")
        elif has_pending_declaration(person.bhxh_code):
            errors.add("bhxh_code", MSG_PENDING, "pending_declaration")
        if not errors.has("phone") and _phone_taken_by_other_code(clean["phone"], person.bhxh_code):
            errors.add(
                "phone",
                _("Số điện thoại đã được kê khai cho mã số BHXH khác. Vui lòng dùng số điện "
                  "thoại của chính bạn."),
                "phone_taken",
            )
    return clean, person


def _validate_office(
    data: RegistrationData, person: InsuredPerson | None, errors: Errors
) -> tuple[dict, Office | None]:
    clean: dict = {"send_email": bool(data.send_email)}
    email = (data.email or "").strip()
    if len(email) > 254:
        errors.add("email", _("Địa chỉ thư điện tử dài quá 254 ký tự."), "max_length")
    elif email:
        try:
            validate_email(email)
        except ValidationError:
            errors.add("email", _("Địa chỉ thư điện tử không hợp lệ."), "invalid_email")
        else:
            local, _at, domain = email.rpartition("@")
            email = f"{local}@{domain.lower()}"
            if person is not None and _email_taken_by_other_code(email, person.bhxh_code):
                errors.add(
                    "email",
                    _("Địa chỉ thư điện tử đã được kê khai cho mã số BHXH khác."),
                    "email_taken",
                )
    elif data.send_email:
        errors.add(
            "email",
            _("Vui lòng nhập địa chỉ thư điện tử để nhận tờ khai qua thư điện tử."),
            "required",
        )
    clean["email"] = email

    clean["office"], office = receiving_office_validate(data.office, errors)
    return clean, office


def receiving_office_validate(code: str, errors: "Errors") -> tuple[str, Office | None]:
    """The receiving office chosen by its code: it must exist, be active and receive
    declarations. Errors go on "office"."""
    office = None
    code = (code or "").strip()
    if not code:
        errors.add("office", _("Vui lòng chọn cơ quan BHXH tiếp nhận tờ khai."), "required")
    else:
        office = office_by_code(code)
        if office is None:
            errors.add("office", _("Không tìm thấy cơ quan BHXH đã chọn."), "office_unknown")
        elif not (office.is_active and office.receives_declarations):
            errors.add(
                "office",
                _("Cơ quan BHXH này không tiếp nhận tờ khai. Vui lòng chọn cơ quan khác."),
                "office_not_receiving",
            )
            office = None
    return code, office


def self_registration_validate(
    *, data: RegistrationData, include_office: bool = True
) -> ValidatedRegistration:
    """Every rule of issue 4 item 1. Raises ValidationError keyed by field name
    (bhxh_code, full_name, ..., phone, email, office); with include_office=False only the
    personal data (step 1 of the web form) is checked."""
    errors = Errors()
    clean, person = _validate_personal(data, errors)
    office = None
    if include_office:
        office_clean, office = _validate_office(data, person, errors)
        clean.update(office_clean)
    errors.raise_if_any()
    return ValidatedRegistration(data=replace(data, **clean), person=person, office=office)
