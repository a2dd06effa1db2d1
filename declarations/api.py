"""REST API of the declarations area: POST /api/v1/registrations/ (self-registration,
multipart), POST /api/v1/children/registrations/ (a child's, multipart), and the citizen's
declarations: GET /api/v1/declarations/, /declarations/<id>/, /declarations/<id>/pdf/,
POST /declarations/<id>/share/, GET /children/<id>/declarations/."""
from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, Throttled
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from audit.actions import AuditAction
from audit.context import AuditContext
from audit.services import audit_record
from declarations.forms import DATE_INPUT_FORMATS
from declarations.limits import registry_check_allowed, submit_allowed, web_rate_allowed
from declarations.models import Declaration
from declarations.private_files import private_file_response
from declarations.selectors import declaration_visible_to_citizen, declarations_visible_to_citizen
from declarations.services.child_registration import (
    ChildRegistrationData,
    child_photos_missing_errors,
    child_registration_validate,
    declaration_submit_child_registration,
)
from declarations.services.pdf import declaration_pdf_filename
from declarations.services.registration import (
    PHOTO_KINDS,
    RegistrationData,
    declaration_submit_self_registration,
    photos_missing_errors,
    photos_sanitize,
    self_registration_validate,
)
from declarations.services.sharing import declaration_share_by_email
from declarations.status_links import status_url
from guardians.models import GuardianLink
from guardians.selectors import child_in_care_of
from registry.api import FormParser, MultiPartParser, PlainCharField
from registry.api_fields import DetailSerializer, UploadField

_SEX_ALIASES = {
    "m": "M", "nam": "M", "male": "M", "1": "M",
    "f": "F", "nu": "F", "nữ": "F", "female": "F", "2": "F",
}


def _text(label, max_length: int) -> PlainCharField:
    # Presence and shape are checked by the service, in the same words as on the web.
    return PlainCharField(
        label=label, required=False, allow_blank=True, max_length=max_length, default="",
        error_messages={"max_length": _("Giá trị quá dài."),
                        "invalid": _("Giá trị phải là chuỗi ký tự.")},
    )


def _photo(label) -> serializers.FileField:
    return UploadField(
        label=label, required=False, allow_empty_file=True,
        error_messages={"invalid": _("Vui lòng gửi ảnh dưới dạng tệp (multipart/form-data).")},
    )


class RegistrationRequestSerializer(serializers.Serializer):
    bhxh_code = _text(_("Mã số BHXH"), 20)
    full_name = _text(_("Họ và tên"), 100)
    date_of_birth = serializers.DateField(
        label=_("Ngày sinh"), required=False, allow_null=True, default=None,
        input_formats=DATE_INPUT_FORMATS,
        error_messages={"invalid": _("Ngày sinh không hợp lệ (định dạng YYYY-MM-DD).")},
    )
    sex = _text(_("Giới tính (M/F)"), 10)
    id_type = _text(_("Loại giấy tờ (cccd|cmnd|passport)"), 10)
    id_number = _text(_("Số giấy tờ"), 20)
    address = _text(_("Địa chỉ"), 300)
    phone = _text(_("Số điện thoại di động"), 20)
    email = _text(_("Thư điện tử"), 254)
    office = _text(_("Mã cơ quan BHXH tiếp nhận"), 8)
    send_email = serializers.BooleanField(
        label=_("Gửi email tờ khai"), required=False, default=False,
        error_messages={"invalid": _("send_email phải là true hoặc false.")},
    )
    portrait = _photo(_("Ảnh chân dung"))
    id_front = _photo(_("Ảnh mặt trước giấy tờ"))
    id_back = _photo(_("Ảnh mặt sau giấy tờ"))

    def validate_sex(self, value: str) -> str:
        return _SEX_ALIASES.get(value.strip().casefold(), value.strip())

    def validate_id_type(self, value: str) -> str:
        return value.strip().lower()

    # No photo is decoded here: the view checks the data against the registry first.


class RegistrationResponseSerializer(serializers.Serializer):
    number = serializers.CharField()
    status = serializers.CharField()
    status_url = serializers.URLField()


