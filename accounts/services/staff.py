"""Managing staff and citizen accounts from the admin: every change here is audited and
scoped by the selectors of accounts.selectors."""
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.db import transaction

from accounts import login_throttle
from accounts.models import StaffAssignment, User
from accounts.selectors import citizen_accounts_visible_to, staff_manageable_by
from audit.actions import AuditAction
from audit.context import AuditContext
from audit.services import audit_record

OFFICERS_GROUP = "BHXH officers"
OFFICER_PERMISSIONS = [
    ("declarations", "view_declaration"),
    ("declarations", "change_declaration"),
    ("declarations", "view_attachment"),
]


def officers_group() -> Group:
    """The group every officer belongs to: may view and decide declarations (which ones
    is decided by their office assignments, not by the group)."""
    group, _created = Group.objects.get_or_create(name=OFFICERS_GROUP)
    permissions = [
        permission
        for app, codename in OFFICER_PERMISSIONS
        for permission in Permission.objects.filter(
            content_type__app_label=app, codename=codename
        )
    ]
    if set(group.permissions.all()) != set(permissions):
        group.permissions.set(permissions)
    return group


def staff_account_saved(
    *, actor: User, user: User, created: bool, context: AuditContext,
    password_changed: bool = False,
) -> None:
    """After the admin saved a staff account and its assignments: it is staff, in the
    officers group, and the change is audited with the assignments it now has."""
    with transaction.atomic():
        if not staff_manageable_by(user=actor).filter(pk=user.pk).exists() and not (
            actor.is_superuser
        ):
            raise PermissionDenied
        if not user.is_staff:
            user.is_staff = True
            user.save(update_fields=["is_staff"])
        user.groups.add(officers_group())
        assignments = sorted(
            f"{office_code}:{role}"
            for office_code, role in StaffAssignment.objects.filter(user=user).values_list(
                "office__code", "role"
            )
        )
        audit_record(
            action=AuditAction.STAFF_ASSIGNMENT_CHANGED, target=user, actor=actor,
            data={"created": created, "assignments": assignments,
                  "password_changed": password_changed},
            context=context,
        )


def _citizen(actor: User, user_id: int) -> User:
    user = (
        citizen_accounts_visible_to(user=actor).select_for_update(of=("self",))
        .filter(pk=user_id).first()
    )
    if user is None:
        raise PermissionDenied
    return user


def citizen_account_unlock(*, actor: User, user_id: int, context: AuditContext) -> User:
    """Forget the failed logins that keep the account out."""
    with transaction.atomic():
        user = _citizen(actor, user_id)
        login_throttle.login_failures_clear(username=user.username)
        audit_record(action=AuditAction.ACCOUNT_UNLOCKED, target=user, actor=actor,
                     context=context)
    return user


def citizen_account_set_active(
    *, actor: User, user_id: int, active: bool, context: AuditContext
) -> bool:
    """Deactivate (or activate again) a citizen account; False when nothing changed.
    Deactivating also ends its API token."""
    from rest_framework.authtoken.models import Token

    with transaction.atomic():
        user = _citizen(actor, user_id)
        if user.is_active == active:
            return False
        user.is_active = active
        user.save(update_fields=["is_active"])
        if not active:
            Token.objects.filter(user=user).delete()
        audit_record(
            action=AuditAction.ACCOUNT_ACTIVATED if active else AuditAction.ACCOUNT_DEACTIVATED,
            target=user, actor=actor, context=context,
        )
    return True
