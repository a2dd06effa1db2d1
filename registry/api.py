"""REST API of the registry look-ups (/api/v1/...): translation only, the reads are in
registry.selectors."""
from __future__ import annotations

from collections.abc import Mapping

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from registry import selectors
from registry.api_fields import PlainCharField
from registry.card_qr import card_qr_payload
from registry.forms import NO_CONTROL_CHARACTERS_PATTERN, parse_birth_date
from registry.models import HealthFacility, HealthInsuranceCard, InsuredPerson, Office, Province
from registry.parsers import (  # noqa: E402,F401 - re-exported for the API views
    TOO_MUCH_MESSAGE,
    FormParser,
    JSONParser,
    MultiPartParser,
)
from registry.reference import reference_data
from registry.throttling import LookupRateThrottle

PARSER_CLASSES = [JSONParser, FormParser, MultiPartParser]


def object_body(request: Request) -> Mapping:
    """request.data when it is an object (a JSON object or form fields); a 400 with a
    Vietnamese message for a JSON list, string, number or null."""
    data = request.data
    if not isinstance(data, Mapping):
        raise ValidationError(
            {"non_field_errors": [_("Nội dung yêu cầu phải là một đối tượng JSON hoặc các "
                                    "trường biểu mẫu.")]}
        )
    return data


def province_code_field(**kwargs) -> PlainCharField:
    """A two-digit province code ("01", "79")."""
    return PlainCharField(
        validators=[RegexValidator(r"^[0-9]{2}\Z", message=_("Mã tỉnh gồm 2 chữ số."))],
        **kwargs,
    )


# --- BHXH code look-up ------------------------------------------------------------------------


class BirthDateOrYearField(PlainCharField):
    """"YYYY-MM-DD" or "YYYY" -> a date or an int year."""

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if len(value) > 10:
            raise serializers.ValidationError(
                _("Nhập ngày sinh dạng YYYY-MM-DD hoặc chỉ năm sinh YYYY.")
            )
        try:
            return parse_birth_date(value, allow_day_first=False)
        except forms.ValidationError as error:
            raise serializers.ValidationError(list(error.messages)) from None


class BhxhCodeLookupSerializer(serializers.Serializer):
    full_name = PlainCharField(
        max_length=100, error_messages={"blank": _("Nhập họ và tên."),
                                        "required": _("Nhập họ và tên.")}
    )
    date_of_birth = BirthDateOrYearField(
        help_text="YYYY-MM-DD, or YYYY when only the year of birth is known.",
        error_messages={"blank": _("Nhập ngày sinh hoặc năm sinh."),
                        "required": _("Nhập ngày sinh hoặc năm sinh.")},
    )
    province = province_code_field(
        help_text="Two-digit province code (2025 codes, e.g. 01 Hà Nội, 79 TP Hồ Chí Minh).",
        error_messages={"blank": _("Nhập mã tỉnh."), "required": _("Nhập mã tỉnh.")},
    )

    def validate_full_name(self, value: str) -> str:
        if not any(ch.isalpha() for ch in value):
            raise serializers.ValidationError(_("Nhập họ và tên bằng chữ."))
        return value

    def validate_province(self, value: str) -> str:
        if not Province.objects.filter(code=value).exists():
            raise serializers.ValidationError(_("Không có tỉnh/thành phố mã %(code)s.")
                                              % {"code": value})
        return value


class MaskedPersonSerializer(serializers.Serializer):
    bhxh_code = serializers.CharField()
    full_name_masked = serializers.SerializerMethodField()
    date_of_birth_masked = serializers.SerializerMethodField()

    def get_full_name_masked(self, person) -> str:
        return selectors.mask_name(person.full_name)

    def get_date_of_birth_masked(self, person) -> str:
        return selectors.mask_birth_date(person)


class BhxhCodeLookupView(APIView):
    """Find a BHXH code by full name, date (or year) of birth and province. Answers show
    the code with a masked name and birth date only. Rate-limited per IP (scope "lookup")."""

    permission_classes = [AllowAny]
    throttle_classes = [LookupRateThrottle]
    parser_classes = PARSER_CLASSES

    @extend_schema(
        request=BhxhCodeLookupSerializer,
        responses={200: inline_serializer(
            "BhxhCodeLookupResult",
            {"count": serializers.IntegerField(), "results": MaskedPersonSerializer(many=True)},
        )},
    )
    def post(self, request: Request) -> Response:
        query = BhxhCodeLookupSerializer(data=object_body(request))
        query.is_valid(raise_exception=True)
        people = selectors.insured_person_lookup(
            full_name=query.validated_data["full_name"],
            date_of_birth=query.validated_data["date_of_birth"],
            province_code=query.validated_data["province"],
        )
        results = MaskedPersonSerializer(people, many=True).data
        return Response({"count": len(results), "results": results}, status=status.HTTP_200_OK)