class RegistrationCreateView(APIView):
    """File a self-registration declaration (Mẫu 01/ĐK-GD) with three photos. No account
    needed; the answer carries the declaration number and the status link."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    parser_classes = [MultiPartParser, FormParser]
    throttle_scope = "registration"

    @extend_schema(
        request={"multipart/form-data": RegistrationRequestSerializer},
        responses={
            201: RegistrationResponseSerializer,
            400: OpenApiResponse(description="The messages by field: data that does not "
                                             "match the registry, a photo missing or "
                                             "unreadable."),
        },
        summary="Register an account (self-registration declaration)",
        tags=["registrations"],
        examples=[
            OpenApiExample(
                "Created",
                response_only=True,
                status_codes=["201"],
                value={
                    "number": "DK2611-7Q4K9M",
                    "status": "submitted",
                    "status_url": "https://example.vn/to-khai/trang-thai/…/",
                },
            )
        ],
    )
    def post(self, request: Request) -> Response:
        if not submit_allowed(request):
            raise Throttled()
        serializer = RegistrationRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        uploads = {kind.value: values.pop(kind.value, None) for kind in PHOTO_KINDS}
        data = RegistrationData(**values)
        # The look-up's per-address budget: checking typed data against the registry is
        # no faster here than on the look-up or the web form.
        if not registry_check_allowed(request):
            raise Throttled()
        # The cheap checks first: a request refused by the registry (or without its three
        # photos) decodes no photo; then the photos, one at a time.
        errors: dict = {}
        try:
            self_registration_validate(data=data)
        except DjangoValidationError as exc:
            errors.update(exc.error_dict)
        errors.update(photos_missing_errors(uploads, data.id_type))
        if errors:
            raise serializers.ValidationError(DjangoValidationError(errors).message_dict)
        photos, photo_errors = photos_sanitize(uploads)
        if photo_errors:
            raise serializers.ValidationError(photo_errors)
        try:
            declaration = declaration_submit_self_registration(
                data=data,
                photos=photos,
                language=getattr(request, "LANGUAGE_CODE", "vi"),
                request=request,
            )
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.message_dict) from None
        return Response(
            {
                "number": declaration.number,
                "status": declaration.status,
                "status_url": status_url(declaration),
            },
            status=status.HTTP_201_CREATED,
        )


# --- a child's registration and the citizen's declarations ------------------------------

def _private(response: Response) -> Response:
    """Personal data: no shared cache may keep it."""
    response["Cache-Control"] = "private, no-store"
    return response


def _drf_errors(exc: DjangoValidationError) -> serializers.ValidationError:
    errors = {("non_field_errors" if field == "__all__" else field): messages
              for field, messages in exc.message_dict.items()}
    return serializers.ValidationError(errors)


class ChildRegistrationRequestSerializer(serializers.Serializer):
    bhxh_code = _text(_("Mã số BHXH của con"), 20)
    full_name = _text(_("Họ và tên của con"), 100)
    relationship = serializers.ChoiceField(
        label=_("Quan hệ với trẻ (father|mother|guardian)"),
        choices=GuardianLink.Relationship.choices, required=False,
        default=GuardianLink.Relationship.GUARDIAN,
        error_messages={"invalid_choice": _("Vui lòng chọn quan hệ của bạn với trẻ.")},
    )
    office = _text(_("Mã cơ quan BHXH tiếp nhận"), 8)
    accept_commitment = serializers.BooleanField(
        label=_("Đồng ý với cam kết"), required=False, default=False,
        error_messages={"invalid": _("accept_commitment phải là true hoặc false.")},
    )
    portrait = _photo(_("Ảnh chân dung của con"))
    birth_certificate = _photo(_("Ảnh giấy khai sinh của con"))


@extend_schema_field(OpenApiTypes.URI)
class _UrlField(serializers.SerializerMethodField):
    """An absolute URL, from the get_<name> method."""


class DeclarationSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uuid", read_only=True)
    office = serializers.CharField(source="office.code", read_only=True)
    url = _UrlField()
    pdf_url = serializers.SerializerMethodField(help_text="Null until the PDF is rendered.")

    class Meta:
        model = Declaration
        fields = [
            "id", "number", "kind", "status", "bhxh_code", "full_name", "date_of_birth",
            "office", "guardian_relationship", "submitted_at", "decided_at",
            "rejection_reason_code", "rejection_reason", "url", "pdf_url",
        ]

    def get_url(self, declaration: Declaration) -> str:
        return self.context["request"].build_absolute_uri(
            reverse("api:declaration", kwargs={"uuid": declaration.uuid}))

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_pdf_url(self, declaration: Declaration) -> str | None:
        if not declaration.pdf:
            return None
        return self.context["request"].build_absolute_uri(
            reverse("api:declaration-pdf", kwargs={"uuid": declaration.uuid}))


def _visible_or_404(request: Request, uuid) -> Declaration:
    declaration = declaration_visible_to_citizen(user=request.user, declaration_uuid=uuid)
    if declaration is None:
        raise NotFound()
    return declaration


class ChildRegistrationCreateView(APIView):
    """A parent or guardian files the registration of an account for their child (under
    18, no CCCD on file, no account, no pending declaration, name as in the registry).
    The child's messages go to the guardian's phone and e-mail."""

    parser_classes = [MultiPartParser, FormParser]
    throttle_scope = "registration"

    @extend_schema(
        request={"multipart/form-data": ChildRegistrationRequestSerializer},
        responses={201: DeclarationSerializer,
                   400: OpenApiResponse(description="The messages by field: a child not in "
                                                    "the registry or not yours to register, "
                                                    "a photo missing or unreadable.")},
        summary="Register an account for a child", tags=["children"],
    )
    def post(self, request: Request) -> Response:
        serializer = ChildRegistrationRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        uploads = {kind: values.pop(kind, None) for kind in ("portrait", "birth_certificate")}
        if not (web_rate_allowed(request, scope="child_check", ident=f"user:{request.user.pk}")
                and registry_check_allowed(request)):
            raise Throttled()
        if not submit_allowed(request):
            raise Throttled()
        data = ChildRegistrationData(
            bhxh_code=values["bhxh_code"], full_name=values["full_name"],
            relationship=values["relationship"], office=values["office"],
            commitment_accepted=values["accept_commitment"],
        )
        # The cheap checks first: no photo is decoded for a request refused anyway.
        errors: dict = {}
        try:
            child_registration_validate(guardian=request.user, data=data)
        except DjangoValidationError as exc:
            errors.update(exc.error_dict)
        errors.update({kind: msgs for kind, msgs in child_photos_missing_errors(
            {kind: upload for kind, upload in uploads.items() if upload is not None}).items()})
        if errors:
            raise _drf_errors(DjangoValidationError(errors))
        photos, photo_errors = photos_sanitize(uploads)
        if photo_errors:
            raise serializers.ValidationError(photo_errors)
        try:
            declaration = declaration_submit_child_registration(
                guardian=request.user, data=data, photos=photos,
                language=getattr(request, "LANGUAGE_CODE", "vi"),
                context=AuditContext.from_request(request),
            )
        except DjangoValidationError as exc:
            raise _drf_errors(exc) from None
        body = DeclarationSerializer(declaration, context={"request": request}).data
        return _private(Response(body, status=status.HTTP_201_CREATED))


class DeclarationListView(APIView):
    """The citizen's declarations (own and children's, newest first, at most 50);
    `/children/<id>/declarations/` narrows to one child in the guardian's care."""

    @extend_schema(responses={200: DeclarationSerializer(many=True)}, tags=["declarations"],
                   summary="My declarations and my children's")
    def get(self, request: Request, child=None) -> Response:
        declarations = declarations_visible_to_citizen(user=request.user)
        if child is not None:
            link = child_in_care_of(guardian=request.user, link_uuid=child)
            if link is None:
                raise NotFound()
            declarations = declarations.filter(insured_person_id=link.child_id)
        rows = declarations.select_related("office").order_by("-submitted_at")[:50]
        return _private(Response(
            DeclarationSerializer(rows, many=True, context={"request": request}).data))


