"""A child's account on the child's 18th birthday. The guardian received its temporary
password, and its phone and e-mail are the guardian's (they receive every OTP): left as it
is, the account would stay the guardian's. So the contacts that are still the guardian's
are removed, the password is made unusable (every session of the account ends: Django ties
sessions to the password hash) and the API tokens are revoked. The young adult keeps the
account (code, history) and claims it by registering with their own CCCD and phone: the
office's approval activates this same account with a new temporary password sent to them."""
from django.db import transaction
from rest_framework.authtoken.models import Token

from accounts.models import User
from audit.actions import AuditAction
from audit.services import audit_record
from registry.models import InsuredPerson


def child_account_release(*, person: InsuredPerson, guardian: User) -> bool:
    """Release the account of `person`, who has just come of age, from `guardian`. False
    when there is no account, or its contacts are no longer the guardian's (nothing to
    release). Safe to run twice."""
    with transaction.atomic():
        user = (
            User.objects.select_for_update()
            .filter(insured_person=person, is_staff=False, is_superuser=False)
            .first()
        )
        if user is None:
            return False
        changed = []
        if user.phone and user.phone == guardian.phone:
            user.phone = ""
            changed.append("phone")
        if user.email and guardian.email and user.email.lower() == guardian.email.lower():
            user.email = ""
            changed.append("email")
        if not changed:
            return False
        user.set_unusable_password()
        user.save(update_fields=[*changed, "password"])
        Token.objects.filter(user=user).delete()
        audit_record(
            action=AuditAction.ACCOUNT_RELEASED_AT_MAJORITY, target=user,
            data={"guardian": guardian.pk, "cleared": changed},
        )
    return True


def account_awaits_claim(user: User) -> bool:
    """An account released at 18 and not yet claimed: no phone, no usable password."""
    return not user.phone and not user.has_usable_password()
