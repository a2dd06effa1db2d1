"""The staff site: the Django admin titled for the portal, logging in through the one
authentication service, and asking for a TOTP code when settings.STAFF_OTP_REQUIRED is
on (production): a password alone never opens it there."""
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _


def staff_otp_required() -> bool:
    return bool(getattr(settings, "STAFF_OTP_REQUIRED", False))


class PortalAdminSite(admin.AdminSite):
    site_header = _("VssID – Trang quản trị của cơ quan BHXH")
    site_title = _("Quản trị VssID")
    index_title = _("Quản trị hồ sơ và tài khoản")
    enable_nav_sidebar = False

    @property
    def login_form(self):
        # Imported late: this module is loaded with the app registry, before the models.
        from accounts.forms import StaffLoginForm, StaffOTPLoginForm

        return StaffOTPLoginForm if staff_otp_required() else StaffLoginForm

    @property
    def login_template(self):
        return "admin/portal_login.html"

    def has_permission(self, request: HttpRequest) -> bool:
        if not super().has_permission(request):
            return False
        if staff_otp_required():
            verified = getattr(request.user, "is_verified", None)
            return bool(verified and verified())
        return True


class PortalAdminConfig(AdminConfig):
    default_site = "vssid_portal.admin_site.PortalAdminSite"
