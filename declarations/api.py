"""REST API of the declarations area: POST /api/v1/registrations/ (multipart)."""
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from declarations.forms import DATE_INPUT_FORMATS
from declarations.services.registration import (
    PHOTO_KINDS,
    RegistrationData,
    declaration_submit_self_registration,
    photos_sanitize,
)
from declarations.status_links import status_url
from registry.api import FormParser, MultiPartParser, PlainCharField

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
    return serializers.FileField(
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

    def validate(self, attrs: dict) -> dict:
        uploads = {kind.value: attrs.pop(kind.value, None) for kind in PHOTO_KINDS}
        photos, errors = photos_sanitize(uploads)
        if errors:
            raise serializers.ValidationError(errors)
        attrs["photos"] = photos
        return attrs


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
            400: inline_serializer(
                "RegistrationErrors",
                {"field": serializers.ListField(child=serializers.CharField())},
            ),
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
                    "status_url": "https://example.vn/declarations/status/…/",
                },
            )
        ],
    )
    def post(self, request: Request) -> Response:
        serializer = RegistrationRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        photos = values.pop("photos")
        try:
            declaration = declaration_submit_self_registration(
                data=RegistrationData(**values),
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
