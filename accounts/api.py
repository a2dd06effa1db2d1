"""REST API of the accounts app: token authentication."""
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.forms import normalize_login
from accounts.services import LoginRefused, auth_token_issue, login_authenticate
from accounts.services.passwords import password_initial_set
from audit.context import AuditContext


class TokenRequestSerializer(serializers.Serializer):
    bhxh_code = serializers.CharField(
        label=_("Mã số BHXH"),
        max_length=20,
        error_messages={
            "required": _("Nhập mã số BHXH."),
            "blank": _("Nhập mã số BHXH."),
        },
    )
    password = serializers.CharField(
        label=_("Mật khẩu"),
        trim_whitespace=False,
        style={"input_type": "password"},
        write_only=True,
        error_messages={"required": _("Nhập mật khẩu."), "blank": _("Nhập mật khẩu.")},
    )

    def validate(self, attrs: dict) -> dict:
        request = self.context.get("request")
        try:
            attrs["user"] = login_authenticate(
                login=normalize_login(attrs["bhxh_code"]),
                password=attrs["password"],
                context=AuditContext.from_request(request),
                request=request,
            )
        except LoginRefused as exc:
            code = "throttled" if exc.code == "too_many" else "authorization"
            raise serializers.ValidationError(exc.messages[0], code=code) from None
        return attrs


class ObtainTokenView(APIView):
    """Exchange a BHXH code and password for an API token (`Authorization: Token <key>`)."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_scope = "auth"

    @extend_schema(
        request=TokenRequestSerializer,
        responses={200: inline_serializer("Token", {"token": serializers.CharField()})},
        summary="Obtain an API token",
        tags=["auth"],
    )
    def post(self, request: Request) -> Response:
        serializer = TokenRequestSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        token = auth_token_issue(user=serializer.validated_data["user"], request=request)
        return Response({"token": token.key})


class InitialPasswordSerializer(serializers.Serializer):
    new_password = serializers.CharField(
        label=_("Mật khẩu mới"),
        trim_whitespace=False,
        max_length=128,
        style={"input_type": "password"},
        write_only=True,
        error_messages={"required": _("Nhập mật khẩu mới."), "blank": _("Nhập mật khẩu mới.")},
    )


class InitialPasswordView(APIView):
    """Replace the temporary password sent by SMS (required before any other call)."""

    permission_classes = [IsAuthenticated]
    throttle_scope = "auth"

    @extend_schema(
        request=InitialPasswordSerializer,
        responses={
            200: inline_serializer("InitialPasswordSet", {"detail": serializers.CharField()})
        },
        summary="Set your own password in place of the temporary one",
        tags=["auth"],
    )
    def post(self, request: Request) -> Response:
        serializer = InitialPasswordSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            password_initial_set(
                user=request.user,
                new_password=serializer.validated_data["new_password"],
                context=AuditContext.from_request(request),
            )
        except DjangoValidationError as exc:
            if hasattr(exc, "error_dict"):
                raise serializers.ValidationError(exc.message_dict) from None
            raise serializers.ValidationError({"detail": exc.messages}) from None
        return Response({"detail": _("Đã đặt mật khẩu mới.")})
