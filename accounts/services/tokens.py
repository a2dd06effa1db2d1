"""Write use cases of the accounts app."""
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from rest_framework.authtoken.models import Token

from accounts.models import User
from audit.actions import AuditAction
from audit.services import audit_record


def auth_token_issue(*, user: User, request: HttpRequest | None = None) -> Token:
    """The API token of `user` (created on first use, then reused)."""
    with transaction.atomic():
        token, created = Token.objects.get_or_create(user=user)
        audit_record(
            action=AuditAction.TOKEN_ISSUED,
            target=user,
            actor=user,
            data={"created": created},
            request=request,
        )
    return token


def user_language_set(*, user: User, language: str, request: HttpRequest | None = None) -> bool:
    """Remember the language a logged-in user chose (SMS and e-mails to them use it).
    Returns whether it changed; unknown languages are ignored."""
    if language not in {code for code, _name in settings.LANGUAGES} or user.language == language:
        return False
    with transaction.atomic():
        user.language = language
        user.save(update_fields=["language"])
        audit_record(
            action=AuditAction.LANGUAGE_SET, target=user, actor=user,
            data={"language": language}, request=request,
        )
    return True
