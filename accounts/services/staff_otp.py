"""The second factor of staff: a TOTP device (django-otp) enrolled by scanning a QR code in
the portal, then asked for at every admin login when settings.STAFF_OTP_REQUIRED is on."""
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from audit.actions import AuditAction
from audit.context import AuditContext
from audit.services import audit_record

DEVICE_NAME = "VssID"

MSG_NOT_ENROLLED = _(
    "Tài khoản chưa đăng ký xác thực hai lớp. Hãy đăng nhập Cổng VssID, mở trang “Xác thực "
    "hai lớp” và quét mã QR bằng ứng dụng xác thực, rồi đăng nhập lại."
)
MSG_REQUIRED = _("Nhập mã xác thực 6 chữ số trong ứng dụng xác thực.")
MSG_INVALID = _("Mã xác thực không đúng hoặc đã hết hạn.")
MSG_THROTTLED = _("Bạn đã nhập sai mã xác thực nhiều lần. Vui lòng chờ một lát rồi thử lại.")
MSG_ALREADY = _("Tài khoản đã đăng ký xác thực hai lớp. Liên hệ quản trị để đăng ký lại.")
MSG_NOT_STAFF = _("Chỉ cán bộ BHXH dùng xác thực hai lớp.")


class StaffOTPError(ValidationError):
    pass


def _clean_token(token: str) -> str:
    return "".join((token or "").split())


def staff_otp_confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("id").first()


def staff_otp_device_start(*, user: User) -> TOTPDevice:
    """The unconfirmed device whose QR the staff member scans (the same one until it is
    confirmed: a page loaded by another site must not restart an enrolment). Refused once
    a device is confirmed: a password alone must not be enough to add a second one."""
    if not user.is_staff:
        raise StaffOTPError(MSG_NOT_STAFF, code="not_staff")
    with transaction.atomic():
        if staff_otp_confirmed_device(user) is not None:
            raise StaffOTPError(MSG_ALREADY, code="already_enrolled")
        pending = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
        return pending or TOTPDevice.objects.create(user=user, name=DEVICE_NAME,
                                                    confirmed=False)


def staff_otp_device_confirm(*, user: User, token: str, context: AuditContext) -> TOTPDevice:
    """Confirm the device just scanned with a code it shows."""
    token = _clean_token(token)
    if not token:
        raise StaffOTPError(MSG_REQUIRED, code="required")
    with transaction.atomic():
        if staff_otp_confirmed_device(user) is not None:
            raise StaffOTPError(MSG_ALREADY, code="already_enrolled")
        device = (
            TOTPDevice.objects.select_for_update()
            .filter(user=user, confirmed=False).order_by("-id").first()
        )
        if device is None:
            raise StaffOTPError(MSG_INVALID, code="invalid")
        if not device.verify_token(token):
            raise StaffOTPError(MSG_INVALID, code="invalid")
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        audit_record(action=AuditAction.OTP_DEVICE_ENROLLED, target=user, actor=user,
                     context=context)
    return device


def staff_otp_verify(*, user: User, token: str, context: AuditContext) -> TOTPDevice:
    """The confirmed device that accepts `token` (django-otp throttles wrong codes)."""
    device = staff_otp_confirmed_device(user)
    if device is None:
        raise StaffOTPError(MSG_NOT_ENROLLED, code="not_enrolled")
    token = _clean_token(token)
    if not token:
        raise StaffOTPError(MSG_REQUIRED, code="required")
    allowed, _extra = device.verify_is_allowed()
    if not allowed:
        raise StaffOTPError(MSG_THROTTLED, code="throttled")
    if not device.verify_token(token):
        raise StaffOTPError(MSG_INVALID, code="invalid")
    return device
