"""A child's registration: who may be registered, what is filed, what is sent."""
import datetime

import pytest
from django.core.exceptions import ValidationError
from freezegun import freeze_time

from audit.models import AuditRecord
from declarations.models import Declaration
from declarations.services.child_registration import child_office_default
from declarations.services.registration import declaration_submit_self_registration
from notifications.models import OutboundMessage
from tests.accounts.factories import UserFactory
from tests.declarations.child_helpers import a_child, family, submit_child
from tests.declarations.registration_helpers import registration_data, sample_photos
from tests.declarations.short_link_helpers import received_sms, short_link_in

pytestmark = pytest.mark.django_db


def _codes(exc: ValidationError) -> dict[str, list[str]]:
    return {field: [e.code for e in errors] for field, errors in exc.error_dict.items()}


def test_files_the_declaration_with_the_guardians_phone_and_email(
        django_capture_on_commit_callbacks):
    guardian, office = family(email="quan.leminh@example.com")
    child = a_child(office)
    with django_capture_on_commit_callbacks(execute=True):
        declaration = submit_child(guardian, child, office, full_name="le minh  duc")
    assert declaration.kind == Declaration.Kind.CHILD_REGISTRATION
    assert declaration.submitted_by == guardian
    assert declaration.insured_person == child
    assert declaration.full_name == "Lê Minh Đức"
    assert declaration.phone == guardian.phone and declaration.email == guardian.email
    assert declaration.guardian_relationship == "father"
    assert set(declaration.attachments.values_list("kind", flat=True)) == {
        "portrait", "birth_certificate"}
    declaration.refresh_from_db()
    assert declaration.pdf  # rendered after commit (eager tasks)
    record = AuditRecord.objects.get(action="declaration.submitted")
    assert record.actor_id == guardian.pk and record.data["kind"] == "child_registration"
    sms = OutboundMessage.objects.get(channel="sms")
    assert sms.recipient == guardian.phone
    # The phone got the short link; the outbox keeps it masked once sent.
    assert short_link_in(received_sms(declaration.number))
    assert declaration.number in sms.body and not short_link_in(sms.body) and sms.sensitive
    email = OutboundMessage.objects.get(channel="email")
    assert email.recipient == "quan.leminh@example.com"
    assert email.attachments and email.attachments[0]["filename"].endswith(".pdf")


def test_without_an_email_on_file_only_the_sms_goes():
    guardian, office = family(email="")
    declaration = submit_child(guardian, a_child(office), office)
    assert not declaration.send_email
    assert list(OutboundMessage.objects.values_list("channel", flat=True)) == ["sms"]


@pytest.mark.parametrize("fields,field,code", [
    ({"date_of_birth": datetime.date(2007, 1, 5), "birth_year": 2007}, "bhxh_code",
     "not_a_child"),
    ({"id_number": "001215012345"}, "bhxh_code", "has_id_document"),
])
def test_an_adult_or_a_child_with_an_id_card_is_refused(fields, field, code):
    guardian, office = family()
    child = a_child(office, **fields)
    with pytest.raises(ValidationError) as caught:
        submit_child(guardian, child, office)
    assert _codes(caught.value)[field] == [code]
    assert not Declaration.objects.exists()


def test_each_refusal_has_its_own_code():
    guardian, office = family()
    # An unknown code is answered like a wrong name: step 1 does not tell whether a code
    # exists.
    with pytest.raises(ValidationError) as caught:
        submit_child(guardian, a_child(office), office, bhxh_code="0100099999")
    assert _codes(caught.value) == {"full_name": ["name_mismatch"]}

    child = a_child(office)
    with pytest.raises(ValidationError) as caught:
        submit_child(guardian, child, office, full_name="Lê Minh Đạt")
    assert _codes(caught.value) == {"full_name": ["name_mismatch"]}

    UserFactory(insured_person=child)
    with pytest.raises(ValidationError) as caught:
        submit_child(guardian, child, office)
    assert _codes(caught.value) == {"bhxh_code": ["already_registered"]}

    pending_child = a_child(office)
    submit_child(guardian, pending_child, office)
    other_guardian, _ = family(phone="+84912000999")
    with pytest.raises(ValidationError) as caught:
        submit_child(other_guardian, pending_child, office)
    assert _codes(caught.value) == {"bhxh_code": ["pending_declaration"]}

    with pytest.raises(ValidationError) as caught:
        submit_child(guardian, guardian.insured_person, office,
                     full_name=guardian.insured_person.full_name)
    assert "bhxh_code" in _codes(caught.value)


