"""Writes of the guardianship: created on approval (renewed, never duplicated), ended once
the child comes of age, each with its audit record."""
import datetime

import pytest
from freezegun import freeze_time

from audit.actions import AuditAction
from audit.models import AuditRecord
from guardians.models import GuardianLink
from guardians.services import guardianship_create, guardianships_end_coming_of_age
from tests.accounts.factories import UserFactory
from tests.guardians.conftest import child
from tests.guardians.factories import GuardianLinkFactory

pytestmark = pytest.mark.django_db
d = datetime.date


def ended_records():
    return AuditRecord.objects.filter(action=AuditAction.GUARDIANSHIP_ENDED)


# --- guardianship_create ----------------------------------------------------------------------

def test_create_records_the_link_and_an_audit_record(today):
    guardian, officer = UserFactory(), UserFactory(staff=True)
    kid = child("0115000001", "Trần Minh Khôi", d(2015, 3, 2))
    link = guardianship_create(guardian=guardian, child=kid, relationship="father",
                               approved_by=officer, declaration_number="TK00000001")
    assert link.relationship == GuardianLink.Relationship.FATHER
    assert link.approved_by == officer and link.approved_at is not None
    assert link.declaration_number == "TK00000001"
    [record] = AuditRecord.objects.filter(action=AuditAction.GUARDIANSHIP_CREATED)
    assert record.actor == officer
    assert (record.object_type, record.object_id) == ("guardians.guardianlink", str(link.pk))
    assert record.data == {"guardian": guardian.pk, "child": "0115000001",
                           "relationship": "father", "declaration": "TK00000001",
                           "renewed": False}


def test_create_again_renews_an_ended_link_instead_of_duplicating_it(today):
    old = GuardianLinkFactory(ended=True, relationship=GuardianLink.Relationship.GUARDIAN)
    officer = UserFactory(staff=True)
    link = guardianship_create(guardian=old.guardian, child=old.child, relationship="mother",
                               approved_by=officer, declaration_number="TK00000002")
    assert link.pk == old.pk and GuardianLink.objects.count() == 1
    link.refresh_from_db()
    assert link.ended_at is None and link.end_reason == ""
    assert link.relationship == "mother" and link.declaration_number == "TK00000002"
    [record] = AuditRecord.objects.filter(action=AuditAction.GUARDIANSHIP_CREATED)
    assert record.data["renewed"] is True


def test_an_unknown_relationship_is_recorded_as_guardian(today):
    kid = child("0115000003", "Bé", d(2020, 1, 1))
    link = guardianship_create(guardian=UserFactory(), child=kid, relationship="uncle",
                               approved_by=UserFactory(staff=True),
                               declaration_number="TK00000003")
    assert link.relationship == GuardianLink.Relationship.GUARDIAN


# --- guardianships_end_coming_of_age ----------------------------------------------------------

def test_ends_the_due_links_once_and_is_idempotent(family, edge_children):
    year_only = GuardianLinkFactory(guardian=family.guardian,
                                    child=child("0107000011", "Năm Sinh", None, birth_year=2007))
    already_ended_at = edge_children.ended.ended_at

    assert guardianships_end_coming_of_age() == 2

    for link in (edge_children.adult_today, year_only):
        link.refresh_from_db()
        assert link.ended_at is not None
        assert link.end_reason == GuardianLink.EndReason.COMING_OF_AGE
    for link in (family.khoi_link, family.lan_link, edge_children.minor_until_tomorrow):
        link.refresh_from_db()
        assert link.ended_at is None and link.end_reason == ""
    edge_children.ended.refresh_from_db()
    assert edge_children.ended.ended_at == already_ended_at

    records = {r.object_id: r for r in ended_records()}
    assert set(records) == {str(edge_children.adult_today.pk), str(year_only.pk)}
    record = records[str(edge_children.adult_today.pk)]
    assert record.actor is None
    assert record.object_type == "guardians.guardianlink"
    assert record.data == {"guardian": family.guardian.pk, "child": "0108000007",
                           "reason": "coming_of_age"}

    ended_at = edge_children.adult_today.ended_at
    assert guardianships_end_coming_of_age() == 0
    assert ended_records().count() == 2
    edge_children.adult_today.refresh_from_db()
    assert edge_children.adult_today.ended_at == ended_at


def test_the_next_day_ends_the_next_child(family, edge_children):
    assert guardianships_end_coming_of_age() == 1
    with freeze_time("2026-06-16 03:00:00"):
        assert guardianships_end_coming_of_age() == 1
    edge_children.minor_until_tomorrow.refresh_from_db()
    assert edge_children.minor_until_tomorrow.ended_at is not None


