"""Staff review of a child's registration: approval creates the child's account and the
guardianship, the temporary password reaches the guardian's phone; rejection reaches the
guardian."""
import pytest

from accounts.models import User
from audit.models import AuditRecord
from declarations.services.review import declaration_approve, declaration_reject
from guardians.models import GuardianLink
from guardians.selectors import children_in_care_of
from notifications.models import OutboundMessage
from notifications.sms.backends.locmem import outbox
from tests.declarations.child_helpers import a_child, family, submit_child
from tests.declarations.review_helpers import CONTEXT, officer

pytestmark = pytest.mark.django_db


def test_approval_creates_the_account_and_the_guardianship(django_capture_on_commit_callbacks):
    guardian, office = family()
    child = a_child(office)
    declaration = submit_child(guardian, child, office, relationship="mother")
    staff = officer(office)
    with django_capture_on_commit_callbacks(execute=True):
        declaration_approve(actor=staff, declaration_id=declaration.pk, context=CONTEXT)

    account = User.objects.get(username=child.bhxh_code)
    assert account.insured_person == child and account.must_change_password
    assert account.phone == guardian.phone
    link = GuardianLink.objects.get(guardian=guardian, child=child)
    assert link.relationship == "mother"
    assert link.approved_by == staff and link.approved_at is not None
    assert link.declaration_number == declaration.number
    assert list(children_in_care_of(guardian=guardian)) == [link]
    assert AuditRecord.objects.filter(action="guardians.guardianship_created").count() == 1

    sms = OutboundMessage.objects.filter(channel="sms").order_by("pk").last()
    assert sms.recipient == guardian.phone
    assert sms.sensitive and child.bhxh_code in sms.body
    assert sms.secret_erased  # delivered: the password no longer rests in the outbox
    assert any(m.to == guardian.phone and "Mat khau tam thoi" in m.body for m in outbox)


def test_rejection_reaches_the_guardian_and_creates_nothing():
    guardian, office = family()
    child = a_child(office)
    declaration = submit_child(guardian, child, office)
    declaration_reject(actor=officer(office), declaration_id=declaration.pk,
                       reason_code="photo_blurred", text="Ảnh giấy khai sinh bị mờ.",
                       context=CONTEXT)
    assert not GuardianLink.objects.exists()
    assert not User.objects.filter(username=child.bhxh_code).exists()
    sms = OutboundMessage.objects.filter(channel="sms").order_by("pk").last()
    assert sms.recipient == guardian.phone and declaration.number in sms.body
    # Rejected: the guardian may register the child again at once.
    assert submit_child(guardian, child, office).pk


def test_the_review_page_shows_the_birth_certificate_and_the_guardian(client):
    from django.urls import reverse

    guardian, office = family()
    child = a_child(office)
    declaration = submit_child(guardian, child, office, relationship="mother")
    client.force_login(officer(office))
    changelist = client.get(reverse("admin:declarations_declaration_changelist")
                            + "?kind=child_registration")
    assert changelist.status_code == 200 and declaration.number in changelist.content.decode()
    page = client.get(reverse("admin:declarations_declaration_change", args=[declaration.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Giấy khai sinh" in html and "Ảnh chân dung" in html
    assert guardian.full_name in html and "Mẹ" in html
    # The phone is the guardian's: shown, not flagged as differing from the child's record.
    assert 'class="differs"' not in html


@pytest.mark.parametrize("change", ["turned_18", "cccd_on_file"])
def test_approval_checks_the_child_on_the_day_of_the_decision(change):
    """Filed the day before the 18th birthday, or a CCCD reached the registry since: the
    approval is refused (no adult account whose password would go to the guardian)."""
    import datetime

    from freezegun import freeze_time

    from declarations.services.review import ReviewError

    guardian, office = family()
    child = a_child(office, date_of_birth=datetime.date(2008, 12, 1), birth_year=2008)
    with freeze_time("2026-11-30"):
        declaration = submit_child(guardian, child, office)
    staff = officer(office)
    day = "2026-12-01" if change == "turned_18" else "2026-11-30"
    if change == "cccd_on_file":
        child.id_number = "001208012345"
        child.save()
    with freeze_time(day), pytest.raises(ReviewError) as caught:
        declaration_approve(actor=staff, declaration_id=declaration.pk, context=CONTEXT)
    assert caught.value.code == ("not_a_child" if change == "turned_18" else "has_id_document")
    assert not User.objects.filter(username=child.bhxh_code).exists()
    assert not GuardianLink.objects.exists()
