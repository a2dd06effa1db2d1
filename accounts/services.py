"""Write use cases of the accounts app."""
from django.db import transaction
from django.http import HttpRequest
from rest_framework.authtoken.models import Token

from accounts.models import User
from audit.services import audit_record


def auth_token_issue(*, user: User, request: HttpRequest | None = None) -> Token:
    """The API token of `user` (created on first use, then reused)."""
    with transaction.atomic():
        token, created = Token.objects.get_or_create(user=user)
        audit_record(
            action="accounts.token_issued",
            target=user,
            actor=user,
            data={"created": created},
            request=request,
        )
    return token
