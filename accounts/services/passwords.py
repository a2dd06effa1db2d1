"""Passwords: the temporary one an approval sends by SMS, and the citizen's own that
replaces it at first login. Password change with an SMS OTP builds on the same rules."""
import secrets

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from audit.actions import AuditAction
from audit.context import AuditContext
from audit.services import audit_record

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
