import sys
import types
from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.models import User
from audit.models import AuditRecord
from guardians.models import GuardianLink
from tests.registry.factories import InsuredPersonFactory, OfficeFactory, ProvinceFactory
from vssid_portal import demo as portal_demo

pytestmark = pytest.mark.django_db


def _fake_registry_demo() -> types.ModuleType:
    """Stands in for registry.demo (same names) to test the accounts part on its own."""
    module = types.ModuleType("registry.demo")
    module.DEMO_CITIZEN_CODE = "0100000001"
    module.DEMO_GUARDIAN_CODE = "0100000002"
    module.DEMO_CHILD_CODES = ("0100000003", "0100000004")
    module.DEMO_UNREGISTERED_CODE = "0100000005"
    module.DEMO_STAFF_OFFICE_CODE = "00121"

    def load_reference_data():
        ProvinceFactory(code="01", name="Hà Nội")
        OfficeFactory(code="00121", name="BHXH cơ sở Đống Đa")

    def load_demo_people():
        from registry.models import InsuredPerson, Sex

        for code, name, sex in [
            ("0100000001", "Nguyễn Văn An", Sex.MALE),
            ("0100000002", "Trần Thị Bình", Sex.FEMALE),
            ("0100000005", "Lê Văn Chưa", Sex.MALE),
        ]:
            if not InsuredPerson.objects.filter(bhxh_code=code).exists():
                InsuredPersonFactory(bhxh_code=code, full_name=name, sex=sex, phone="+84912345678")
        for code in module.DEMO_CHILD_CODES:
            if not InsuredPerson.objects.filter(bhxh_code=code).exists():
                InsuredPersonFactory(bhxh_code=code, child=True)

    module.load_reference_data = load_reference_data
    module.load_demo_people = load_demo_people
    return module


@pytest.fixture
def fake_demo(monkeypatch):
    import registry

    module = _fake_registry_demo()
    monkeypatch.setitem(sys.modules, "registry.demo", module)
    monkeypatch.setattr(registry, "demo", module, raising=False)
    return module


def _run() -> str:
    out = StringIO()
    call_command("load_demo_data", stdout=out)
    return out.getvalue()


def test_refuses_when_demo_data_not_allowed(settings):
    settings.DEMO_DATA_ALLOWED = False
    with pytest.raises(CommandError, match="not allowed"):
        call_command("load_demo_data", stdout=StringIO())
    assert not User.objects.exists()


def test_creates_the_demo_accounts(fake_demo):
    output = _run()
    citizen = User.objects.get(username=fake_demo.DEMO_CITIZEN_CODE)
    assert citizen.insured_person.bhxh_code == fake_demo.DEMO_CITIZEN_CODE
    assert citizen.check_password(portal_demo.PASSWORDS["citizen"])
    assert citizen.phone == "+84912345678"
    assert not citizen.is_staff

    guardian = User.objects.get(username=fake_demo.DEMO_GUARDIAN_CODE)
    children = set(
        GuardianLink.objects.filter(guardian=guardian).values_list("child__bhxh_code", flat=True)
    )
    # The last child is left for the demo guardian to register.
    assert children == set(fake_demo.DEMO_CHILD_CODES[:-1])
    assert GuardianLink.objects.filter(relationship="mother").count() == 1

    staff = User.objects.get(username=portal_demo.STAFF_USERNAME)
    assert staff.is_staff and not staff.is_superuser
    assert [a.office.code for a in staff.assignments.all()] == [fake_demo.DEMO_STAFF_OFFICE_CODE]
    assert staff.groups.filter(name="BHXH officers").exists()
    assert staff.has_perm("declarations.view_declaration")
    assert staff.has_perm("declarations.change_declaration")
    assert not staff.has_perm("declarations.delete_declaration")

    admin = User.objects.get(username=portal_demo.SUPERUSER_USERNAME)
    assert admin.is_superuser and admin.is_staff

    for role, password in portal_demo.PASSWORDS.items():
        assert password in output, role
    assert fake_demo.DEMO_CITIZEN_CODE in output
    assert fake_demo.DEMO_UNREGISTERED_CODE in output
    assert not User.objects.filter(insured_person__bhxh_code="0100000005").exists()


def test_second_run_changes_nothing_and_prints_the_same(fake_demo):
    first = _run()
    snapshot = {
        "users": list(User.objects.order_by("pk").values()),
        "links": list(GuardianLink.objects.order_by("pk").values()),
        "groups": list(Group.objects.values_list("name", "permissions")),
        "audit": AuditRecord.objects.count(),
    }
    second = _run()
    assert second == first
    assert snapshot == {
        "users": list(User.objects.order_by("pk").values()),
        "links": list(GuardianLink.objects.order_by("pk").values()),
        "groups": list(Group.objects.values_list("name", "permissions")),
        "audit": AuditRecord.objects.count(),
    }


def test_a_changed_demo_password_is_reset(fake_demo):
    _run()
    citizen = User.objects.get(username=fake_demo.DEMO_CITIZEN_CODE)
    citizen.set_password("something-else-1")
    citizen.save()
    _run()
    citizen.refresh_from_db()
    assert citizen.check_password(portal_demo.PASSWORDS["citizen"])


def test_demo_citizen_can_log_in_with_printed_password(fake_demo, client):
    _run()
    response = client.post(
        reverse("accounts:login"),
        {"username": fake_demo.DEMO_CITIZEN_CODE, "password": portal_demo.PASSWORDS["citizen"]},
    )
    assert response.status_code == 302


def test_service_refuses_when_not_allowed(settings, fake_demo):
    from django.core.exceptions import ImproperlyConfigured

    settings.DEMO_DATA_ALLOWED = False
    with pytest.raises(ImproperlyConfigured):
        portal_demo.demo_accounts_ensure()


def test_with_the_real_registry_demo_is_idempotent():
    from declarations.models import Declaration
    from registry import demo

    first = _run()
    users = list(User.objects.order_by("pk").values())
    pending = list(Declaration.objects.values_list("number", "status", "office__code"))
    second = _run()
    assert "Pending declarations filed for the review queue" in first
    assert first.split("  Pending")[0] == second.split("  Log in")[0]
    assert "Pending declarations" not in second  # filed once only
    assert users == list(User.objects.order_by("pk").values())
    assert sorted(pending) == sorted(Declaration.objects.values_list(
        "number", "status", "office__code"))
    assert {code for _n, status, code in pending if status == "submitted"} == {
        "00106", "07902"}
    assert User.objects.get(username=demo.DEMO_CITIZEN_CODE).insured_person is not None
    guardian = User.objects.get(username=demo.DEMO_GUARDIAN_CODE)
    assert guardian.guardian_links.count() == len(demo.DEMO_CHILD_CODES) - 1
