"""factory_boy factories for guardians."""
import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from guardians.models import GuardianLink
from tests.accounts.factories import UserFactory
from tests.registry.factories import InsuredPersonFactory


class GuardianLinkFactory(DjangoModelFactory):
    """An approved, current guardianship: a mother's account and a child born 2 March 2015
    (InsuredPersonFactory's `child` trait)."""

    class Meta:
        model = GuardianLink

    guardian = factory.SubFactory(UserFactory)
    child = factory.SubFactory(InsuredPersonFactory, child=True)
    relationship = GuardianLink.Relationship.MOTHER
    approved_at = factory.LazyFunction(timezone.now)
    declaration_number = factory.Sequence(lambda n: f"TK{n:08d}")

    class Params:
        ended = factory.Trait(
            ended_at=factory.LazyFunction(timezone.now),
            end_reason=GuardianLink.EndReason.COMING_OF_AGE,
        )
