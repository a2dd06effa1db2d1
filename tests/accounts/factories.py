"""factory_boy factories for accounts, shared by the whole suite."""
import factory
from factory.django import DjangoModelFactory

from accounts.models import StaffAssignment, User
from tests.registry.factories import InsuredPersonFactory, OfficeFactory

DEFAULT_PASSWORD = "Mat-khau-thu-2026"


class UserFactory(DjangoModelFactory):
    """A citizen account: username = the BHXH code of its insured person."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    insured_person = factory.SubFactory(InsuredPersonFactory)
    username = factory.LazyAttribute(lambda o: o.insured_person.bhxh_code)
    full_name = factory.LazyAttribute(lambda o: o.insured_person.full_name)
    phone = "+84912345678"
    email = ""
    is_active = True
    password = factory.PostGenerationMethodCall("set_password", DEFAULT_PASSWORD)

    @factory.post_generation
    def _save_password(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()

    @factory.post_generation
    def office(obj, create, extracted, **kwargs):  # noqa: N805
        """Staff: assigned to `office` (a new local office when not given; none with
        office=False), as an officer unless office__role="manager", in the officers group."""
        if not create or not obj.is_staff or obj.is_superuser:
            return
        from accounts.services.staff import officers_group

        obj.groups.add(officers_group())
        if extracted is False:
            return
        office = extracted or OfficeFactory()
        StaffAssignment.objects.create(
            user=obj, office=office, role=kwargs.get("role", StaffAssignment.Role.OFFICER)
        )

    class Params:
        staff = factory.Trait(
            insured_person=None,
            username=factory.Sequence(lambda n: f"canbo{n}"),
            full_name="Lê Văn Cán",
            is_staff=True,
        )
