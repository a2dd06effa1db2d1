"""POST /api/v1/scan/: a photo of a CCCD or BHYT card, or the raw bytes of its QR code
already read by the browser (camera), -> the fields of its QR code."""
import base64
import binascii

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.scanning import ScanError, parse_payload_of_kind, scan_image
from accounts.scanning.images import MAX_BYTES
from registry.api_fields import UploadField
from registry.parsers import FormParser, JSONParser, MultiPartParser

# A QR code holds at most 2,953 bytes (version 40, byte mode, level L).
MAX_PAYLOAD_BYTES = 2953


class ScanRequestSerializer(serializers.Serializer):
    # A FileField, not an ImageField: DRF's ImageField opens any format Pillow knows;
    # scan_image opens the picture through the restricted opener instead.
    image = UploadField(
        label=_("Ảnh chụp mã QR"),
        allow_empty_file=True,
        error_messages={
            "required": _("Chọn ảnh chụp mã QR trên thẻ CCCD hoặc thẻ BHYT."),
            "invalid": _("Chọn ảnh chụp mã QR trên thẻ CCCD hoặc thẻ BHYT."),
        },
    )
    payload = serializers.CharField(
        label=_("Nội dung mã QR (base64)"),
        required=False,
        max_length=4 * ((MAX_PAYLOAD_BYTES + 2) // 3),
        trim_whitespace=True,
        help_text="The QR code's raw bytes in standard base64, as read by the browser "
                  "(camera). Instead of `image`; decoded by the same rules as a photo's.",
        error_messages={"max_length": _("Mã QR quá dài: đây không phải mã QR của thẻ CCCD "
                                        "hoặc thẻ BHYT.")},
    )
    kind = serializers.ChoiceField(
        label=_("Loại thẻ"),
        choices=[("cccd", "CCCD"), ("bhyt", "BHYT")],
        required=False,
        allow_blank=True,
        error_messages={"invalid_choice": _("Loại thẻ phải là “cccd” hoặc “bhyt”.")},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        data = kwargs.get("data")
        # One of the two: a photo, or the code's bytes read by the browser.
        if hasattr(data, "__contains__") and "payload" in data:
            self.fields["image"].required = False

    def validate_image(self, upload):
        if upload.size > MAX_BYTES:
            raise serializers.ValidationError(
                _("Ảnh quá lớn: tối đa %(max)s MB.") % {"max": MAX_BYTES // (1024 * 1024)},
                code="too_large",
            )
        return upload

    def validate_payload(self, value: str) -> bytes:
        try:
            data = base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raise serializers.ValidationError(
                _("Nội dung mã QR không đọc được."), code="invalid") from None
        if not data:
            raise serializers.ValidationError(_("Nội dung mã QR không đọc được."), code="invalid")
        return data

    def validate(self, attrs):
        has_image = attrs.get("image") is not None
        has_payload = attrs.get("payload") is not None
        if has_image == has_payload:
            raise serializers.ValidationError(
                {"image": [_("Chọn ảnh chụp mã QR trên thẻ CCCD hoặc thẻ BHYT.")]},
                code="required")
        return attrs


class ScanView(APIView):
    """Read the QR code on a photo of a CCCD or BHYT card (helper for the registration form).

    Anyone may call it (the citizen registering has no account yet); it is throttled
    (scope "scan") and keeps nothing: the picture and the fields are not stored or logged.
    """

    permission_classes = [AllowAny]
    throttle_scope = "scan"
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(
        request={"multipart/form-data": ScanRequestSerializer,
                 "application/json": ScanRequestSerializer},
        responses={
            200: inline_serializer("ScanResult", {
                "kind": serializers.ChoiceField(choices=["cccd", "bhyt"]),
                "fields": serializers.DictField(child=serializers.CharField()),
            }),
        },
        examples=[OpenApiExample("CCCD", response_only=True, status_codes=["200"], value={
            "kind": "cccd",
            "fields": {"id_number": "001099012345", "full_name": "Trần Văn Đức",
                       "date_of_birth": "1999-01-01", "sex": "M", "address": "Xã Đức Phổ",
                       "issue_date": "2021-01-01"},
        })],
        summary="Read the QR code of a CCCD or BHYT card",
        tags=["registration"],
    )
    def post(self, request: Request) -> Response:
        serializer = ScanRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        kind = serializer.validated_data.get("kind") or None
        payload = serializer.validated_data.get("payload")
        try:
            if payload is not None:
                result = parse_payload_of_kind(payload, kind=kind)
            else:
                upload = serializer.validated_data["image"]
                upload.seek(0)
                result = scan_image(upload.read(), kind=kind)
        except ScanError as exc:
            raise serializers.ValidationError(
                {"payload" if payload is not None else "image": exc.messages},
                code=getattr(exc, "code", None) or "invalid",
            ) from None
        return Response({"kind": result.kind, "fields": result.fields})
