"""Reads for the declarations area: offices a citizen may send a declaration to, and
finding a declaration by what its citizen knows."""
import re
import uuid as uuid_module
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.selectors import office_ids_covered_by
from declarations.models import Declaration, ShortLink
from declarations.short_links import short_token_hash, short_token_is_wellformed
from guardians.selectors import (
    child_ids_in_care_of,
    coming_of_age_date,
    is_minor,
    minors_filter,
)
from registry.models import Office, Province
from registry.reference import reference_data

# The shapes the database allows (registry.models constraints): anything else cannot match,
# and is never sent to the database (PostgreSQL refuses NUL bytes in text).
_PROVINCE_CODE = re.compile(r"[0-9]{2}")
_OFFICE_CODE = re.compile(r"[0-9]{3,8}")


def is_province_code(value: object) -> bool:
    return isinstance(value, str) and _PROVINCE_CODE.fullmatch(value) is not None


def is_office_code(value: object) -> bool:
    return isinstance(value, str) and _OFFICE_CODE.fullmatch(value) is not None


def office_by_code(code: str) -> Office | None:
    """The office with this code (active or not), None when there is none or the code is
    not an office code at all."""
    if not is_office_code(code):
        return None
    return Office.objects.filter(code=code).select_related("parent", "province").first()


def _receiving() -> dict[str, tuple[Office, ...]]:
    """{"": every office that receives declarations, province code: its own}, by province
    code then code, from the reference data in memory (registry.reference): the office
    step listed all of them (~340) from the database on every request, two or three times."""
    reference = reference_data()
    found = reference.derived.get("declarations.offices_receiving")
    if found is None:
        offices = sorted(
            (office for office in reference.offices
             if office.is_active and office.receives_declarations
             and office.level in (Office.Level.PROVINCE, Office.Level.LOCAL)
             and office.province is not None),
            key=lambda office: (office.province.code, office.code),
        )
        found = {"": tuple(offices)}
        for office in offices:
            found[office.province.code] = (*found.get(office.province.code, ()), office)
        reference.derived["declarations.offices_receiving"] = found
    return found


def offices_receiving(*, province_code: str = "") -> tuple[Office, ...]:
    """Active province and local offices that receive declarations (of one province when
    `province_code` is given; none for a malformed code), by province code and code. From
    memory: shared objects, read only."""
    if province_code and not is_province_code(province_code):
        return ()
    return _receiving().get(province_code, ())


def provinces_with_receiving_offices() -> list[Province]:
    """The provinces that have an office receiving declarations, by code (from memory)."""
    codes = reference_data().province_codes
    return [codes[code] for code in sorted(_receiving()) if code and code in codes]


def office_label(office: Office) -> str:
    """An office by its own code, a local office after its province office's name:
    "(00106) BHXH TP. Hà Nội - BHXH cơ sở Đống Đa", "(001) BHXH TP. Hà Nội". (The real
    pickers print the province office's code on each of its local offices, which makes
    every local office of a province look like one office.)"""
    parent = office.parent
    if office.level == Office.Level.LOCAL and parent is not None:
        return f"({office.code}) {parent.name} - {office.name}"
    return f"({office.code}) {office.name}"


def declaration_for_citizen(*, number: str, bhxh_code: str) -> Declaration | None:
    """The declaration with this number, only if it was filed for this BHXH code."""
    number = "".join((number or "").split()).upper()
    code = "".join((bhxh_code or "").split())
    if not number or not code:
        return None
    return (
        Declaration.objects.filter(number=number, bhxh_code=code)
        .select_related("office", "office__parent")
        .first()
    )


