import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from audit.models import AuditRecord
from declarations.models import Declaration
from declarations.services.registration import declaration_submit_self_registration
from tests.accounts.factories import UserFactory
from tests.declarations.registration_helpers import (
    person_and_office,
    registration_data,
    sample_photos,
)
from tests.registry.factories import InsuredPersonFactory, OfficeFactory

pytestmark = pytest.mark.django_db


def _declaration(person, office, phone="0912345678") -> Declaration:
    return declaration_submit_self_registration(
        data=registration_data(person, office, phone=phone), photos=sample_photos(), language="vi"
    )


def _officer(office):
    user = UserFactory(staff=True, office=office)
    user.user_permissions.add(Permission.objects.get(codename="view_declaration"))
    return user


@pytest.fixture
def two_offices():
    person, office = person_and_office()
    other_office = OfficeFactory(code="00122", name="BHXH cơ sở Ba Đình", parent=office.parent)
    mine = _declaration(person, office)
    theirs = _declaration(InsuredPersonFactory(), other_office, phone="0987000111")
    return office, mine, theirs


def test_staff_see_only_their_office(client, two_offices):
    office, mine, theirs = two_offices
    client.force_login(_officer(office))
    html = client.get(reverse("admin:declarations_declaration_changelist")).content.decode()
    assert mine.number in html and theirs.number not in html
    url = reverse("admin:declarations_declaration_change", args=[theirs.pk])
    assert client.get(url).status_code == 302  # Django redirects a missing object


def test_superuser_sees_all_and_searches_exactly(client, two_offices):
    office, mine, theirs = two_offices
    client.force_login(UserFactory(staff=True, is_superuser=True))
    url = reverse("admin:declarations_declaration_changelist")
    html = client.get(url).content.decode()
    assert mine.number in html and theirs.number in html
    html = client.get(url, {"q": mine.bhxh_code}).content.decode()
    assert mine.number in html and theirs.number not in html


def test_attachment_view_checks_office_and_audits(client, two_offices):
    office, mine, theirs = two_offices
    client.force_login(_officer(office))
    attachment = mine.attachments.get(kind="id_front")
    url = reverse(
        "admin:declarations_declaration_attachment",
        kwargs={"pk": mine.pk, "attachment_uuid": attachment.uuid},
    )
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert "no-store" in response["Cache-Control"]
    record = AuditRecord.objects.get(action="declaration.attachment_viewed")
    assert record.object_id == str(attachment.pk)
    assert mine.bhxh_code not in str(record.data)

    other = theirs.attachments.get(kind="id_front")
    url = reverse(
        "admin:declarations_declaration_attachment",
        kwargs={"pk": theirs.pk, "attachment_uuid": other.uuid},
    )
    assert client.get(url).status_code == 404
    assert AuditRecord.objects.filter(action="declaration.attachment_viewed").count() == 1


def test_anonymous_cannot_open_attachments(client, two_offices):
    office, mine, theirs = two_offices
    attachment = mine.attachments.first()
    url = reverse(
        "admin:declarations_declaration_attachment",
        kwargs={"pk": mine.pk, "attachment_uuid": attachment.uuid},
    )
    response = client.get(url)
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_staff_without_office_see_nothing(client, two_offices):
    user = UserFactory(staff=True, office=False)
    user.user_permissions.add(Permission.objects.get(codename="view_declaration"))
    client.force_login(user)
    html = client.get(reverse("admin:declarations_declaration_changelist")).content.decode()
    assert two_offices[1].number not in html


def test_pdf_view_audited_and_limited_to_office(client, two_offices):
    from django.core.files.base import ContentFile

    office, mine, theirs = two_offices
    for declaration in (mine, theirs):
        declaration.pdf.save("x.pdf", ContentFile(b"%PDF-1.7 test"), save=True)
    client.force_login(_officer(office))
    change = client.get(reverse("admin:declarations_declaration_change", args=[mine.pk]))
    assert reverse("admin:declarations_declaration_pdf", kwargs={"pk": mine.pk}) in (
        change.content.decode()
    )
    response = client.get(reverse("admin:declarations_declaration_pdf", kwargs={"pk": mine.pk}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert AuditRecord.objects.filter(action="declaration.pdf_viewed").count() == 1
    url = reverse("admin:declarations_declaration_pdf", kwargs={"pk": theirs.pk})
    assert client.get(url).status_code == 404
