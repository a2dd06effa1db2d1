"""Reads of the registry: the look-ups citizens use (pages and API share these)."""
from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from django.db.models import BigIntegerField, Q, QuerySet
from django.db.models.functions import Cast
from django.utils import timezone

from registry.models import (
    HealthFacility,
    HealthInsuranceCard,
    InsuranceType,
    InsuredPerson,
    Office,
    ParticipationPeriod,
    Province,
)
from registry.reference import reference_data
from registry.text import fold

# A look-up by name, birth date and province can match namesakes; more than this many hits
# means the query is too vague to be useful and would only help enumerate the registry.
LOOKUP_MAX_RESULTS = 10
SEARCH_MAX_TERMS = 6
_CODE_CHARS = re.compile(r"[\s\-]+")


# --- BHXH code look-up -------------------------------------------------------------------

def insured_person_lookup(
    *, full_name: str, date_of_birth: datetime.date | int, province_code: str
) -> list[InsuredPerson]:
    """People whose folded name equals the folded `full_name`, born on `date_of_birth`
    (a date, or a year alone), and living in the province `province_code`.

    Year-only births work both ways: a year in the query matches every record of that
    year; a full date in the query also matches records that only know the year.
    Matching is exact on the indexed (name_folded, birth_year) pair, never a LIKE scan.
    """
    folded = fold(full_name)
    if not folded or not province_code:
        return []
    if isinstance(date_of_birth, datetime.date):
        year = date_of_birth.year
        date_filter = Q(date_of_birth=date_of_birth) | Q(date_of_birth__isnull=True)
    else:
        year = int(date_of_birth)
        date_filter = Q()
    province_id = Province.objects.filter(code=province_code).values_list("id", flat=True).first()
    if province_id is None:
        return []
    queryset = (
        InsuredPerson.objects.filter(name_folded=folded, birth_year=year, province_id=province_id)
        .filter(date_filter)
        .only("bhxh_code", "full_name", "birth_year", "date_of_birth")
        # Codes are 10 digits, so numeric order is code order. Ordering by the bare column
        # let PostgreSQL serve ORDER BY ... LIMIT by walking the whole bhxh_code index for
        # a common name (95 ms at 400k rows); by the cast it uses the look-up index (4 ms).
        .order_by(Cast("bhxh_code", BigIntegerField()))
    )
    return list(queryset[:LOOKUP_MAX_RESULTS])


def mask_name(full_name: str) -> str:
    """"Nguyễn Thị Ánh" -> "Nguyễn T*** Á***": the family name, then initials only.

    The number of stars is fixed so the mask does not reveal the length of each word.
    """
    words = (full_name or "").split()
    if not words:
        return ""
    if len(words) == 1:
        return f"{words[0][0]}***"
    return " ".join([words[0], *(f"{word[0]}***" for word in words[1:])])


def mask_birth_date(person: InsuredPerson) -> str:
    """"**/**/1990": only the year of birth is shown."""
    return f"**/**/{person.birth_year}"


# --- Offices and health facilities ----------------------------------------------------------

def _search_terms(q: str) -> list[str]:
    return fold(q).split()[:SEARCH_MAX_TERMS]


def _compact_code(q: str) -> str:
    """"01 - C54" -> "01C54": codes may be typed the way they are printed."""
    return _CODE_CHARS.sub("", q or "").upper()


def _name_or_code_filter(q: str) -> Q:
    """Every word of `q` (folded) in the folded name, or `q` as the start of the code."""
    terms = _search_terms(q)
    if not terms:
        return Q()
    name_filter = Q()
    for term in terms:
        name_filter &= Q(name_folded__contains=term)
    code = _compact_code(q)
    if code.isalnum():
        return name_filter | Q(code__startswith=code)
    return name_filter


def offices_search(*, province_code: str = "", q: str = "") -> QuerySet[Office]:
    """Active BHXH offices, optionally of one province, matching `q` without diacritics."""
    queryset = Office.objects.filter(is_active=True).select_related("province")
    if province_code:
        queryset = queryset.filter(province__code=province_code)
    return queryset.filter(_name_or_code_filter(q)).order_by("code")


def health_facilities_search(
    *, province_code: str = "", q: str = "", accepts_registration: bool | None = None
) -> QuerySet[HealthFacility]:
    """Health facilities, optionally of one province and/or taking first-contact BHYT
    registration, matching `q` (name without diacritics, or code as "01C54" / "01 - C54")."""
    queryset = HealthFacility.objects.select_related("province")
    if province_code:
        queryset = queryset.filter(province__code=province_code)
    if accepts_registration is not None:
        queryset = queryset.filter(accepts_registration=accepts_registration)
    return queryset.filter(_name_or_code_filter(q)).order_by("code")


# The same searches on the reference data in memory (registry.reference): what the look-up
# pages and the directory API serve, with no query. Same rows in the same order as the
# querysets above (tests/registry/test_reference.py compares them on every kind of query).

