"""REST API of the accounts app: token authentication."""
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import RegexValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.devices import device_token_for, device_token_knows
from accounts.forms import normalize_login
from accounts.services import (
    LoginRefused,
    auth_token_issue,
    login_authenticate,
    password_change_confirm,
    password_change_request,
    password_reset_confirm,
    password_reset_request,
)
from accounts.services.otp import OTPError
from accounts.services.passwords import password_initial_set
from audit.context import AuditContext
from registry.api_fields import DetailSerializer, StrictCharField


class TokenRequestSerializer(serializers.Serializer):
    bhxh_code = StrictCharField(
        label=_("Mã số BHXH"),
        max_length=20,
        error_messages={
            "required": _("Nhập mã số BHXH."),
            "blank": _("Nhập mã số BHXH."),
        },
    )
    password = StrictCharField(
        label=_("Mật khẩu"),
        trim_whitespace=False,
        style={"input_type": "password"},
        write_only=True,
        error_messages={"required": _("Nhập mật khẩu."), "blank": _("Nhập mật khẩu.")},
    )
    device_token = StrictCharField(
        label=_("Mã thiết bị"), required=False, allow_blank=True, max_length=1000,
        help_text=_("device_token của lần đăng nhập trước trên thiết bị này: giúp đăng nhập "
                    "được cả khi người khác nhập sai nhiều lần."),
    )

    def validate(self, attrs: dict) -> dict:
        request = self.context.get("request")
        login = normalize_login(attrs["bhxh_code"])
        try:
            attrs["user"] = login_authenticate(
                login=login,
                password=attrs["password"],
                context=AuditContext.from_request(request),
                request=request,
                known_device=device_token_knows(attrs.get("device_token", ""), login),
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
        responses={200: inline_serializer("Token", {"token": serializers.CharField(),
                                                    "device_token": serializers.CharField()})},
        summary="Obtain an API token",
        tags=["auth"],
    )
    def post(self, request: Request) -> Response:
        serializer = TokenRequestSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        token = auth_token_issue(user=user, request=request)
        return Response({"token": token.key, "device_token": device_token_for(user)})


