"""One authentication service for the web login, the API token view and the admin login:
the failure limits, the audit records and the messages are the same whichever door a
person knocks on."""
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import login_throttle
from accounts.models import User
from accounts.selectors import user_by_login
from audit.actions import AuditAction
from audit.context import AuditContext
from audit.services import audit_record

MSG_INVALID = _(
    "Mã số BHXH (hoặc tên đăng nhập) hoặc mật khẩu không đúng. "
    "Lưu ý: mật khẩu phân biệt chữ hoa và chữ thường."
)
MSG_LOCKED = _(
    "Bạn đã nhập sai quá nhiều lần. Vui lòng thử lại sau %(time)s, hoặc dùng chức năng "
    "Quên mật khẩu để đặt lại mật khẩu ngay."
)
MSG_ADDRESS_LOCKED = _(
    "Có quá nhiều lần đăng nhập sai từ mạng của bạn. Vui lòng thử lại sau ít phút, hoặc dùng "
    "chức năng Quên mật khẩu."
)


class LoginRefused(ValidationError):
    """A refused login; `code` is "invalid_login" or "too_many"."""


def _record(action: AuditAction, *, login: str, user: User | None, context: AuditContext) -> None:
    # No login name in the record (a mistyped password field can land there): the user's
    # id when the login names an account, nothing otherwise.
    with transaction.atomic():
        audit_record(
            action=action,
            object_type="accounts.user",
            object_id=str(user.pk) if user is not None else "",
            actor=user if action == AuditAction.LOGIN_SUCCEEDED else None,
            data={"known_login": user is not None},
            context=context,
        )


def login_authenticate(
    *,
    login: str,
    password: str,
    context: AuditContext,
    request: HttpRequest | None = None,
    known_device: bool = False,
) -> User:
    """The active account for `login` + `password`, or LoginRefused. Failures slow the
    login name down, then lock it for a while, and count per client address; a browser
    where the account logged in before (`known_device`) passes the address's lock and is
    held to a higher limit per name. Every success,
    failure and refusal is audited. The same message answers a wrong password, an unknown
    login and an inactive account."""
    address = context.ip_address
    until = login_throttle.name_blocked_until(username=login, known_device=known_device)
    address_blocked = not known_device and login_throttle.address_blocked(address=address)
    if until is not None or address_blocked:
        _record(AuditAction.LOGIN_LOCKED, login=login, user=user_by_login(login),
                context=context)
        if until is None:
            raise LoginRefused(MSG_ADDRESS_LOCKED, code="too_many")
        when = timezone.localtime(until)
        raise LoginRefused(MSG_LOCKED % {"time": f"{when:%H:%M:%S %d/%m/%Y}"},
                           code="too_many")
    user = authenticate(request=request, username=login, password=password)
    if user is None or not user.is_active:
        login_throttle.login_failed(username=login, address=address)
        _record(AuditAction.LOGIN_FAILED, login=login, user=user_by_login(login), context=context)
        raise LoginRefused(MSG_INVALID, code="invalid_login")
    login_throttle.login_succeeded(username=login)
    _record(AuditAction.LOGIN_SUCCEEDED, login=login, user=user, context=context)
    return user
