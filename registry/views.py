"""Web pages of the registry look-ups: translation only, the reads are in
registry.selectors. The card and history pages' contexts live here too; the citizen's own
pages are mounted by accounts (/tai-khoan/), a child's by guardians (/gia-dinh/)."""
from __future__ import annotations

import math

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from registry import selectors
from registry.card_qr import card_qr_payload, card_qr_png_data_uri
from registry.forms import BhxhCodeLookupForm, DirectorySearchForm, FacilitySearchForm
from registry.models import InsuredPerson
from registry.reference import reference_data
from registry.throttling import LookupRateThrottle

TYPED_FIELDS = ("full_name", "date_of_birth", "province")


def _masked(people: list) -> list[dict]:
    return [
        {
            "bhxh_code": person.bhxh_code,
            "full_name_masked": selectors.mask_name(person.full_name),
            "date_of_birth_masked": selectors.mask_birth_date(person),
        }
        for person in people
    ]


@never_cache
@require_http_methods(["GET", "POST"])
def lookup_bhxh_code(request: HttpRequest) -> HttpResponse:
    results = None
    page_errors: list[str] = []
    status = 200
    if request.method == "POST":
        throttle = LookupRateThrottle()
        if not throttle.allow_request(request, None):
            minutes = max(1, math.ceil((throttle.wait() or 60) / 60))
            page_errors.append(
                _("Bạn đã tra cứu quá nhiều lần. Vui lòng thử lại sau %(minutes)s phút.")
                % {"minutes": minutes}
            )
            status = 429
            # Show what was typed again, without judging it.
            form = BhxhCodeLookupForm(
                initial={name: request.POST.get(name, "") for name in TYPED_FIELDS},
                request=request,
            )
        else:
            form = BhxhCodeLookupForm(request.POST, request=request)
            if form.is_valid():
                results = _masked(
                    selectors.insured_person_lookup(
                        full_name=form.cleaned_data["full_name"],
                        date_of_birth=form.cleaned_data["date_of_birth"],
                        province_code=form.cleaned_data["province"].code,
                    )
                )
    else:
        form = BhxhCodeLookupForm(request=request)
    token, question = form.human_check.issue()
    return render(
        request,
        "registry/lookup_bhxh_code.html",
        {
            "form": form,
            "check_token": token,
            "check_question": question,
            "results": results,
            "page_errors": page_errors,
        },
        status=status,
    )


DIRECTORY_PAGE_SIZE = 20


def _directory_page(request: HttpRequest, form, queryset, template: str) -> HttpResponse:
    """A GET search form and one page of results; the page links keep the query."""
    if form.is_valid():
        results = queryset(form.cleaned_data)
    else:
        results = queryset({})
    page = Paginator(results, DIRECTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        template,
        {
            "form": form,
            "page_obj": page,
            "query_string": query.urlencode(),
            # Each result is rendered once per version of the reference data and language
            # ({% fragment %}: the same for every visitor).
            "reference_version": reference_data().version,
        },
    )


@require_safe
def offices(request: HttpRequest) -> HttpResponse:
    form = DirectorySearchForm(request.GET or None)

    def search(cleaned: dict):
        province = cleaned.get("province")
        return selectors.offices_directory(
            province_code=province.code if province else "", q=cleaned.get("q", "")
        )

    return _directory_page(request, form, search, "registry/offices.html")


@require_safe
def facilities(request: HttpRequest) -> HttpResponse:
    form = FacilitySearchForm(request.GET or None)

    def search(cleaned: dict):
        province = cleaned.get("province")
        return selectors.health_facilities_directory(
            province_code=province.code if province else "",
            q=cleaned.get("q", ""),
            accepts_registration=True if cleaned.get("accepts_registration") else None,
        )

    return _directory_page(request, form, search, "registry/facilities.html")


def card_context(person: InsuredPerson | None) -> dict:
    """What registry/my_card.html shows of `person`'s current card. The caller has decided
    that the user may see it (their own card, or a child's in their care); the template
    also takes `child` (then headed with the child's name) and `back_link` ({url, label})."""
    card = selectors.insured_person_current_card(person=person) if person else None
    context = {"person": person, "card": card}
    if card is not None:
        today = timezone.localdate()
        context.update(
            qr_data_uri=card_qr_png_data_uri(card_qr_payload(card)),
            is_valid_today=card.valid_from <= today
            and (card.valid_to is None or card.valid_to >= today),
            not_yet_valid=card.valid_from > today,
        )
    return context


# How the types are abbreviated in print (the stored value has no Đ and no hyphen).
SHORT_TYPE_NAMES = {"BHTNLD_BNN": "BHTNLĐ-BNN"}


def _money(amount: int) -> str:
    """8500000 -> "8.500.000" (Vietnamese digit grouping)."""
    return f"{amount:,}".replace(",", ".")


def participation_context(person: InsuredPerson | None) -> dict:
    """What registry/my_participation.html shows of `person`'s history; the caller has
    decided that the user may see it. The template takes `child` and `back_link` too."""
    history = selectors.participation_history(person=person) if person else None
    types = []
    for type_history in history.types if history else []:
        years, months = type_history.total_years_months
        types.append(
            {
                "history": type_history,
                "short": SHORT_TYPE_NAMES.get(
                    type_history.insurance_type, type_history.insurance_type
                ),
                "years": years,
                "months": months,
                "rows": [
                    {"row": row, "salary": _money(row.period.contribution_salary)}
                    for row in type_history.rows
                ],
            }
        )
    return {"person": person, "history": history, "types": types}
