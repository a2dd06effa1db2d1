"""REST API of the accounts app: token authentication."""
from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.forms import normalize_login
from accounts.login_throttle import login_blocked, login_failed, login_succeeded
from accounts.services import auth_token_issue


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
        username = normalize_login(attrs["bhxh_code"])
        address = request.META.get("REMOTE_ADDR") if request is not None else None
        if login_blocked(username=username, address=address):
            raise serializers.ValidationError(
                _("Bạn đã nhập sai quá nhiều lần. Vui lòng thử lại sau 15 phút."),
                code="throttled",
            )
        user = authenticate(request=request, username=username, password=attrs["password"])
        # One message for every failure: it must not tell which part was wrong.
        if user is None or not user.is_active:
            login_failed(username=username, address=address)
            raise serializers.ValidationError(
                _("Mã số BHXH hoặc mật khẩu không đúng."), code="authorization"
            )
        login_succeeded(username=username)
        attrs["user"] = user
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
