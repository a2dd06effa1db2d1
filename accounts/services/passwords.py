"""Passwords: the temporary one an approval sends by SMS, the citizen's own that replaces it
at first login, the change confirmed by an SMS OTP, and the forgotten password recovered
with an OTP by SMS or e-mail. The same rules for every new password."""
import secrets

from django.contrib.auth import password_validation
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts import login_throttle
from accounts.models import OneTimeCode, User
from accounts.services.otp import (
    MSG_WRONG as MSG_OTP_WRONG,
)
from accounts.services.otp import (
    OTPChallenge,
    OTPError,
    address_limit_check,
    issue_record,
    otp_clear,
    otp_issue,
    otp_restore,
    otp_verify,
)
from audit.actions import AuditAction
from audit.context import AuditContext
from audit.services import audit_record
from notifications.services import sms_enqueue, sms_text

TEMPORARY_PASSWORD_DIGITS = 8

MSG_NOT_REQUIRED = _("Tài khoản này không cần đặt mật khẩu lần đầu.")
MSG_SAME_AS_TEMPORARY = _("Mật khẩu mới phải khác mật khẩu tạm thời đã gửi qua SMS.")


def temporary_password_new() -> str:
    """A random 8-digit password, as BHXH sends them (digits only: easy to type from an
    SMS, hard to guess, and replaced at first login)."""
    return "".join(secrets.choice("0123456789") for _ in range(TEMPORARY_PASSWORD_DIGITS))


def password_validate(*, user: User, password: str) -> None:
    """Every rule a new password must meet (Django's validators and the portal's own,
    settings.AUTH_PASSWORD_VALIDATORS); ValidationError with all the messages."""
    password_validation.validate_password(password, user=user)


def password_initial_set(*, user: User, new_password: str, context: AuditContext) -> User:
    """Replace the temporary password of an account that must change it. One
    transaction: the new hash, must_change_password off, an audit record."""
    with transaction.atomic():
        user = (
            User.objects.select_for_update(of=("self",)).select_related("insured_person")
            .get(pk=user.pk)
        )
        if not user.must_change_password:
            raise ValidationError(MSG_NOT_REQUIRED, code="not_required")
        if user.check_password(new_password):
            raise ValidationError({"new_password": [
                ValidationError(MSG_SAME_AS_TEMPORARY, code="same_as_temporary")
            ]})
        try:
            password_validate(user=user, password=new_password)
        except ValidationError as exc:
            raise ValidationError({"new_password": exc.error_list}) from None
        user.set_password(new_password)
        user.must_change_password = False
        user.save(update_fields=["password", "must_change_password"])
        audit_record(action=AuditAction.PASSWORD_INITIAL_SET, target=user, actor=user,
                     context=context)
    return user


MSG_OLD_WRONG = _("Mật khẩu hiện tại không đúng.")
MSG_OLD_LOCKED = _(
    "Bạn đã nhập sai mật khẩu nhiều lần. Vui lòng thử lại sau ít phút, hoặc dùng chức năng "
    "Quên mật khẩu."
)
MSG_SAME_AS_OLD = _("Mật khẩu mới phải khác mật khẩu hiện tại.")
MSG_NO_PHONE = _(
    "Tài khoản chưa có số điện thoại di động để nhận mã OTP. Vui lòng cập nhật số điện thoại "
    "tại cơ quan BHXH."
)


def _new_password_check(*, user: User, new_password: str) -> None:
    try:
        password_validate(user=user, password=new_password)
    except ValidationError as exc:
        raise ValidationError({"new_password": exc.error_list}) from None


