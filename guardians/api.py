"""REST API of the family view (/api/v1/children/...): the children in the logged-in
guardian's care, each child's BHYT card and participation history. Every read starts
from guardians.selectors: a link that is not in the guardian's care (another family's, an
ended one, a child who has turned 18, a malformed id) is a 404 like any unknown URL."""
from __future__ import annotations

import datetime
import uuid

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from guardians.models import GuardianLink
from guardians.selectors import child_in_care_of, children_in_care_of, coming_of_age_date
from registry import selectors as registry_selectors
from registry.api import MyCardSerializer, ParticipationHistorySerializer, private_response
from registry.models import Sex

TAGS = ["children"]


def _link_in_care(request: Request, link: uuid.UUID) -> GuardianLink:
    found = child_in_care_of(guardian=request.user, link_uuid=link)
    if found is None:
        raise NotFound()  # DRF's own "Not found.", as for any unknown URL: no hint
    return found


class ChildSerializer(serializers.Serializer):
    """One guardianship, seen from the guardian: the child and where to read more."""

    id = serializers.UUIDField(source="uuid", help_text="The guardianship's id (in URLs).")
    bhxh_code = serializers.CharField(source="child.bhxh_code")
    full_name = serializers.CharField(source="child.full_name")
    date_of_birth = serializers.SerializerMethodField(
        help_text="YYYY-MM-DD, or YYYY when only the year of birth is on record."
    )
    sex = serializers.ChoiceField(source="child.sex", choices=Sex.choices)
    # A CharField, not a ChoiceField: the declarations API already names this choice set
    # (GuardianRelationshipEnum), and a second name for it is a schema warning.
    relationship = serializers.CharField(
        help_text="What the guardian is to the child: " + ", ".join(
            f'"{value}"' for value in GuardianLink.Relationship.values
        ) + ".",
    )
    access_until = serializers.SerializerMethodField(
        help_text="The child's 18th birthday (1 January of the year of birth + 18 when only "
                  "the year is on record): from that day on the child's data is no longer "
                  "shown to the guardian."
    )
    card_url = serializers.SerializerMethodField(help_text="The child's BHYT card.")
    participation_url = serializers.SerializerMethodField(
        help_text="The child's participation history."
    )

    def get_date_of_birth(self, link: GuardianLink) -> str:
        child = link.child
        if child.date_of_birth:
            return child.date_of_birth.isoformat()
        return str(child.birth_year)

    def get_access_until(self, link: GuardianLink) -> datetime.date | None:
        return coming_of_age_date(link.child)

    def _url(self, name: str, link: GuardianLink) -> str:
        return self.context["request"].build_absolute_uri(
            reverse(name, kwargs={"link": link.uuid})
        )

    def get_card_url(self, link: GuardianLink) -> str:
        return self._url("api:guardians-child-card", link)

    def get_participation_url(self, link: GuardianLink) -> str:
        return self._url("api:guardians-child-participation", link)


class ChildListView(APIView):
    """The children in the logged-in guardian's care: under 18, guardianship not ended;
    youngest last. A plain list, not paginated (a family is small)."""

    @extend_schema(tags=TAGS, responses={200: ChildSerializer(many=True)})
    def get(self, request: Request) -> Response:
        links = children_in_care_of(guardian=request.user)
        data = ChildSerializer(links, many=True, context={"request": request}).data
        return private_response(Response(data))


class ChildCardView(APIView):
    """The current BHYT card of a child in the guardian's care, with the text of its QR
    code (the same shape as /api/v1/me/card/)."""

    @extend_schema(tags=TAGS, responses={200: MyCardSerializer})
    def get(self, request: Request, link: uuid.UUID) -> Response:
        child = _link_in_care(request, link).child
        card = registry_selectors.insured_person_current_card(person=child)
        if card is None:
            raise NotFound(_("Chưa có thẻ BHYT nào của trẻ trong cơ sở dữ liệu."))
        return private_response(Response(MyCardSerializer(card).data))


class ChildParticipationView(APIView):
    """The participation history of a child in the guardian's care (the same shape as
    /api/v1/me/participation/)."""

    @extend_schema(tags=TAGS, responses={200: ParticipationHistorySerializer})
    def get(self, request: Request, link: uuid.UUID) -> Response:
        child = _link_in_care(request, link).child
        history = registry_selectors.participation_history(person=child)
        return private_response(Response(ParticipationHistorySerializer(history).data))
