"""One authentication service behind the web login, the API token and the admin login:
the same limits and audit records whichever door is used."""
import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from audit.actions import AuditAction
from audit.models import AuditRecord
from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def _web(client, login, password):
    return client.post(reverse("accounts:login"), {"username": login, "password": password})


def _api(client, login, password):
    return APIClient().post(reverse("api:auth-token"), {"bhxh_code": login, "password": password})


def _admin(client, login, password):
    return client.post(reverse("admin:login"), {"username": login, "password": password})


@pytest.mark.parametrize("door", [_web, _api, _admin], ids=["web", "api", "admin"])
def test_every_door_audits_success_and_failure(client, door):
    user = UserFactory(staff=door is _admin)
    door(client, user.username, "wrong-password")
    door(client, "0000000000", "wrong-password")
    door(client, user.username, DEFAULT_PASSWORD)
    failed = AuditRecord.objects.filter(action=AuditAction.LOGIN_FAILED).order_by("id")
    assert [r.object_id for r in failed] == [str(user.pk), ""]
    success = AuditRecord.objects.get(action=AuditAction.LOGIN_SUCCEEDED)
    assert success.actor == user and success.ip_address == "127.0.0.1"
    dump = str(list(AuditRecord.objects.values("data", "object_id")))
    assert "wrong-password" not in dump and "0000000000" not in dump


def test_failures_count_across_doors_and_the_lock_is_audited(client, settings):
    from freezegun import freeze_time

    settings.LOGIN_FAILURES_PER_NAME = 3
    user = UserFactory(staff=True)
    with freeze_time() as clock:
        for door in (_web, _api, _admin):
            door(client, user.username, "x")
            clock.tick(60)  # past the growing delays: each try counts
        response = _web(client, user.username, DEFAULT_PASSWORD)
    assert "quá nhiều lần" in response.content.decode()
    assert AuditRecord.objects.filter(action=AuditAction.LOGIN_LOCKED).count() == 1


def test_forged_forwarded_for_is_not_a_new_address(client, settings):
    settings.LOGIN_FAILURES_PER_ADDRESS = 3
    settings.LOGIN_FAILURES_PER_NAME = 100
    for n in range(3):
        client.post(reverse("accounts:login"), {"username": f"000000000{n}", "password": "x"},
                    HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
    user = UserFactory()
    response = client.post(reverse("accounts:login"),
                           {"username": user.username, "password": DEFAULT_PASSWORD},
                           HTTP_X_FORWARDED_FOR="198.51.100.99")
    assert response.status_code == 200  # refused: the address is the socket's, not the header's
    records = AuditRecord.objects.filter(action=AuditAction.LOGIN_FAILED)
    assert set(records.values_list("ip_address", flat=True)) == {"127.0.0.1"}
