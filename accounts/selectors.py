"""Reads of the accounts app, above all who may see what: the offices a staff member
covers, the staff a manager may manage, the citizen accounts staff may look up. Every
admin list, page, action and file view goes through these."""
from django.contrib.auth.models import Group
from django.db.models import QuerySet

from accounts.models import StaffAssignment, User
from registry.models import Office


def _is_active_staff(user) -> bool:
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and user.is_active
        and user.is_staff
    )


def office_ids_covered_by(*, user) -> frozenset[int] | None:
    """The ids of the offices whose declarations `user` may review; None means every
    office (superusers, and staff assigned to BHXH Việt Nam itself). Cached on the user
    object for the length of a request."""
    if not _is_active_staff(user):
        return frozenset()
    if user.is_superuser:
        return None
    cached = getattr(user, "_office_ids_covered", False)
    if cached is not False:
        return cached
    assigned = list(
        StaffAssignment.objects.filter(user=user).values_list("office_id", "office__level")
    )
    if any(level == Office.Level.CENTRAL for _id, level in assigned):
        covered = None
    else:
        ids = {office_id for office_id, _level in assigned}
        province_ids = [oid for oid, level in assigned if level == Office.Level.PROVINCE]
        if province_ids:
            ids |= set(
                Office.objects.filter(parent_id__in=province_ids).values_list("id", flat=True)
            )
        covered = frozenset(ids)
    user._office_ids_covered = covered
    return covered


def offices_covered_by(*, user) -> QuerySet[Office]:
    covered = office_ids_covered_by(user=user)
    if covered is None:
        return Office.objects.all()
    return Office.objects.filter(id__in=covered)


def province_ids_managed_by(*, user) -> frozenset[int] | None:
    """Provinces whose staff `user` manages (manager of the province office); None means
    all (superusers)."""
    if not _is_active_staff(user):
        return frozenset()
    if user.is_superuser:
        return None
    return frozenset(
        StaffAssignment.objects.filter(
            user=user,
            role=StaffAssignment.Role.MANAGER,
            office__level=Office.Level.PROVINCE,
        ).values_list("office__province_id", flat=True)
    )


def can_manage_staff(*, user) -> bool:
    managed = province_ids_managed_by(user=user)
    return managed is None or bool(managed)


def staff_manageable_by(*, user) -> QuerySet[User]:
    """Staff accounts `user` may manage: all of them for a superuser. A province manager
    manages plain officers only: staff with at least one assignment, every assignment in
    the provinces they manage, no manager role, no permission or group beyond the
    officers' group; never superusers, never themselves. (Staff without any assignment
    may carry other duties: only superusers manage them.)"""
    from accounts.services.staff import OFFICERS_GROUP

    staff = User.objects.filter(is_staff=True)
    managed = province_ids_managed_by(user=user)
    if managed is None:
        return staff
    if not managed:
        return User.objects.none()
    outside = StaffAssignment.objects.exclude(office__province_id__in=managed).values("user_id")
    managers = StaffAssignment.objects.filter(role=StaffAssignment.Role.MANAGER).values(
        "user_id"
    )
    inside = StaffAssignment.objects.filter(office__province_id__in=managed).values("user_id")
    return (
        staff.filter(is_superuser=False, pk__in=inside)
        .exclude(pk=user.pk)
        .exclude(pk__in=outside)
        .exclude(pk__in=managers)
        .exclude(user_permissions__isnull=False)
        .exclude(groups__in=Group.objects.exclude(name=OFFICERS_GROUP))
        .distinct()
    )


def offices_assignable_by(*, user) -> QuerySet[Office]:
    managed = province_ids_managed_by(user=user)
    offices = Office.objects.filter(is_active=True)
    if managed is None:
        return offices
    return offices.filter(province_id__in=managed).exclude(level=Office.Level.CENTRAL)


def citizen_accounts_visible_to(*, user) -> QuerySet[User]:
    """Citizen accounts staff may look up, unlock and deactivate: all for a superuser; for
    a province manager, those whose insured person belongs to their provinces."""
    citizens = User.objects.filter(is_staff=False, insured_person__isnull=False)
    managed = province_ids_managed_by(user=user)
    if managed is None:
        return citizens
    if not managed:
        return User.objects.none()
    return citizens.filter(insured_person__province_id__in=managed)


def user_by_login(login: str) -> User | None:
    if not login:
        return None
    return User.objects.filter(username=login).first()


def assignment_summary(user: User) -> str:
    return ", ".join(
        f"{a.office.code}{'*' if a.role == StaffAssignment.Role.MANAGER else ''}"
        for a in user.assignments.select_related("office").order_by("office__code")
    )


__all__ = [
    "assignment_summary", "can_manage_staff", "citizen_accounts_visible_to",
    "office_ids_covered_by", "offices_assignable_by", "offices_covered_by",
    "province_ids_managed_by", "staff_manageable_by", "user_by_login",
]