def _notice_password_changed(user: User) -> None:
    """SMS (to the registered phone) telling the account's owner that the password changed
    and whom to call if it was not them."""
    if not user.phone:
        return
    with translation.override(user.language or "vi"):
        sms_enqueue(
            to=user.phone,
            body=sms_text(gettext(
                "VssID: Mật khẩu tài khoản %(login)s vừa được thay đổi lúc %(time)s. Nếu không "
                "phải bạn, hãy gọi ngay tổng đài BHXH 1900 9068."
            ) % {"login": user.username,
                 "time": f"{timezone.localtime():%H:%M %d/%m/%Y}"}),
            language=user.language or "vi",
        )


def _password_apply(*, user: User, password_hash: str) -> None:
    """The new password in place: every API token of the account revoked (its other
    sessions end by themselves: their session hash no longer matches), the login lock
    cleared, the owner told by SMS."""
    from rest_framework.authtoken.models import Token

    user.password = password_hash
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password"])
    Token.objects.filter(user=user).delete()
    login_throttle.login_failures_clear(username=user.username)
    _notice_password_changed(user)


def password_change_request(
    *, user: User, old_password: str, new_password: str, context: AuditContext
) -> OTPChallenge:
    """Step 1 of a password change: the current password and the new one are checked,
    the new one waits (hashed) for the OTP sent by SMS to the registered phone."""
    if login_throttle.name_blocked_until(username=user.username) is not None:
        raise ValidationError({"old_password": [ValidationError(MSG_OLD_LOCKED,
                                                                code="locked")]})
    if not user.check_password(old_password):
        login_throttle.login_failed(username=user.username, address=context.ip_address)
        raise ValidationError({"old_password": [ValidationError(MSG_OLD_WRONG,
                                                                code="old_password_wrong")]})
    if old_password == new_password:
        raise ValidationError({"new_password": [ValidationError(MSG_SAME_AS_OLD,
                                                                code="same_as_old")]})
    _new_password_check(user=user, new_password=new_password)
    if not user.phone:
        raise ValidationError(MSG_NO_PHONE, code="no_phone")
    challenge = otp_issue(
        user=user, purpose=OneTimeCode.Purpose.PASSWORD_CHANGE,
        channel=OneTimeCode.Channel.SMS, destination=user.phone, context=context,
        pending_password=make_password(new_password),
    )
    with transaction.atomic():
        audit_record(action=AuditAction.PASSWORD_CHANGE_REQUESTED, target=user, actor=user,
                     context=context)
    return challenge


def password_change_resend(*, user: User, context: AuditContext) -> OTPChallenge:
    return otp_issue(
        user=user, purpose=OneTimeCode.Purpose.PASSWORD_CHANGE,
        channel=OneTimeCode.Channel.SMS, destination=user.phone, context=context,
        new_change=False,
    )


def password_change_confirm(*, user: User, otp: str, context: AuditContext) -> User:
    """Step 2: the OTP confirms the pending change; the new password takes effect, every
    other session and API token ends, the owner gets an SMS."""
    device = otp_verify(user=user, purpose=OneTimeCode.Purpose.PASSWORD_CHANGE, code=otp)
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        _password_apply(user=user, password_hash=device.pending_password)
        otp_clear(device)
        audit_record(action=AuditAction.PASSWORD_CHANGED, target=user, actor=user,
                     context=context)
    return user


def _reset_destination(user: User | None, *, phone: str, email: str) -> tuple[str, str] | None:
    if user is None or not user.is_active:
        return None
    if phone and user.phone and phone == user.phone:
        return OneTimeCode.Channel.SMS, user.phone
    if email and user.email and email.lower() == user.email.lower():
        return OneTimeCode.Channel.EMAIL, user.email
    return None


