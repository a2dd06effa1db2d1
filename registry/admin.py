"""Staff screens over the registry. Built for millions of insured persons: no COUNT(*) of a
whole table, every search and filter served by an index, related rows joined, and no
leading-wildcard LIKE on the big tables (see InsuredPersonAdmin.get_search_results)."""
from __future__ import annotations

import re

from django.contrib import admin
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from registry.models import (
    HealthFacility,
    HealthInsuranceCard,
    InsuredPerson,
    Office,
    ParticipationPeriod,
    Province,
)
from registry.text import fold

_CODE_JUNK = re.compile(r"[\s.\-]+")
# Filtered lists count at most this many rows (then "more than ..." pages).
COUNT_CAP = 10_000
# Below this many rows (estimated) an exact COUNT(*) is cheap enough.
ESTIMATE_ABOVE = 100_000


class EstimatedCountPaginator(Paginator):
    """Paginator that never counts a huge table.

    Unfiltered on PostgreSQL: the planner's estimate (pg_class.reltuples), when it is
    large. Filtered, or elsewhere: COUNT(*) over at most COUNT_CAP + 1 rows."""

    @cached_property
    def count(self) -> int:
        queryset = self.object_list
        if not isinstance(queryset, QuerySet):
            return len(queryset)
        connection = connections[queryset.db]
        if connection.vendor == "postgresql" and not queryset.query.where:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass(%s)",
                    [queryset.model._meta.db_table],
                )
                row = cursor.fetchone()
            if row and row[0] and row[0] > ESTIMATE_ABOVE:
                return int(row[0])
        return queryset.order_by()[: COUNT_CAP + 1].count()


class BigTableAdmin(admin.ModelAdmin):
    paginator = EstimatedCountPaginator
    show_full_result_count = False
    list_per_page = 50


def _compact(term: str) -> str:
    return _CODE_JUNK.sub("", term)


class FoldedNameSearchMixin:
    """Small tables: every word of the term (folded) in the folded name, or the term as the
    start of the code ("01 - C54" and "01C54" alike)."""

    search_fields = ("code", "name_folded")  # for autocomplete; the search is below

    def get_search_results(self, request, queryset, search_term):
        words = fold(search_term).split()
        if not words:
            return queryset, False
        by_name = Q()
        for word in words[:6]:
            by_name &= Q(name_folded__contains=word)
        code = _compact(search_term).upper()
        if code.isalnum():
            by_name |= Q(code__startswith=code)
        return queryset.filter(by_name), False


# --- filters ---------------------------------------------------------------------------

class ProvinceFilter(admin.SimpleListFilter):
    """Province filter over any path to a province FK, listing the 34 provinces (never a
    DISTINCT over the big table)."""

    title = _("tỉnh/thành phố")
    parameter_name = "province"
    field_path = "province"

    def lookups(self, request, model_admin):
        return [(str(p.pk), str(p)) for p in Province.objects.order_by("code")]

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(**{f"{self.field_path}_id": int(value)})
        return queryset


class FacilityProvinceFilter(ProvinceFilter):
    title = _("tỉnh/thành phố của nơi KCB")
    field_path = "facility__province"


class PersonProvinceFilter(ProvinceFilter):
    field_path = "person__province"


class BenefitLevelFilter(admin.SimpleListFilter):
    title = _("mức hưởng")
    parameter_name = "benefit_level"

    def lookups(self, request, model_admin):
        return [(str(level), str(level)) for level in range(1, 6)]

    def queryset(self, request, queryset):
        value = self.value()
        if value in {"1", "2", "3", "4", "5"}:
            return queryset.filter(benefit_level=int(value))
        return queryset


# --- reference data --------------------------------------------------------------------

@admin.register(Province)
class ProvinceAdmin(FoldedNameSearchMixin, admin.ModelAdmin):
    list_display = ("code", "name")
    readonly_fields = ("name_folded",)


@admin.register(Office)
class OfficeAdmin(FoldedNameSearchMixin, admin.ModelAdmin):
    list_display = ("code", "name", "level", "province", "parent", "receives_declarations",
                    "is_active")
    list_filter = (ProvinceFilter, "level", "receives_declarations", "is_active")
    list_select_related = ("province", "parent")
    autocomplete_fields = ("parent", "province")
    readonly_fields = ("name_folded",)
    list_per_page = 100


@admin.register(HealthFacility)
class HealthFacilityAdmin(FoldedNameSearchMixin, admin.ModelAdmin):
    list_display = ("code", "printed_code", "name", "level", "province", "accepts_registration")
    list_filter = (ProvinceFilter, "level", "accepts_registration")
    list_select_related = ("province",)
    autocomplete_fields = ("province",)
    readonly_fields = ("name_folded",)
    list_per_page = 100

    @admin.display(description=_("mã in trên thẻ"))
    def printed_code(self, obj: HealthFacility) -> str:
        return obj.printed_code


# --- the insured -----------------------------------------------------------------------

