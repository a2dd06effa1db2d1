"""Who may act for which child. Every page, API answer, file and list that shows a child's
data to a guardian goes through `children_in_care_of` / `child_in_care_of`: a guardianship
that has ended, or a child who has turned 18 (even before the daily task has ended the
link), shows nothing."""
import datetime
import uuid as uuid_module

from django.db.models import Q, QuerySet
from django.utils import timezone

from guardians.models import GuardianLink
from registry.models import InsuredPerson

AGE_OF_MAJORITY = 18


def years_before(day: datetime.date, years: int) -> datetime.date:
    """The same calendar day `years` earlier (28 February for a 29 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def coming_of_age_date(person: InsuredPerson) -> datetime.date | None:
    """The 18th birthday (1 March for a child born on 29 February). A record with only the
    year of birth comes of age on 1 January of that year + 18: the earliest it may be, so
    that access never outlives the child's minority."""
    if person.date_of_birth:
        born = person.date_of_birth
        try:
            return born.replace(year=born.year + AGE_OF_MAJORITY)
        except ValueError:
            return datetime.date(born.year + AGE_OF_MAJORITY, 3, 1)
    if person.birth_year:
        return datetime.date(person.birth_year + AGE_OF_MAJORITY, 1, 1)
    return None


def is_minor(person: InsuredPerson, *, today: datetime.date | None = None) -> bool:
    coming_of_age = coming_of_age_date(person)
    return coming_of_age is not None and (today or timezone.localdate()) < coming_of_age


def minors_filter(*, today: datetime.date | None = None, prefix: str = "") -> Q:
    """A filter on InsuredPerson (or on a relation to it through `prefix`, e.g. "child__")
    keeping those under 18 on `today`; the same rule as is_minor()."""
    today = today or timezone.localdate()
    born_after = years_before(today, AGE_OF_MAJORITY)
    return Q(**{f"{prefix}date_of_birth__gt": born_after}) | Q(
        **{f"{prefix}date_of_birth__isnull": True,
           f"{prefix}birth_year__gt": today.year - AGE_OF_MAJORITY}
    )


def children_in_care_of(
    *, guardian, today: datetime.date | None = None
) -> QuerySet[GuardianLink]:
    """The guardian's current guardianships: not ended, child still under 18, guardian's
    account active. Ordered youngest last, as families list them."""
    if not getattr(guardian, "is_authenticated", False) or not guardian.is_active:
        return GuardianLink.objects.none()
    return (
        GuardianLink.objects.filter(guardian=guardian, ended_at__isnull=True)
        .filter(minors_filter(today=today, prefix="child__"))
        .select_related("child")
        .order_by("child__birth_year", "child__date_of_birth", "pk")
    )


def child_in_care_of(*, guardian, link_uuid: object) -> GuardianLink | None:
    """One of the guardian's current guardianships by its uuid, None for anything else
    (another family's link, an ended one, a malformed id)."""
    try:
        value = uuid_module.UUID(str(link_uuid))
    except (ValueError, TypeError, AttributeError):
        return None
    return (
        children_in_care_of(guardian=guardian)
        .select_related("child__office", "child__province")
        .filter(uuid=value)
        .first()
    )


def child_ids_in_care_of(*, guardian) -> QuerySet:
    """The insured-person ids of the guardian's current children (a subquery)."""
    return children_in_care_of(guardian=guardian).values("child_id")


def guardianships_due_to_end(*, today: datetime.date | None = None) -> QuerySet[GuardianLink]:
    """Open guardianships whose child is no longer a minor on `today`."""
    return GuardianLink.objects.filter(ended_at__isnull=True).exclude(
        minors_filter(today=today, prefix="child__")
    )