# --- Offices and health facilities -------------------------------------------------------------


class ReferenceListSerializer(serializers.ListSerializer):
    """A list of offices or facilities from the reference data in memory
    (registry.reference): each row is serialised once per version and language in the
    process, then reused (DRF's serialisation was two thirds of the directory API's time;
    measured in the README). The rows are shared: nothing may change them."""

    def to_representation(self, data):
        derived = reference_data().derived
        child, language = self.child, get_language()
        rows = []
        for item in data:
            key = (type(child), language, item.pk)
            row = derived.get(key)
            if row is None:
                row = derived[key] = child.to_representation(item)
            rows.append(row)
        return rows


class ProvinceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Province
        fields = ["code", "name"]


class OfficeSerializer(serializers.ModelSerializer):
    display_name = serializers.CharField(source="__str__", read_only=True,
                                         help_text='"(code) name", as pickers show it.')
    level_display = serializers.CharField(source="get_level_display", read_only=True)
    # BHXH Việt Nam (the central office) belongs to no province.
    province = ProvinceSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Office
        fields = ["code", "name", "display_name", "level", "level_display", "province",
                  "address", "phone", "receives_declarations"]
        list_serializer_class = ReferenceListSerializer


class HealthFacilitySerializer(serializers.ModelSerializer):
    printed_code = serializers.CharField(read_only=True, help_text='"01 - C54"')
    level_display = serializers.CharField(source="get_level_display", read_only=True)
    province = ProvinceSerializer(read_only=True)

    class Meta:
        model = HealthFacility
        fields = ["code", "printed_code", "name", "level", "level_display", "province",
                  "address", "accepts_registration"]
        list_serializer_class = ReferenceListSerializer


class DirectoryQuerySerializer(serializers.Serializer):
    province = province_code_field(required=False, allow_blank=True)
    q = PlainCharField(required=False, allow_blank=True, max_length=100,
                              error_messages={"max_length": _("Từ khóa tối đa 100 ký tự.")})


class _FilterBooleanField(serializers.BooleanField):
    """true or false; left out (or empty): no filter. "null" is no third answer (DRF's
    BooleanField takes it for None): the schema says boolean."""

    def to_internal_value(self, data):
        if isinstance(data, str) and data in self.NULL_VALUES:
            self.fail("invalid", input=data)
        return super().to_internal_value(data)


class FacilityQuerySerializer(DirectoryQuerySerializer):
    accepts_registration = _FilterBooleanField(
        required=False, allow_null=True, default=None,
        error_messages={"invalid": _("accepts_registration phải là true hoặc false.")},
    )


class _DirectoryView(generics.ListAPIView):
    permission_classes = [AllowAny]
    query_serializer_class: type[serializers.Serializer] = DirectoryQuerySerializer

    def query(self) -> dict:
        params = self.query_serializer_class(data=self.request.query_params)
        if not params.is_valid():
            raise ValidationError(params.errors)
        return params.validated_data


# What DirectoryQuerySerializer accepts, so that the schema refuses what the view refuses.
_DIRECTORY_PARAMETERS = [
    OpenApiParameter("province", {"type": "string", "pattern": r"^([0-9]{2})?$"},
                     description="Two-digit province code (empty: every province)."),
    OpenApiParameter("q", {"type": "string", "maxLength": 100,
                           "pattern": NO_CONTROL_CHARACTERS_PATTERN},
                     description="Name (diacritics optional) or code."),
]


@extend_schema(parameters=_DIRECTORY_PARAMETERS)
class OfficeListView(_DirectoryView):
    """Active BHXH offices, searchable by name without diacritics or by code."""

    serializer_class = OfficeSerializer

    def get_queryset(self):
        query = self.query()
        return selectors.offices_directory(
            province_code=query.get("province", ""), q=query.get("q", "")
        )


@extend_schema(parameters=[
    *_DIRECTORY_PARAMETERS,
    OpenApiParameter("accepts_registration", bool,
                     description="Only facilities that do (true) or do not (false) take "
                                 "first-contact BHYT registration."),
])
class HealthFacilityListView(_DirectoryView):
    """Health facilities, searchable by name without diacritics or by code ("01C54",
    "01 - C54")."""

    serializer_class = HealthFacilitySerializer
    query_serializer_class = FacilityQuerySerializer

    def get_queryset(self):
        query = self.query()
        return selectors.health_facilities_directory(
            province_code=query.get("province", ""),
            q=query.get("q", ""),
            accepts_registration=query.get("accepts_registration"),
        )


# --- The logged-in citizen's card and participation -------------------------------------------


def private_response(response: Response) -> Response:
    """Personal data: no shared cache may keep it."""
    response["Cache-Control"] = "private, no-store"
    return response


