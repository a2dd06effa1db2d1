"""Staff and citizen accounts in the admin: a superuser manages all staff; a province
office's manager manages the staff of that province only; citizen accounts are looked up,
unlocked and deactivated, their passwords never shown."""
import pytest
from django.urls import reverse

from accounts import login_throttle
from accounts.models import StaffAssignment, User
from audit.actions import AuditAction
from audit.models import AuditRecord
from tests.accounts.factories import UserFactory
from tests.declarations.review_helpers import officer, two_provinces
from tests.registry.factories import InsuredPersonFactory

pytestmark = pytest.mark.django_db
STAFF = "admin:accounts_staffuser_changelist"
CITIZENS = "admin:accounts_citizenaccount_changelist"


@pytest.fixture
def offices():
    return two_provinces()


def _add_officer(client, office, **extra):
    data = {
        "username": "canbo.moi", "full_name": "Cán bộ Mới", "email": "", "phone": "",
        "is_active": "on", "password1": "Sen-vang-2026-x",
        "assignments-TOTAL_FORMS": "1", "assignments-INITIAL_FORMS": "0",
        "assignments-MIN_NUM_FORMS": "0", "assignments-MAX_NUM_FORMS": "1000",
        "assignments-0-office": office.pk, "assignments-0-role": "officer",
    }
    data.update(extra)
    return client.post(reverse("admin:accounts_staffuser_add"), data)


def test_superuser_creates_an_officer_with_an_office(client, offices):
    client.force_login(UserFactory(staff=True, is_superuser=True))
    response = _add_officer(client, offices.quan1)
    assert response.status_code == 302, response.content.decode()[:2000]
    user = User.objects.get(username="canbo.moi")
    assert user.is_staff and user.check_password("Sen-vang-2026-x")
    assert list(user.assignments.values_list("office__code", flat=True)) == ["07901"]
    assert user.has_perm("declarations.view_declaration")
    record = AuditRecord.objects.get(action=AuditAction.STAFF_ASSIGNMENT_CHANGED)
    assert record.data["assignments"] == ["07901:officer"]


def test_province_manager_manages_only_their_province(client, offices):
    manager = officer(offices.hanoi, role=StaffAssignment.Role.MANAGER)
    mine, theirs = officer(offices.dongda), officer(offices.quan1)
    client.force_login(manager)
    html = client.get(reverse(STAFF)).content.decode()
    assert mine.username in html and theirs.username not in html
    assert client.get(reverse("admin:accounts_staffuser_change", args=[theirs.pk])
                      ).status_code in (302, 403, 404)
    # Creating an officer in another province is refused (the office is not a choice).
    response = _add_officer(client, offices.quan1)
    assert response.status_code == 200
    assert not User.objects.filter(username="canbo.moi").exists()
    assert _add_officer(client, offices.badinh).status_code == 302
    # Nor may a manager make managers.
    response = _add_officer(client, offices.hanoi, **{"username": "canbo.khac",
                                                      "assignments-0-role": "manager"})
    assert not User.objects.filter(username="canbo.khac").exists()


def test_officers_do_not_manage_staff(client, offices):
    client.force_login(officer(offices.dongda))
    assert client.get(reverse(STAFF)).status_code == 403
    assert client.get(reverse(CITIZENS)).status_code == 403


def test_citizen_accounts_unlock_and_deactivate_without_passwords(client, offices, settings):
    from rest_framework.authtoken.models import Token

    person = InsuredPersonFactory(province=offices.hanoi.province)
    citizen = UserFactory(insured_person=person)
    Token.objects.create(user=citizen)
    far = UserFactory(insured_person=InsuredPersonFactory(province=offices.hcm.province))
    settings.LOGIN_FAILURES_PER_NAME = 2
    for _ in range(2):
        login_throttle.login_failed(username=citizen.username, address=None)
    assert login_throttle.login_blocked(username=citizen.username, address=None)

    client.force_login(officer(offices.hanoi, role=StaffAssignment.Role.MANAGER))
    html = client.get(reverse(CITIZENS), {"q": citizen.username}).content.decode()
    assert citizen.username in html
    assert far.username not in client.get(reverse(CITIZENS)).content.decode()
    page = client.get(reverse("admin:accounts_citizenaccount_change", args=[citizen.pk]))
    assert "pbkdf2" not in page.content.decode() and "md5$" not in page.content.decode()
    client.post(reverse(CITIZENS), {"action": "unlock", "_selected_action": [citizen.pk]})
    assert not login_throttle.login_blocked(username=citizen.username, address=None)
    client.post(reverse(CITIZENS), {"action": "deactivate", "_selected_action": [citizen.pk]})
    citizen.refresh_from_db()
    assert not citizen.is_active and not Token.objects.filter(user=citizen).exists()
    client.post(reverse(CITIZENS), {"action": "deactivate", "_selected_action": [far.pk]})
    far.refresh_from_db()
    assert far.is_active
    actions = set(AuditRecord.objects.values_list("action", flat=True))
    assert {AuditAction.ACCOUNT_UNLOCKED, AuditAction.ACCOUNT_DEACTIVATED} <= actions