def test_a_wrong_name_reveals_nothing_else_about_the_record():
    guardian, office = family()
    adult_with_account = a_child(office, date_of_birth=datetime.date(1990, 1, 1),
                                 birth_year=1990, id_number="001090012345")
    UserFactory(insured_person=adult_with_account)
    with pytest.raises(ValidationError) as caught:
        submit_child(guardian, adult_with_account, office, full_name="Ai Đó Khác")
    assert _codes(caught.value) == {"full_name": ["name_mismatch"]}


def test_relationship_office_commitment_and_photos_are_required():
    guardian, office = family()
    child = a_child(office)
    from declarations.services.child_registration import (
        declaration_submit_child_registration,
    )
    from tests.declarations.child_helpers import child_data

    with pytest.raises(ValidationError) as caught:
        declaration_submit_child_registration(
            guardian=guardian,
            data=child_data(child, office, relationship="uncle", office="",
                            commitment_accepted=False),
            photos={}, language="vi",
        )
    assert set(_codes(caught.value)) == {
        "relationship", "office", "accept_commitment", "portrait", "birth_certificate"}


def test_staff_or_an_account_without_phone_cannot_register_a_child():
    _, office = family()
    staff = UserFactory(staff=True)
    adult_with_id = a_child(office, date_of_birth=datetime.date(1990, 1, 1), birth_year=1990,
                            id_number="001090012345")
    # Refused on the account alone: nothing said about the record asked for.
    with pytest.raises(ValidationError) as caught:
        submit_child(staff, adult_with_id, office)
    assert _codes(caught.value) == {"__all__": ["guardian_not_citizen"]}
    no_phone, _ = family(phone="")
    with pytest.raises(ValidationError) as caught:
        submit_child(no_phone, adult_with_id, office)
    assert _codes(caught.value) == {"__all__": ["guardian_without_phone"]}


def test_a_minor_cannot_be_anyones_guardian():
    """A child's own account carries the parent's phone: it still may not register a
    sibling."""
    _, office = family()
    child_account = UserFactory(insured_person=a_child(office), phone="+84983000201")
    with pytest.raises(ValidationError) as caught:
        submit_child(child_account, a_child(office, full_name="Lê Bảo Ngọc"), office)
    assert _codes(caught.value) == {"__all__": ["guardian_not_citizen"]}


def test_the_declaration_carries_nothing_of_the_registry_but_the_code_and_name():
    guardian, office = family()
    child = a_child(office, address="Số 7 phố Tôn Thất Tùng, Hà Nội")
    declaration = submit_child(guardian, child, office)
    assert declaration.date_of_birth is None and declaration.sex == ""
    assert declaration.address == "" and declaration.id_number == ""
    from declarations.pdf.render import render_declaration_pdf
    from tests.declarations.test_pdf import pdf_text
    text = pdf_text(render_declaration_pdf(declaration))
    assert child.full_name in text and child.bhxh_code in text
    assert "Tôn Thất Tùng" not in text and "20/09/2021" not in text


def test_the_guardians_phone_on_a_childs_declaration_never_blocks_another_registration():
    """Two children with the guardian's phone, then someone re-registering the guardian's
    own code with that phone: none is refused as "phone of another code"."""
    guardian, office = family()
    submit_child(guardian, a_child(office), office)
    submit_child(guardian, a_child(office), office)
    assert Declaration.objects.filter(phone=guardian.phone).count() == 2
    guardian.is_active = False  # e.g. deactivated, registering again
    guardian.save()
    person = guardian.insured_person
    data = registration_data(person, office, phone="0983000201",
                             date_of_birth=person.date_of_birth, sex=person.sex,
                             id_number="038084207719")
    try:
        declaration_submit_self_registration(data=data, photos=sample_photos(), language="vi")
    except ValidationError as exc:
        assert "phone" not in exc.error_dict, exc.error_dict


def test_office_preset_is_the_one_on_the_childs_card():
    guardian, office = family()
    assert child_office_default(a_child(office)) == office
    assert child_office_default(a_child()) is None


@freeze_time("2026-11-29")
def test_coming_of_age_is_checked_on_the_day():
    guardian, office = family()
    turning_today = a_child(office, date_of_birth=datetime.date(2008, 11, 29), birth_year=2008)
    with pytest.raises(ValidationError) as caught:
        submit_child(guardian, turning_today, office)
    assert _codes(caught.value)["bhxh_code"] == ["not_a_child"]
    turning_tomorrow = a_child(office, date_of_birth=datetime.date(2008, 11, 30),
                               birth_year=2008)
    assert submit_child(guardian, turning_tomorrow, office).pk