def _own_person(request: Request) -> InsuredPerson:
    person = getattr(request.user, "insured_person", None)
    if person is None:
        raise NotFound(_("Tài khoản của bạn chưa gắn với mã số BHXH nào."))
    return person


class _FacilityBriefSerializer(serializers.ModelSerializer):
    printed_code = serializers.CharField(read_only=True)

    class Meta:
        model = HealthFacility
        fields = ["code", "printed_code", "name", "address"]


class _OfficeBriefSerializer(serializers.ModelSerializer):
    display_name = serializers.CharField(source="__str__", read_only=True)

    class Meta:
        model = Office
        fields = ["code", "name", "display_name"]


class MyCardSerializer(serializers.ModelSerializer):
    bhxh_code = serializers.CharField(source="person.bhxh_code")
    full_name = serializers.CharField(source="person.full_name")
    date_of_birth = serializers.SerializerMethodField(
        help_text="YYYY-MM-DD, or YYYY when only the year of birth is on record."
    )
    sex = serializers.CharField(source="person.sex")
    sex_display = serializers.CharField(source="person.get_sex_display")
    facility = _FacilityBriefSerializer()
    issuing_office = _OfficeBriefSerializer(allow_null=True)
    qr_payload = serializers.SerializerMethodField(
        help_text="The text of the card's QR code (BHYT layout; see registry/card_qr.py)."
    )

    class Meta:
        model = HealthInsuranceCard
        fields = ["bhxh_code", "full_name", "date_of_birth", "sex", "sex_display",
                  "card_number", "participant_group", "benefit_level", "facility",
                  "valid_from", "valid_to", "issue_date", "issuing_office",
                  "five_years_from", "qr_payload"]

    def get_date_of_birth(self, card) -> str:
        person = card.person
        if person.date_of_birth:
            return person.date_of_birth.isoformat()
        return str(person.birth_year)

    def get_qr_payload(self, card) -> str:
        return card_qr_payload(card)


_NOT_FOUND_OWN = OpenApiResponse(
    description="The account is not linked to a BHXH code, or (card) no card is on record.")


class MyCardView(APIView):
    """The logged-in citizen's current BHYT card, with the text of its QR code."""

    @extend_schema(responses={200: MyCardSerializer, 404: _NOT_FOUND_OWN})
    def get(self, request: Request) -> Response:
        person = _own_person(request)
        card = selectors.insured_person_current_card(person=person)
        if card is None:
            raise NotFound(_("Chưa có thẻ BHYT nào của bạn trong cơ sở dữ liệu."))
        return private_response(Response(MyCardSerializer(card).data))


@extend_schema_field({"type": "string", "pattern": r"^[0-9]{4}-(0[1-9]|1[0-2])$",
                      "example": "2019-12", "description": "A month, YYYY-MM."})
class MonthField(serializers.DateField):
    """A month as "YYYY-MM" (the first day of the month in the database)."""

    def __init__(self, **kwargs) -> None:
        super().__init__(format="%Y-%m", **kwargs)


class _GapSerializer(serializers.Serializer):
    from_month = MonthField()
    to_month = MonthField()
    months = serializers.IntegerField()


class _PeriodSerializer(serializers.Serializer):
    from_month = MonthField(source="period.from_month")
    to_month = MonthField(source="period.to_month", allow_null=True,
                          help_text="Null while the period is open.")
    is_open = serializers.BooleanField()
    months = serializers.IntegerField(
        help_text="Months of this period; an open period counts up to the current month."
    )
    employer = serializers.CharField(source="period.employer")
    job = serializers.CharField(source="period.job")
    contribution_salary = serializers.IntegerField(source="period.contribution_salary")
    gap_before_months = serializers.SerializerMethodField()

    def get_gap_before_months(self, row) -> int:
        return row.gap_before.months if row.gap_before else 0


class _TypeHistorySerializer(serializers.Serializer):
    insurance_type = serializers.CharField()
    label = serializers.CharField()
    total_months = serializers.IntegerField(
        help_text="Distinct months covered (overlapping periods count once)."
    )
    periods = _PeriodSerializer(source="rows", many=True)
    gaps = _GapSerializer(many=True)


class ParticipationHistorySerializer(serializers.Serializer):
    as_of = serializers.DateField()
    types = _TypeHistorySerializer(many=True)


class MyParticipationView(APIView):
    """The logged-in citizen's participation periods per insurance type, with total months
    per type and the gaps between consecutive periods."""

    @extend_schema(responses={200: ParticipationHistorySerializer, 404: _NOT_FOUND_OWN})
    def get(self, request: Request) -> Response:
        history = selectors.participation_history(person=_own_person(request))
        return private_response(Response(ParticipationHistorySerializer(history).data))
