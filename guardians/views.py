"""The guardian's family view: the children in their care, and each child's BHYT card and
participation history on registry's pages. Every read starts from guardians.selectors:
another family's link, an ended one or a child who has turned 18 is a 404, never data."""
from __future__ import annotations

import uuid

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from guardians.models import GuardianLink
from guardians.selectors import child_in_care_of, children_in_care_of, coming_of_age_date
from registry.views import card_context, participation_context


def _link_in_care_or_404(request: HttpRequest, link: uuid.UUID) -> GuardianLink:
    found = child_in_care_of(guardian=request.user, link_uuid=link)
    if found is None:
        raise Http404
    return found


def _child_context(found: GuardianLink) -> dict:
    return {
        "child": found.child,
        "back_link": {"url": reverse("guardians:family"), "label": _("Gia đình")},
    }


@never_cache
@require_safe
@login_required
def family(request: HttpRequest) -> HttpResponse:
    children = [
        {"link": link, "child": link.child, "access_until": coming_of_age_date(link.child)}
        for link in children_in_care_of(guardian=request.user)
    ]
    return render(request, "guardians/family.html", {"children": children})


@never_cache
@require_safe
@login_required
def child_card(request: HttpRequest, link: uuid.UUID) -> HttpResponse:
    found = _link_in_care_or_404(request, link)
    context = card_context(found.child) | _child_context(found)
    return render(request, "registry/my_card.html", context)


@never_cache
@require_safe
@login_required
def child_participation(request: HttpRequest, link: uuid.UUID) -> HttpResponse:
    found = _link_in_care_or_404(request, link)
    context = participation_context(found.child) | _child_context(found)
    return render(request, "registry/my_participation.html", context)
