"""Demo accounts for the dev setup (`make run`): a citizen, a guardian with children, a
staff officer of one office and a superuser, on top of registry.demo's invented people.

The passwords are fixed and printed on purpose: they exist only where
settings.DEMO_DATA_ALLOWED is on (the dev and test settings), never in production.
"""
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from accounts.models import StaffAssignment, User
from accounts.services.staff import OFFICERS_GROUP, officers_group  # noqa: F401
from audit.actions import AuditAction
from audit.services import audit_record
from guardians.models import GuardianLink
from registry.models import InsuredPerson, Office, Sex

STAFF_USERNAME = "canbo.demo"
SUPERUSER_USERNAME = "admin"
PASSWORDS = {
    "citizen": "congdan-demo-2026",
    "guardian": "giamho-demo-2026",
    "staff": "canbo-demo-2026",
    "superuser": "quantri-demo-2026",
}


@dataclass(frozen=True)
class DemoLogin:
    role: str
    username: str
    password: str
    description: str


def _e164(phone: str) -> str:
    phone = (phone or "").replace(" ", "")
    if phone.startswith("+84"):
        return phone
    if phone.startswith("0") and len(phone) == 10:
        return "+84" + phone[1:]
    return ""


def _ensure_user(*, username: str, password: str, defaults: dict) -> User:
    """Create the account or leave it as it is; reset only a password that was changed."""
    user, created = User.objects.get_or_create(username=username, defaults=defaults)
    if created:
        user.set_password(password)
        user.save(update_fields=["password"])
        audit_record(action=AuditAction.DEMO_ACCOUNT_CREATED, target=user)
    elif not user.check_password(password):
        user.set_password(password)
        user.save(update_fields=["password"])
    return user


def _person(code: str) -> InsuredPerson:
    try:
        return InsuredPerson.objects.get(bhxh_code=code)
    except InsuredPerson.DoesNotExist as error:
        raise ImproperlyConfigured(f"registry.demo did not load insured person {code}") from error


def _citizen_defaults(person: InsuredPerson) -> dict:
    return {
        "insured_person": person,
        "full_name": person.full_name,
        "phone": _e164(person.phone),
        "email": person.email,
        "language": "vi",
    }


def demo_accounts_ensure() -> list[DemoLogin]:
    """Create the demo accounts that are missing. Idempotent; refuses outside dev/test."""
    if not settings.DEMO_DATA_ALLOWED:
        raise ImproperlyConfigured("Demo accounts are not allowed with these settings.")
    from registry import demo

    with transaction.atomic():
        citizen_person = _person(demo.DEMO_CITIZEN_CODE)
        citizen = _ensure_user(
            username=demo.DEMO_CITIZEN_CODE,
            password=PASSWORDS["citizen"],
            defaults=_citizen_defaults(citizen_person),
        )

        guardian_person = _person(demo.DEMO_GUARDIAN_CODE)
        guardian = _ensure_user(
            username=demo.DEMO_GUARDIAN_CODE,
            password=PASSWORDS["guardian"],
            defaults=_citizen_defaults(guardian_person),
        )
        relationship = (
            GuardianLink.Relationship.MOTHER
            if guardian_person.sex == Sex.FEMALE
            else GuardianLink.Relationship.FATHER
        )
        # The last child is left without a guardianship: the demo guardian registers them
        # through "Đăng ký tài khoản cho con".
        for code in demo.DEMO_CHILD_CODES[:-1]:
            link, created = GuardianLink.objects.get_or_create(
                guardian=guardian, child=_person(code), defaults={"relationship": relationship}
            )
            if created:
                audit_record(action=AuditAction.DEMO_LINK_CREATED, target=link)

        try:
            office = Office.objects.get(code=demo.DEMO_STAFF_OFFICE_CODE)
        except Office.DoesNotExist as error:
            raise ImproperlyConfigured(
                f"registry.demo did not load office {demo.DEMO_STAFF_OFFICE_CODE}"
            ) from error
        staff = _ensure_user(
            username=STAFF_USERNAME,
            password=PASSWORDS["staff"],
            defaults={"full_name": "Cán bộ Demo", "is_staff": True},
        )
        StaffAssignment.objects.get_or_create(
            user=staff, office=office, defaults={"role": StaffAssignment.Role.OFFICER}
        )
        group = officers_group()
        if not staff.groups.filter(pk=group.pk).exists():
            staff.groups.add(group)

        _ensure_user(
            username=SUPERUSER_USERNAME,
            password=PASSWORDS["superuser"],
            defaults={"full_name": "Quản trị Demo", "is_staff": True, "is_superuser": True},
        )

    children = ", ".join(demo.DEMO_CHILD_CODES[:-1])
    to_register = demo.DEMO_CHILD_CODES[-1]
    return [
        DemoLogin("citizen", citizen.username, PASSWORDS["citizen"],
                  f"người tham gia {citizen.full_name}"),
        DemoLogin("guardian", guardian.username, PASSWORDS["guardian"],
                  f"người giám hộ {guardian.full_name}, con: {children}; đăng ký thử cho con "
                  f"{to_register}"),
        DemoLogin("staff", staff.username, PASSWORDS["staff"], f"cán bộ {office}"),
        DemoLogin("superuser", SUPERUSER_USERNAME, PASSWORDS["superuser"], "quản trị hệ thống"),
    ]