def declarations_reviewable_by(*, user) -> QuerySet[Declaration]:
    """The declarations `user` may see and decide: those received by the offices they
    cover (accounts.selectors.office_ids_covered_by: an assignment to a province office
    covers its local offices; superusers cover all), and only with the permission to view
    declarations. Every admin list, page, action, search, filter, export and file view,
    and every review service, starts here."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Declaration.objects.none()
    if not user.is_superuser and not user.has_perm("declarations.view_declaration"):
        return Declaration.objects.none()
    covered = office_ids_covered_by(user=user)
    if covered is None:
        return Declaration.objects.all()
    if not covered:
        return Declaration.objects.none()
    return Declaration.objects.filter(office_id__in=covered)


def declarations_visible_to_citizen(*, user) -> QuerySet[Declaration]:
    """The declarations a citizen may read. Every citizen page, API answer and file of a
    declaration starts here:

    - for their own BHXH code, the approved ones (the declaration that created their
      account; never an attempt someone else filed for their code);
    - those they filed for a child, while the child is under 18, whatever became of them;
    - for a child in their care (guardians.selectors: not ended, under 18), the approved
      ones too (e.g. filed by the other parent).

    Another person's pending or rejected filing for the same code, with that person's
    phone and e-mail, is never shown."""
    if not getattr(user, "is_authenticated", False) or not user.is_active or user.is_staff:
        return Declaration.objects.none()
    approved = Q(status=Declaration.Status.APPROVED)
    own = (Q(insured_person_id=user.insured_person_id) & approved
           if user.insured_person_id else Q(pk__in=[]))
    children = Q(insured_person_id__in=child_ids_in_care_of(guardian=user)) & approved
    filed_for_minor = Q(submitted_by=user) & Q(minors_filter(prefix="insured_person__"))
    return Declaration.objects.filter(own | children | filed_for_minor)


def declaration_visible_to_citizen(*, user, declaration_uuid: object) -> Declaration | None:
    try:
        value = uuid_module.UUID(str(declaration_uuid))
    except (ValueError, TypeError, AttributeError):
        return None
    return (
        declarations_visible_to_citizen(user=user)
        .select_related("office", "office__parent", "insured_person", "submitted_by")
        .filter(uuid=value)
        .first()
    )


@dataclass(frozen=True)
class ComparisonRow:
    label: str
    declared: str
    registry: str
    differs: bool


def _date_text(value) -> str:
    return f"{value:%d/%m/%Y}" if value else ""


def declaration_registry_comparison(declaration: Declaration) -> list[ComparisonRow]:
    """What was declared beside the registry record it was checked against; `differs`
    marks the fields staff must look at (names compared without case or diacritics,
    a year-only birth on record matches any date in that year)."""
    from registry.text import fold

    person = declaration.insured_person
    rows: list[ComparisonRow] = []

    def add(label, declared, registry, differs=None):
        declared, registry = str(declared or ""), str(registry or "")
        if differs is None:
            differs = bool(registry) and declared.strip() != registry.strip()
        rows.append(ComparisonRow(str(label), declared, registry, differs))

    add(_("Mã số BHXH"), declaration.bhxh_code, person.bhxh_code)
    add(_("Họ và tên"), declaration.full_name, person.full_name,
        fold(declaration.full_name) != fold(person.full_name))
    if declaration.kind == Declaration.Kind.CHILD_REGISTRATION:
        _child_comparison(declaration, person, add)
        return rows
    if person.date_of_birth:
        add(_("Ngày sinh"), _date_text(declaration.date_of_birth),
            _date_text(person.date_of_birth))
    else:
        declared_year = declaration.date_of_birth.year if declaration.date_of_birth else None
        add(_("Ngày sinh"), _date_text(declaration.date_of_birth),
            _("năm %(year)s") % {"year": person.birth_year},
            declared_year != person.birth_year)
    add(_("Giới tính"), declaration.get_sex_display(), person.get_sex_display(),
        bool(declaration.sex) and declaration.sex != person.sex)
    add(_("Số giấy tờ"), declaration.id_number, person.id_number or "")
    add(_("Địa chỉ"), declaration.address, person.address,
        bool(person.address) and fold(declaration.address) != fold(person.address))
    add(_("Điện thoại di động"), declaration.phone, person.phone,
        bool(person.phone) and phone_digits(declaration.phone) != phone_digits(person.phone))
    add(_("Thư điện tử"), declaration.email, person.email,
        bool(person.email) and declaration.email.lower() != person.email.lower())
    return rows


def _child_comparison(declaration: Declaration, person, add) -> None:
    """A child's registration declares only the code and the name: the registry's record is
    shown for the officer to check against the birth certificate, with what must stop an
    approval flagged (18 or older today, an identity card on file). The phone and e-mail
    are the guardian's: shown, not compared."""
    born = _date_text(person.date_of_birth) or str(person.birth_year or "")
    add(_("Ngày sinh"), "", born, False)
    add(_("Đủ 18 tuổi vào ngày"), "", _date_text(coming_of_age_date(person)),
        not is_minor(person))
    add(_("Giới tính"), "", person.get_sex_display(), False)
    add(_("CCCD trên cơ sở dữ liệu BHXH"), "", person.id_number or "", bool(person.id_number))
    add(_("Địa chỉ"), "", person.address, False)
    guardian = declaration.submitted_by
    add(_("Người kê khai (cha, mẹ hoặc người giám hộ)"),
        f"{guardian.full_name} ({guardian.bhxh_code})" if guardian else "", "", False)
    add(_("Quan hệ với trẻ"), declaration.get_guardian_relationship_display(), "", False)
    add(_("Điện thoại di động"), declaration.phone, "", False)
    add(_("Thư điện tử"), declaration.email, "", False)


def phone_digits(phone: str) -> str:
    """The 9 national digits of a Vietnamese mobile however written (+84…, 0…)."""
    digits = "".join(ch for ch in phone or "" if ch.isdigit())
    if digits.startswith("84") and len(digits) == 11:
        return digits[2:]
    if digits.startswith("0") and len(digits) == 10:
        return digits[1:]
    return digits


def short_link_by_token(*, token: str) -> ShortLink | None:
    """The short link `token` opens, expired or not (the view tells them apart); None for
    an unknown token, and for a malformed one without asking the database."""
    if not short_token_is_wellformed(token):
        return None
    return (
        ShortLink.objects.select_related("declaration__office", "declaration__insured_person")
        .filter(token_hash=short_token_hash(token))
        .first()
    )