class DeclarationDetailView(APIView):
    @extend_schema(responses={200: DeclarationSerializer}, tags=["declarations"],
                   summary="One of my declarations or my children's")
    def get(self, request: Request, uuid) -> Response:
        declaration = _visible_or_404(request, uuid)
        return _private(Response(
            DeclarationSerializer(declaration, context={"request": request}).data))


class DeclarationPdfView(APIView):
    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY,
                              202: OpenApiResponse(
                                  DetailSerializer,
                                  description="The PDF is still being made: try again "
                                              "after Retry-After seconds.")},
                   parameters=[OpenApiParameter("Retry-After", int, OpenApiParameter.HEADER,
                                                required=True, response=[202])],
                   tags=["declarations"], summary="The declaration's PDF")
    def get(self, request: Request, uuid):
        declaration = _visible_or_404(request, uuid)
        if not declaration.pdf:
            response = Response({"detail": _("Tờ khai PDF đang được tạo. Vui lòng thử lại "
                                             "sau ít phút.")}, status=202)
            response["Retry-After"] = "30"
            return _private(response)
        try:
            response = private_file_response(
                declaration.pdf.name, content_type="application/pdf", as_attachment=True,
                filename=declaration_pdf_filename(declaration),
            )
        except FileNotFoundError:
            raise NotFound() from None
        audit_record(action=AuditAction.PDF_VIEWED, target=declaration, actor=request.user,
                     data={"number": declaration.number, "channel": "api"}, request=request)
        return response


class DeclarationShareSerializer(serializers.Serializer):
    email = _text(_("Địa chỉ thư điện tử nhận tờ khai"), 254)


class DeclarationShareView(APIView):
    """Send the declaration (PDF attached) on to an e-mail address."""

    throttle_scope = "declaration_share"

    @extend_schema(request=DeclarationShareSerializer,
                   responses={202: DetailSerializer}, tags=["declarations"],
                   summary="Send a declaration on by e-mail")
    def post(self, request: Request, uuid) -> Response:
        declaration = _visible_or_404(request, uuid)
        serializer = DeclarationShareSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        if not web_rate_allowed(request, scope="declaration_share",
                                ident=f"user:{request.user.pk}"):
            raise Throttled()
        try:
            declaration_share_by_email(
                declaration=declaration, email=serializer.validated_data["email"],
                actor=request.user, context=AuditContext.from_request(request),
            )
        except DjangoValidationError as exc:
            raise _drf_errors(exc) from None
        return Response({"detail": _("Tờ khai sẽ được gửi tới địa chỉ thư điện tử đã nhập.")},
                        status=status.HTTP_202_ACCEPTED)