def _name_or_code_match(q: str):
    """_name_or_code_filter as a predicate on one office or facility."""
    terms = _search_terms(q)
    if not terms:
        return lambda row: True
    code = _compact_code(q)
    code = code if code.isalnum() else None

    def match(row) -> bool:
        return (all(term in row.name_folded for term in terms)
                or (code is not None and row.code.startswith(code)))

    return match


def offices_directory(*, province_code: str = "", q: str = "") -> list[Office]:
    """offices_search, from memory. The offices are shared: read them, never change them."""
    match = _name_or_code_match(q)
    return [office for office in reference_data().active_offices(province_code) if match(office)]


def health_facilities_directory(
    *, province_code: str = "", q: str = "", accepts_registration: bool | None = None
) -> list[HealthFacility]:
    """health_facilities_search, from memory. The facilities are shared: read them, never
    change them."""
    match = _name_or_code_match(q)
    return [
        facility for facility in reference_data().facilities_of(province_code)
        if (accepts_registration is None
            or facility.accepts_registration == accepts_registration)
        and match(facility)
    ]


# --- The citizen's own card and history -------------------------------------------------------

def insured_person_current_card(
    *, person: InsuredPerson, today: datetime.date | None = None
) -> HealthInsuranceCard | None:
    """The card valid today (the latest one if several), else the most recent card."""
    today = today or timezone.localdate()
    cards = HealthInsuranceCard.objects.filter(person=person)
    current = (
        cards.filter(valid_from__lte=today)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))
        .order_by("-valid_from", "-issue_date")
        .first()
    )
    card = current or cards.order_by("-valid_from", "-issue_date").first()
    if card is not None:
        # Its person is the one asked about, its facility and issuing office come from the
        # reference data in memory (shared: read only), rather than three joins.
        card.person = person
        reference = reference_data()
        facility = reference.facility_by_id(card.facility_id)
        if facility is not None:
            card.facility = facility
        office = reference.office_by_id(card.issuing_office_id)
        if office is not None:
            card.issuing_office = office
    return card


def _month_index(day: datetime.date) -> int:
    return day.year * 12 + day.month - 1


def _month_from_index(index: int) -> datetime.date:
    return datetime.date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Gap:
    """Months without participation between two periods of one insurance type."""

    from_month: datetime.date
    to_month: datetime.date
    months: int


@dataclass(frozen=True)
class PeriodRow:
    period: ParticipationPeriod
    # The month counted as the end: to_month, or the current month for an open period.
    end_month: datetime.date
    months: int
    is_open: bool
    # The gap that ends just before this period starts, if any.
    gap_before: Gap | None = None


@dataclass
class TypeHistory:
    insurance_type: str
    label: str
    rows: list[PeriodRow] = field(default_factory=list)
    # Distinct months covered: overlapping periods (two employers at once) count once.
    total_months: int = 0
    gaps: list[Gap] = field(default_factory=list)

    @property
    def total_years_months(self) -> tuple[int, int]:
        return divmod(self.total_months, 12)


@dataclass
class ParticipationHistory:
    types: list[TypeHistory]
    as_of: datetime.date

    @property
    def is_empty(self) -> bool:
        return not self.types


def participation_history(
    *, person: InsuredPerson, today: datetime.date | None = None
) -> ParticipationHistory:
    """The person's periods grouped by insurance type (in the order of InsuranceType),
    with the months of each period, the distinct months per type (an open period counts up
    to the current month) and the gaps between consecutive periods."""
    today = today or timezone.localdate()
    current = _month_index(today)
    periods = ParticipationPeriod.objects.filter(person=person).order_by(
        "insurance_type", "from_month", "to_month"
    )
    by_type: dict[str, list[ParticipationPeriod]] = {}
    for period in periods:
        by_type.setdefault(period.insurance_type, []).append(period)

    types = []
    for value, label in InsuranceType.choices:
        if value not in by_type:
            continue
        history = TypeHistory(insurance_type=value, label=str(label))
        covered_until = None  # the last month index covered so far
        for period in by_type[value]:
            start = _month_index(period.from_month)
            is_open = period.to_month is None
            end = current if is_open else _month_index(period.to_month)
            months = max(0, end - start + 1)
            gap = None
            if covered_until is not None and start > covered_until + 1:
                gap = Gap(
                    from_month=_month_from_index(covered_until + 1),
                    to_month=_month_from_index(start - 1),
                    months=start - covered_until - 1,
                )
                history.gaps.append(gap)
            if months:
                first_new = start if covered_until is None else max(start, covered_until + 1)
                history.total_months += max(0, end - first_new + 1)
                covered_until = end if covered_until is None else max(covered_until, end)
            history.rows.append(
                PeriodRow(
                    period=period,
                    end_month=_month_from_index(max(end, start)),
                    months=months,
                    is_open=is_open,
                    gap_before=gap,
                )
            )
        types.append(history)
    return ParticipationHistory(types=types, as_of=today)
