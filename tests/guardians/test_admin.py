"""Guardianships in the admin: superusers read them; nobody adds, edits or deletes them
there; officers do not see them at all."""
import pytest
from django.urls import reverse

from guardians.models import GuardianLink
from tests.accounts.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("today")]

CHANGELIST = "admin:guardians_guardianlink_changelist"


@pytest.fixture
def superuser():
    return UserFactory(staff=True, is_superuser=True)


def test_superusers_list_and_search_by_the_child_code(client, superuser, family, other_family):
    client.force_login(superuser)
    response = client.get(reverse(CHANGELIST))
    assert response.status_code == 200
    html = response.content.decode()
    for code in ("0115000001", "0119000002", "0116000005"):
        assert code in html
    found = client.get(reverse(CHANGELIST), {"q": "0119000002"}).content.decode()
    assert "0119000002" in found and "0115000001" not in found and "0116000005" not in found


def test_filters_and_no_lookups_on_hidden_fields(client, superuser, family, edge_children):
    client.force_login(superuser)
    ended = client.get(reverse(CHANGELIST), {"ended_at__isempty": "0"}).content.decode()
    assert "0110000006" in ended and "0115000001" not in ended
    response = client.get(reverse(CHANGELIST) + "?child__full_name__startswith=Tr")
    assert response.status_code in (302, 400)


def test_the_change_page_is_read_only(client, superuser, family):
    client.force_login(superuser)
    url = reverse("admin:guardians_guardianlink_change", args=[family.khoi_link.pk])
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert str(family.khoi_link.uuid) in html
    assert 'name="_save"' not in html
    client.post(url, {"relationship": "father"})
    family.khoi_link.refresh_from_db()
    assert family.khoi_link.relationship == "mother"


def test_no_add_and_no_delete(client, superuser, family):
    client.force_login(superuser)
    assert client.get(reverse("admin:guardians_guardianlink_add")).status_code == 403
    delete = reverse("admin:guardians_guardianlink_delete", args=[family.khoi_link.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    response = client.post(reverse(CHANGELIST), {"action": "delete_selected",
                                                 "_selected_action": [family.khoi_link.pk],
                                                 "post": "yes"})
    assert response.status_code in (200, 302)
    assert GuardianLink.objects.filter(pk=family.khoi_link.pk).exists()


def test_officers_do_not_see_guardianships(client, family):
    from django.contrib.auth.models import Permission

    officer = UserFactory(staff=True)
    officer.user_permissions.add(Permission.objects.get(codename="view_guardianlink"))
    client.force_login(officer)
    assert client.get(reverse(CHANGELIST)).status_code == 403
    url = reverse("admin:guardians_guardianlink_change", args=[family.khoi_link.pk])
    assert client.get(url).status_code == 403
    assert "guardianlink" not in client.get(reverse("admin:index")).content.decode()