def test_a_29_february_birthday_ends_on_1_march():
    with freeze_time("2026-02-20 03:00:00"):
        link = GuardianLinkFactory(child=child("0108000012", "Nhuận", d(2008, 2, 29)))
    with freeze_time("2026-02-28 03:00:00"):
        assert guardianships_end_coming_of_age() == 0
    with freeze_time("2026-03-01 03:00:00"):
        assert guardianships_end_coming_of_age() == 1
    link.refresh_from_db()
    assert link.end_reason == GuardianLink.EndReason.COMING_OF_AGE


def test_a_year_only_birth_record_ends_on_1_january():
    with freeze_time("2025-12-01 03:00:00"):
        link = GuardianLinkFactory(child=child("0108000013", "Năm", None, birth_year=2008))
    with freeze_time("2025-12-31 03:00:00"):
        assert guardianships_end_coming_of_age() == 0
    with freeze_time("2026-01-01 03:00:00"):
        assert guardianships_end_coming_of_age() == 1
    link.refresh_from_db()
    assert link.ended_at is not None


def test_the_day_is_the_local_day():
    """18 at midnight in Hà Nội, which is still the day before in UTC."""
    with freeze_time("2026-06-01 03:00:00"):
        link = GuardianLinkFactory(child=child("0108000014", "Nửa Đêm", d(2008, 6, 15)))
    with freeze_time("2026-06-14 16:30:00"):  # 23:30 on the 14th in Hà Nội
        assert guardianships_end_coming_of_age() == 0
    with freeze_time("2026-06-14 17:30:00"):  # 00:30 on the 15th in Hà Nội
        assert guardianships_end_coming_of_age() == 1
    link.refresh_from_db()
    assert link.ended_at is not None


def test_an_explicit_day(family, edge_children):
    assert guardianships_end_coming_of_age(today=d(2026, 6, 16)) == 2
    assert guardianships_end_coming_of_age(today=d(2026, 6, 16)) == 0


def test_coming_of_age_releases_the_childs_account_from_the_guardian(db):
    """The guardian received the child's password and the account carries the guardian's
    phone: at 18 both are taken away (sessions end with the password), and the young adult
    may register with their own CCCD, which activates the same account."""
    import datetime

    from freezegun import freeze_time
    from rest_framework.authtoken.models import Token

    from accounts.models import User
    from audit.models import AuditRecord
    from declarations.services.registration_validation import _active_account_for
    from declarations.services.review import declaration_approve
    from guardians.services import guardianships_end_coming_of_age
    from tests.declarations.child_helpers import a_child, family, submit_child
    from tests.declarations.review_helpers import CONTEXT, officer

    guardian, office = family(email="bo@example.com")
    child = a_child(office, date_of_birth=datetime.date(2008, 12, 5), birth_year=2008)
    with freeze_time("2026-11-29"):
        declaration = submit_child(guardian, child, office)
        declaration_approve(actor=officer(office), declaration_id=declaration.pk,
                            context=CONTEXT)
    account = User.objects.get(username=child.bhxh_code)
    Token.objects.create(user=account)
    assert account.phone == guardian.phone and account.email == "bo@example.com"

    with freeze_time("2026-12-05"):
        assert guardianships_end_coming_of_age() == 1
        assert guardianships_end_coming_of_age() == 0
    account.refresh_from_db()
    assert account.is_active  # the young adult keeps the account
    assert account.phone == "" and account.email == ""
    assert not account.has_usable_password()
    assert not Token.objects.filter(user=account).exists()
    assert AuditRecord.objects.filter(action="accounts.account_released_at_majority").count() == 1
    assert _active_account_for(child) is None  # may now register with their own CCCD


def test_an_account_with_its_own_phone_is_left_alone_at_18(db):
    import datetime

    from freezegun import freeze_time

    from accounts.models import User
    from declarations.services.review import declaration_approve
    from guardians.services import guardianships_end_coming_of_age
    from tests.accounts.factories import DEFAULT_PASSWORD
    from tests.declarations.child_helpers import a_child, family, submit_child
    from tests.declarations.review_helpers import CONTEXT, officer

    guardian, office = family()
    child = a_child(office, date_of_birth=datetime.date(2008, 12, 5), birth_year=2008)
    with freeze_time("2026-11-29"):
        declaration = submit_child(guardian, child, office)
        declaration_approve(actor=officer(office), declaration_id=declaration.pk,
                            context=CONTEXT)
    account = User.objects.get(username=child.bhxh_code)
    account.phone = "+84977000111"
    account.set_password(DEFAULT_PASSWORD)
    account.save()
    with freeze_time("2026-12-05"):
        guardianships_end_coming_of_age()
    account.refresh_from_db()
    assert account.phone == "+84977000111" and account.check_password(DEFAULT_PASSWORD)
