"""Who may act for which child: the age rule (18th birthday, 29 February, year-only
records), in Python and as a database filter, and the guardianships a guardian sees."""
import datetime
import uuid

import pytest
from django.contrib.auth.models import AnonymousUser

from guardians.models import GuardianLink
from guardians.selectors import (
    child_ids_in_care_of,
    child_in_care_of,
    children_in_care_of,
    coming_of_age_date,
    guardianships_due_to_end,
    is_minor,
    minors_filter,
    years_before,
)
from registry.models import InsuredPerson
from tests.guardians.conftest import TODAY, child
from tests.guardians.factories import GuardianLinkFactory

d = datetime.date


def person(born: datetime.date | None = None, year: int | None = None) -> InsuredPerson:
    """An unsaved record: date of birth, or only the year."""
    return InsuredPerson(date_of_birth=born, birth_year=born.year if born else year)


# --- The age rule -----------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("day", "years", "expected"),
    [(d(2026, 6, 15), 18, d(2008, 6, 15)), (d(2028, 2, 29), 18, d(2010, 2, 28)),
     (d(2028, 2, 29), 4, d(2024, 2, 29)), (d(2026, 1, 1), 18, d(2008, 1, 1))],
)
def test_years_before(day, years, expected):
    assert years_before(day, years) == expected


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        (person(d(2015, 3, 2)), d(2033, 3, 2)),
        (person(d(2008, 2, 29)), d(2026, 3, 1)),  # no 29 February in 2026
        (person(d(2010, 2, 28)), d(2028, 2, 28)),
        (person(d(2012, 2, 29)), d(2030, 3, 1)),
        (person(d(2016, 2, 29)), d(2034, 3, 1)),
        (person(year=2010), d(2028, 1, 1)),  # the earliest it may be
        (person(), None),
    ],
)
def test_coming_of_age_date(record, expected):
    assert coming_of_age_date(record) == expected


@pytest.mark.parametrize(
    ("record", "today", "minor"),
    [
        (person(d(2008, 6, 16)), TODAY, True),  # 18 tomorrow
        (person(d(2008, 6, 15)), TODAY, False),  # 18 today
        (person(d(2008, 6, 14)), TODAY, False),
        (person(d(2008, 2, 29)), d(2026, 2, 28), True),
        (person(d(2008, 2, 29)), d(2026, 3, 1), False),
        (person(d(2010, 3, 1)), d(2028, 2, 29), True),
        (person(d(2010, 2, 28)), d(2028, 2, 29), False),
        (person(year=2008), d(2025, 12, 31), True),
        (person(year=2008), d(2026, 1, 1), False),
        (person(), TODAY, False),  # unknown age: never treated as a minor
    ],
)
def test_is_minor(record, today, minor):
    assert is_minor(record, today=today) is minor


def test_is_minor_defaults_to_today(today):
    assert is_minor(person(d(2008, 6, 16))) is True
    assert is_minor(person(d(2008, 6, 15))) is False


BIRTHS = [d(2008, 2, 28), d(2008, 2, 29), d(2008, 3, 1), d(2008, 6, 14), d(2008, 6, 15),
          d(2008, 6, 16), d(2010, 2, 28), d(2010, 3, 1), d(2015, 3, 2), None]
DAYS = [d(2025, 12, 31), d(2026, 1, 1), d(2026, 2, 28), d(2026, 3, 1), d(2026, 6, 14),
        d(2026, 6, 15), d(2026, 6, 16), d(2028, 2, 28), d(2028, 2, 29), d(2028, 3, 1)]


@pytest.mark.django_db
def test_the_database_filter_agrees_with_is_minor():
    people = [
        child(f"01200{n:05d}", f"Trẻ {n}", born, birth_year=born.year if born else 2008)
        for n, born in enumerate(BIRTHS)
    ]
    for day in DAYS:
        in_db = set(InsuredPerson.objects.filter(minors_filter(today=day))
                    .values_list("pk", flat=True))
        in_python = {p.pk for p in people if is_minor(p, today=day)}
        assert in_db == in_python, day


# --- The guardianships a guardian sees -------------------------------------------------------

@pytest.mark.django_db
def test_children_in_care_of_keeps_current_links_of_minors_only(family, edge_children,
                                                              other_family):
    links = list(children_in_care_of(guardian=family.guardian))
    assert links == [edge_children.minor_until_tomorrow, family.khoi_link, family.lan_link]
    assert list(children_in_care_of(guardian=other_family.guardian)) == [other_family.link]
    # On another day: tomorrow the eldest has turned 18 too.
    assert edge_children.minor_until_tomorrow not in children_in_care_of(
        guardian=family.guardian, today=d(2026, 6, 16)
    )


@pytest.mark.django_db
def test_no_children_for_anonymous_or_deactivated_accounts(family):
    assert not children_in_care_of(guardian=AnonymousUser()).exists()
    assert not children_in_care_of(guardian=None).exists()
    family.guardian.is_active = False
    family.guardian.save(update_fields=["is_active"])
    assert not children_in_care_of(guardian=family.guardian).exists()
    assert child_in_care_of(guardian=family.guardian, link_uuid=family.khoi_link.uuid) is None


@pytest.mark.django_db
def test_child_in_care_of(family, edge_children, other_family):
    found = child_in_care_of(guardian=family.guardian, link_uuid=family.khoi_link.uuid)
    assert found == family.khoi_link
    assert child_in_care_of(guardian=family.guardian, link_uuid=str(family.khoi_link.uuid))
    for refused in (other_family.link.uuid, edge_children.ended.uuid,
                    edge_children.adult_today.uuid, uuid.uuid4(), "not-a-uuid", "", None,
                    12, family.khoi_link.pk):
        assert child_in_care_of(guardian=family.guardian, link_uuid=refused) is None, refused
    assert child_in_care_of(guardian=other_family.guardian,
                            link_uuid=family.khoi_link.uuid) is None


@pytest.mark.django_db
def test_child_ids_in_care_of(family, edge_children):
    ids = set(child_ids_in_care_of(guardian=family.guardian).values_list("child_id", flat=True))
    assert ids == {family.khoi.pk, family.lan.pk, edge_children.minor_until_tomorrow.child_id}


@pytest.mark.django_db
def test_guardianships_due_to_end(family, edge_children):
    assert list(guardianships_due_to_end()) == [edge_children.adult_today]
    tomorrow = set(guardianships_due_to_end(today=d(2026, 6, 16)))
    assert tomorrow == {edge_children.adult_today, edge_children.minor_until_tomorrow}


@pytest.mark.django_db
def test_ended_guardianship_is_not_due_again(today):
    GuardianLinkFactory(ended=True, child=child("0108000010", "Đã Kết Thúc", d(2008, 1, 1)))
    assert not guardianships_due_to_end().exists()
    assert GuardianLink.objects.count() == 1