class InitialPasswordSerializer(serializers.Serializer):
    new_password = StrictCharField(
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


def _password_field(label):
    return StrictCharField(
        label=label, trim_whitespace=False, max_length=128, write_only=True,
        style={"input_type": "password"},
        error_messages={"required": _("Nhập mật khẩu."), "blank": _("Nhập mật khẩu.")},
    )


def _raise_drf(exc: DjangoValidationError) -> None:
    if hasattr(exc, "error_dict"):
        raise serializers.ValidationError(exc.message_dict) from None
    raise serializers.ValidationError({"detail": exc.messages}) from None


def _challenge_body(challenge) -> dict:
    return {
        "detail": _("Mã OTP đã được gửi qua SMS tới số %(to)s.") % {
            "to": challenge.masked_destination
        },
        "resend_after": challenge.resend_in,
        "expires_in": max(0, int((challenge.expires_at - timezone.now()).total_seconds())),
    }


class PasswordChangeSerializer(serializers.Serializer):
    old_password = _password_field(_("Mật khẩu hiện tại"))
    new_password = _password_field(_("Mật khẩu mới"))


class OTPSerializer(serializers.Serializer):
    otp = StrictCharField(
        label=_("Mã OTP"), max_length=12,
        error_messages={"required": _("Nhập mã OTP."), "blank": _("Nhập mã OTP.")},
    )


_OTP_CHALLENGE = inline_serializer("OTPChallenge", {
    "detail": serializers.CharField(),
    "resend_after": serializers.IntegerField(help_text="Seconds before a resend is allowed."),
    "expires_in": serializers.IntegerField(help_text="Seconds the code stays valid."),
})


class PasswordChangeView(APIView):
    """Step 1 of a password change: the current and the new password; an OTP goes by SMS
    to the registered phone. Sending again (after 60 s) resends for the same change."""

    throttle_scope = "otp"

    @extend_schema(request=PasswordChangeSerializer, responses={202: _OTP_CHALLENGE},
                   summary="Change password: send the OTP", tags=["auth"])
    def post(self, request: Request) -> Response:
        serializer = PasswordChangeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            challenge = password_change_request(
                user=request.user, context=AuditContext.from_request(request),
                old_password=serializer.validated_data["old_password"],
                new_password=serializer.validated_data["new_password"],
            )
        except DjangoValidationError as exc:
            _raise_drf(exc)
        return Response(_challenge_body(challenge), status=202)


class PasswordChangeConfirmView(APIView):
    """Step 2: the OTP. The password changes; every API token and other session of the
    account ends; the answer carries the caller's new token."""

    throttle_scope = "otp"

    @extend_schema(request=OTPSerializer, responses={
        200: inline_serializer("PasswordChanged", {"detail": serializers.CharField(),
                                                   "token": serializers.CharField(),
                                                   "device_token": serializers.CharField()})
    }, summary="Change password: confirm with the OTP", tags=["auth"])
    def post(self, request: Request) -> Response:
        serializer = OTPSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        context = AuditContext.from_request(request)
        try:
            user = password_change_confirm(user=request.user, context=context,
                                           otp=serializer.validated_data["otp"])
        except DjangoValidationError as exc:
            raise serializers.ValidationError({"otp": exc.messages}) from None
        token = auth_token_issue(user=user, request=request)
        return Response({"detail": _("Đã đổi mật khẩu."), "token": token.key,
                         "device_token": device_token_for(user)})


def _bhxh_code_field() -> StrictCharField:
    message = _("Mã số BHXH gồm 10 chữ số.")
    return StrictCharField(
        label=_("Mã số BHXH"), validators=[RegexValidator(r"^[0-9]{10}\Z", message=message)],
        error_messages={"invalid": message, "required": _("Nhập mã số BHXH.")},
    )


class PasswordResetSerializer(serializers.Serializer):
    bhxh_code = _bhxh_code_field()
    phone = StrictCharField(label=_("Số điện thoại"), max_length=20, required=False,
                            allow_blank=True)
    email = serializers.EmailField(label=_("Thư điện tử"), max_length=254, required=False,
                                   allow_blank=True)
    reset_token = StrictCharField(required=False, allow_blank=True, max_length=64)

    def validate(self, attrs: dict) -> dict:
        from registry.phones import normalize_vn_mobile

        phone, email = attrs.get("phone", ""), attrs.get("email", "")
        if bool(phone) == bool(email):
            raise serializers.ValidationError(
                _("Nhập số điện thoại hoặc thư điện tử đã đăng ký (một trong hai)."),
                code="phone_or_email",
            )
        if phone:
            try:
                attrs["phone"] = normalize_vn_mobile(phone)
            except DjangoValidationError as exc:
                raise serializers.ValidationError({"phone": exc.messages}) from None
        return attrs


class PasswordResetConfirmSerializer(serializers.Serializer):
    bhxh_code = _bhxh_code_field()
    otp = StrictCharField(
        label=_("Mã OTP"), max_length=12,
        error_messages={"required": _("Nhập mã OTP."), "blank": _("Nhập mã OTP.")},
    )
    reset_token = StrictCharField(
        max_length=64, error_messages={"required": _("Thiếu reset_token của yêu cầu.")}
    )
    new_password = _password_field(_("Mật khẩu mới"))


class PasswordResetView(APIView):
    """A forgotten password: BHXH code and the registered phone (OTP by SMS) or e-mail (OTP
    by e-mail). Always 202 with a `reset_token` for the confirm: whether they belong
    together is never told. Sent again within 60 s with that reset_token, nothing is sent
    and the same token comes back; later, a new code is sent under a new token."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_scope = "otp"

    @extend_schema(request=PasswordResetSerializer, responses={
        202: inline_serializer("PasswordResetRequested", {
            "detail": serializers.CharField(),
            "reset_token": serializers.CharField(help_text="Send it with the OTP to the "
                                                           "confirm endpoint."),
        }),
    },
                   summary="Forgotten password: send an OTP", tags=["auth"])
    def post(self, request: Request) -> Response:
        serializer = PasswordResetSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            ticket = password_reset_request(
                bhxh_code=data["bhxh_code"], phone=data.get("phone", ""),
                email=data.get("email", ""), previous_ticket=data.get("reset_token", ""),
                context=AuditContext.from_request(request),
            )
        except DjangoValidationError as exc:
            return Response({"detail": exc.messages[0]}, status=429)
        return Response({"detail": _(
            "Nếu mã số BHXH và số điện thoại (hoặc thư điện tử) khớp với tài khoản, mã OTP đã "
            "được gửi. Mã có hiệu lực 5 phút."
        ), "reset_token": ticket}, status=202)


class PasswordResetConfirmView(APIView):
    """The OTP and a new password."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_scope = "otp"

    @extend_schema(request=PasswordResetConfirmSerializer, responses={200: DetailSerializer},
                   summary="Forgotten password: set a new one with the OTP", tags=["auth"])
    def post(self, request: Request) -> Response:
        serializer = PasswordResetConfirmSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            password_reset_confirm(bhxh_code=data["bhxh_code"], ticket=data["reset_token"],
                                   otp=data["otp"], new_password=data["new_password"],
                                   context=AuditContext.from_request(request))
        except OTPError as exc:
            raise serializers.ValidationError({"otp": exc.messages}) from None
        except DjangoValidationError as exc:
            _raise_drf(exc)
        return Response({"detail": _("Đã đặt mật khẩu mới.")})
