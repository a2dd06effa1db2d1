"""POST /api/v1/scan/: a photo of a CCCD or BHYT card -> the fields of its QR code."""
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.scanning import ScanError, scan_image
from accounts.scanning.images import MAX_BYTES
from registry.api_fields import UploadField
from registry.parsers import FormParser, MultiPartParser


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
    kind = serializers.ChoiceField(
        label=_("Loại thẻ"),
        choices=[("cccd", "CCCD"), ("bhyt", "BHYT")],
        required=False,
        allow_blank=True,
        error_messages={"invalid_choice": _("Loại thẻ phải là “cccd” hoặc “bhyt”.")},
    )

    def validate_image(self, upload):
        if upload.size > MAX_BYTES:
            raise serializers.ValidationError(
                _("Ảnh quá lớn: tối đa %(max)s MB.") % {"max": MAX_BYTES // (1024 * 1024)},
                code="too_large",
            )
        return upload


class ScanView(APIView):
    """Read the QR code on a photo of a CCCD or BHYT card (helper for the registration form).

    Anyone may call it (the citizen registering has no account yet); it is throttled
    (scope "scan") and keeps nothing: the picture and the fields are not stored or logged.
    """

    permission_classes = [AllowAny]
    throttle_scope = "scan"
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request={"multipart/form-data": ScanRequestSerializer},
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
        upload = serializer.validated_data["image"]
        kind = serializer.validated_data.get("kind") or None
        upload.seek(0)
        data = upload.read()
        try:
            result = scan_image(data, kind=kind)
        except ScanError as exc:
            raise serializers.ValidationError(
                {"image": exc.messages}, code=getattr(exc, "code", None) or "invalid"
            ) from None
        return Response({"kind": result.kind, "fields": result.fields})
