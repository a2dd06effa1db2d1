"""API permission: an account that must replace its temporary password may call nothing
but the endpoint that replaces it, and is told which one."""
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.permissions import BasePermission, IsAuthenticated


class PasswordChangeRequired(APIException):
    status_code = status.HTTP_403_FORBIDDEN
    default_code = "password_change_required"

    def __init__(self) -> None:
        endpoint = reverse("api:account-password-initial")
        super().__init__(detail={
            "detail": _(
                "Tài khoản đang dùng mật khẩu tạm thời. Hãy đặt mật khẩu mới bằng "
                "POST %(endpoint)s trước khi dùng các chức năng khác."
            ) % {"endpoint": endpoint},
            "code": "password_change_required",
            "password_change_endpoint": endpoint,
        })


class OwnPasswordSet(BasePermission):
    def has_permission(self, request, view) -> bool:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.must_change_password:
            raise PasswordChangeRequired()
        return True


class IsAuthenticatedWithOwnPassword(IsAuthenticated):
    """IsAuthenticated, and the temporary password already replaced."""

    def has_permission(self, request, view) -> bool:
        return super().has_permission(request, view) and OwnPasswordSet().has_permission(
            request, view
        )
