"""Reads for the declarations area: offices a citizen may send a declaration to, and
finding a declaration by what its citizen knows."""
import re

from django.db.models import QuerySet

from declarations.models import Declaration
from registry.models import Office, Province

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


def offices_receiving(*, province_code: str = "") -> QuerySet[Office]:
    """Active province and local offices that receive declarations (of one province when
    `province_code` is given; none for a malformed code)."""
    if province_code and not is_province_code(province_code):
        return Office.objects.none()
    queryset = Office.objects.filter(
        is_active=True,
        receives_declarations=True,
        level__in=[Office.Level.PROVINCE, Office.Level.LOCAL],
    ).select_related("parent", "province")
    if province_code:
        queryset = queryset.filter(province__code=province_code)
    return queryset.order_by("province__code", "code")


def provinces_with_receiving_offices() -> QuerySet[Province]:
    return (
        Province.objects.filter(
            offices__is_active=True,
            offices__receives_declarations=True,
            offices__level__in=[Office.Level.PROVINCE, Office.Level.LOCAL],
        )
        .distinct()
        .order_by("code")
    )


def office_label(office: Office) -> str:
    """As the real pickers show it: "(001) BHXH TP. Hà Nội - BHXH cơ sở Đống Đa"."""
    parent = office.parent
    if office.level == Office.Level.LOCAL and parent is not None:
        return f"({parent.code}) {parent.name} - {office.name}"
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