class HealthInsuranceCardInline(admin.TabularInline):
    model = HealthInsuranceCard
    extra = 0
    fields = ("card_number", "participant_group", "benefit_level", "facility", "valid_from",
              "valid_to", "issue_date", "issuing_office", "five_years_from")
    autocomplete_fields = ("facility", "issuing_office")


class ParticipationPeriodInline(admin.TabularInline):
    model = ParticipationPeriod
    extra = 0
    fields = ("insurance_type", "from_month", "to_month", "employer", "job",
              "contribution_salary")


@admin.register(InsuredPerson)
class InsuredPersonAdmin(BigTableAdmin):
    list_display = ("bhxh_code", "full_name", "birth", "sex", "id_number", "province", "office")
    list_filter = (ProvinceFilter, ("office", admin.RelatedFieldListFilter))
    list_select_related = ("province", "office")
    search_fields = ("bhxh_code",)  # for autocomplete/raw id; the search is below
    search_help_text = _(
        "Mã số BHXH (10 số), số CCCD/CMND (12/9 số), số thẻ BHYT, hoặc phần đầu họ tên "
        "(không cần dấu)."
    )
    autocomplete_fields = ("province", "office")
    readonly_fields = ("name_folded", "created_at", "updated_at")
    inlines = (HealthInsuranceCardInline, ParticipationPeriodInline)
    fieldsets = (
        (None, {"fields": ("bhxh_code", "full_name", "name_folded", "date_of_birth",
                           "birth_year", "sex", "id_number")}),
        (_("Liên hệ"), {"fields": ("address", "province", "office", "phone", "email")}),
        (_("Hệ thống"), {"fields": ("created_at", "updated_at")}),
    )

    @admin.display(description=_("ngày sinh"), ordering="date_of_birth")
    def birth(self, obj: InsuredPerson) -> str:
        return obj.date_of_birth.strftime("%d/%m/%Y") if obj.date_of_birth else str(obj.birth_year)

    def get_search_results(self, request: HttpRequest, queryset, search_term: str):
        return person_search(queryset, search_term), False


def person_search(queryset: QuerySet[InsuredPerson], search_term: str) -> QuerySet:
    """Every branch is one index look-up on a million rows:
    10 digits -> bhxh_code (unique); 9/12 digits -> id_number (unique); fewer digits ->
    a range on bhxh_code; an old 15-character card number -> its last 10 digits; anything
    else -> folded name prefix (insured_name_prefix, varchar_pattern_ops on PostgreSQL)."""
    term = search_term.strip()
    if not term:
        return queryset
    compact = _compact(term).upper()
    if compact.isdigit():
        if len(compact) == 10:
            return queryset.filter(bhxh_code=compact)
        if len(compact) in (9, 12):
            return queryset.filter(id_number=compact)
        if len(compact) < 10:
            return queryset.filter(
                bhxh_code__gte=compact.ljust(10, "0"), bhxh_code__lte=compact.ljust(10, "9")
            )
        return queryset.none()
    if re.fullmatch(r"[A-Z]{2}[1-5][0-9]{12}", compact):
        return queryset.filter(bhxh_code=compact[-10:])
    folded = fold(term)
    if not folded:
        return queryset.none()
    return queryset.filter(name_folded__startswith=folded)


@admin.register(HealthInsuranceCard)
class HealthInsuranceCardAdmin(BigTableAdmin):
    list_display = ("card_number", "person", "participant_group", "benefit_level", "facility",
                    "valid_from", "valid_to", "issuing_office")
    list_filter = (FacilityProvinceFilter, ("issuing_office", admin.RelatedFieldListFilter),
                   BenefitLevelFilter)
    list_select_related = ("person", "facility", "issuing_office")
    raw_id_fields = ("person",)
    autocomplete_fields = ("facility", "issuing_office")
    search_fields = ("card_number",)
    search_help_text = _("Số thẻ BHYT (10 hoặc 15 ký tự) hoặc mã số BHXH.")
    ordering = ("card_number",)

    def get_search_results(self, request, queryset, search_term):
        compact = _compact(search_term).upper()
        if not compact:
            return queryset, False
        if len(compact) == 10 and compact.isdigit():
            # The new card number is the BHXH code; an old one ends with it.
            return queryset.filter(
                Q(card_number=compact) | Q(person__bhxh_code=compact)
            ), False
        return queryset.filter(card_number=compact), False


@admin.register(ParticipationPeriod)
class ParticipationPeriodAdmin(BigTableAdmin):
    list_display = ("person", "insurance_type", "from_month", "to_month", "employer", "job",
                    "contribution_salary")
    list_filter = ("insurance_type", PersonProvinceFilter)
    list_select_related = ("person",)
    raw_id_fields = ("person",)
    search_fields = ("person__bhxh_code",)
    search_help_text = _("Mã số BHXH (10 số).")
    # person_id, not person: ordering by the FK name would join and sort by bhxh_code.
    ordering = ("person_id", "insurance_type", "from_month")

    def get_search_results(self, request, queryset, search_term):
        compact = _compact(search_term)
        if not compact:
            return queryset, False
        if len(compact) == 10 and compact.isdigit():
            return queryset.filter(person__bhxh_code=compact), False
        return queryset.none(), False