def password_reset_request(
    *, bhxh_code: str, phone: str = "", email: str = "", context: AuditContext,
    previous_ticket: str = "",
) -> str:
    """A forgotten password: when the BHXH code's account has this phone (or e-mail), an
    OTP goes there. Returns a ticket, always: the code's own when one was sent, a random
    one otherwise, so that the answer never tells whether the code and the phone or
    e-mail belong together; only whoever holds the ticket can try codes against that one
    (a stranger cannot wear out the owner's code). Within the resend cooldown, the
    previous ticket (if it is this account's, still valid) is given back and nothing is
    sent. The only refusal is the cap per client address, the same for any code."""
    address_limit_check(context=context)
    user = User.objects.filter(username=bhxh_code, is_staff=False).first()
    target = _reset_destination(user, phone=phone, email=email)
    ticket = secrets.token_hex(16)
    sent_to = None
    if target is not None:
        channel, destination = target
        try:
            challenge = otp_issue(user=user, purpose=OneTimeCode.Purpose.PASSWORD_RESET,
                                  channel=channel, destination=destination, context=context)
        except OTPError as exc:
            if exc.code == "cooldown" and previous_ticket and OneTimeCode.objects.filter(
                user=user, purpose=OneTimeCode.Purpose.PASSWORD_RESET,
                pending_id=previous_ticket, valid_until__gt=timezone.now(),
            ).exists():
                ticket = previous_ticket
            # Past the limits of this phone or e-mail nothing is sent, and nothing says so:
            # saying so would tell that they belong to the code.
        else:
            ticket, sent_to = challenge.ticket, channel
    if sent_to is None:
        issue_record(destination=None, context=context)  # the address's count, alike
    with transaction.atomic():
        audit_record(
            action=AuditAction.PASSWORD_RESET_REQUESTED,
            object_type="accounts.user", object_id=str(user.pk) if user else "",
            data={"sent": sent_to or ""}, context=context,
        )
    return ticket


def password_reset_resend(*, bhxh_code: str, ticket: str, context: AuditContext) -> None:
    """Send the code of the pending reset `ticket` names again (its cooldown and limits
    permitting); silently nothing otherwise, for the same reason as above."""
    address_limit_check(context=context)
    user = User.objects.filter(username=bhxh_code, is_staff=False, is_active=True).first()
    device = None
    if user is not None and ticket:
        device = OneTimeCode.objects.filter(
            user=user, purpose=OneTimeCode.Purpose.PASSWORD_RESET, pending_id=ticket
        ).first()
    if device is None:
        issue_record(destination=None, context=context)
        return
    try:
        otp_issue(user=user, purpose=device.purpose, channel=device.channel,
                  destination=device.destination, context=context, new_change=False,
                  ticket=ticket)
    except OTPError:  # cooldown or the phone's limits: silently nothing, as above
        issue_record(destination=None, context=context)


def password_reset_confirm(
    *, bhxh_code: str, ticket: str, otp: str, new_password: str, context: AuditContext
) -> User:
    """The OTP of the pending reset `ticket` names, and a new password: the password is
    replaced, the login lock cleared, every session and token of the account ended, the
    owner told by SMS. Every refusal of the code reads the same (wrong, expired, waiting,
    dead): anything more would tell a stranger that the code was really sent."""
    user = User.objects.filter(username=bhxh_code, is_staff=False, is_active=True).first()
    if user is None or not ticket:
        raise OTPError(MSG_OTP_WRONG, code="wrong")
    # The code first: the password rules speak of the account's phone and birth date, and
    # must not answer a stranger's guesses about them. A code that was right stays valid
    # when the new password is refused, for another try.
    try:
        device = otp_verify(user=user, purpose=OneTimeCode.Purpose.PASSWORD_RESET, code=otp,
                            ticket=ticket)
    except OTPError:
        raise OTPError(MSG_OTP_WRONG, code="wrong") from None
    try:
        _new_password_check(user=user, new_password=new_password)
    except ValidationError:
        otp_restore(device, otp)
        raise
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        _password_apply(user=user, password_hash=make_password(new_password))
        OneTimeCode.objects.filter(user=user, purpose=OneTimeCode.Purpose.PASSWORD_RESET
                                   ).delete()
        audit_record(action=AuditAction.PASSWORD_RESET, target=user, context=context)
    return user
