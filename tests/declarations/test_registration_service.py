import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.utils import translation

from audit.models import AuditRecord
from declarations.models import Attachment, Declaration
from declarations.services.registration import (
    NUMBER_ALPHABET,
    declaration_number_new,
    declaration_submit_self_registration,
    self_registration_validate,
)
from notifications.models import OutboundMessage
from tests.accounts.factories import UserFactory
from tests.declarations.registration_helpers import (
    person_and_office,
    registration_data,
    sample_photos,
)
from tests.declarations.short_link_helpers import received_sms, short_link_in
from tests.registry.factories import InsuredPersonFactory, OfficeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_vietnamese():
    # Another test's English request leaves English active in this thread.
    with translation.override("vi"):
        yield


def _errors(exc_info) -> dict[str, list[str]]:
    return exc_info.value.message_dict


def _submit(data, **kwargs):
    return declaration_submit_self_registration(
        data=data,
        photos=kwargs.pop("photos", sample_photos()),
        language=kwargs.pop("language", "vi"),
        **kwargs,
    )


# --- validation ---------------------------------------------------------------------------

def test_valid_data_is_normalised():
    person, office = person_and_office()
    validated = self_registration_validate(
        data=registration_data(person, office, full_name="  nguyễn   THỊ ánh ")
    )
    assert validated.person == person
    assert validated.office == office
    assert validated.data.phone == "+84912345678"
    assert validated.data.full_name == "nguyễn THỊ ánh"


def test_name_in_nfd_and_without_case_matches():
    import unicodedata

    person, office = person_and_office()
    nfd = unicodedata.normalize("NFD", "NGUYỄN THỊ ÁNH")
    self_registration_validate(data=registration_data(person, office, full_name=nfd))


@pytest.mark.parametrize("change", [
    {"full_name": "Nguyễn Thị Anh Đào"},
    {"bhxh_code": "9999999999"},
    {"date_of_birth": datetime.date(1990, 5, 18)},
    {"sex": "M", "id_number": "001090123456"},
])
def test_identity_is_checked_as_a_whole(change):
    """A wrong name, date of birth or sex and an unknown code get one answer: the form
    cannot test a code's existence or guess a date of birth field by field."""
    person, office = person_and_office()
    with pytest.raises(ValidationError) as info:
        self_registration_validate(data=registration_data(person, office, **change))
    assert "không khớp với cơ sở dữ liệu BHXH" in _errors(info)["bhxh_code"][0]
    assert {e.code for e in info.value.error_dict["bhxh_code"]} == {"identity_mismatch"}
    assert not {"full_name", "date_of_birth", "sex"} & set(info.value.error_dict)


def test_bad_shape_of_code():
    person, office = person_and_office()
    with pytest.raises(ValidationError) as info:
        self_registration_validate(data=registration_data(person, office, bhxh_code="12345"))
    assert "10 chữ số" in _errors(info)["bhxh_code"][0]


def test_nothing_about_the_record_is_said_to_someone_who_does_not_match():
    """Account, pending declaration, phone of another code: only once the identity
    matches."""
    from tests.accounts.factories import UserFactory

    person, office = person_and_office()
    UserFactory(insured_person=person, phone="+84912000555")
    with pytest.raises(ValidationError) as info:
        self_registration_validate(
            data=registration_data(person, office, full_name="Người Khác"))
    assert "···555" not in str(info.value) and "đã được đăng ký" not in str(info.value)
    with pytest.raises(ValidationError) as info:
        self_registration_validate(data=registration_data(person, office))
    assert {e.code for e in info.value.error_dict["bhxh_code"]} == {"already_registered"}


def test_year_only_record_matches_any_date_in_that_year():
    person, office = person_and_office(date_of_birth=None, birth_year=1990)
    self_registration_validate(
        data=registration_data(person, office, date_of_birth=datetime.date(1990, 12, 31))
    )
    with pytest.raises(ValidationError):
        self_registration_validate(
            data=registration_data(person, office, date_of_birth=datetime.date(1991, 1, 1))
        )


def test_cccd_must_agree_with_dob_and_sex():
    person, office = person_and_office()
    with pytest.raises(ValidationError) as info:
        self_registration_validate(data=registration_data(person, office, id_number="001090123456"))
    assert "giới tính" in _errors(info)["id_number"][0]
    with pytest.raises(ValidationError) as info:
        self_registration_validate(data=registration_data(person, office, id_number="001191123456"))
    assert "năm sinh 1991" in _errors(info)["id_number"][0]


def test_passport_and_cmnd_shapes():
    person, office = person_and_office()
    for id_type, number in (("passport", "C1234567"), ("cmnd", "123456789")):
        self_registration_validate(
            data=registration_data(person, office, id_type=id_type, id_number=number)
        )
    with pytest.raises(ValidationError) as info:
        self_registration_validate(
            data=registration_data(person, office, id_type="passport", id_number="1234567")
        )
    assert "id_number" in _errors(info)


def test_phone_must_be_vietnamese_mobile():
    person, office = person_and_office()
    with pytest.raises(ValidationError) as info:
        self_registration_validate(data=registration_data(person, office, phone="0241234567"))
    assert "Số điện thoại di động không hợp lệ" in _errors(info)["phone"][0]


def test_code_with_active_account_refused_with_masked_phone():
    person, office = person_and_office()
    UserFactory(insured_person=person, phone="+84987654678")
    with pytest.raises(ValidationError) as info:
        self_registration_validate(data=registration_data(person, office, phone="0912000111"))
    message = _errors(info)["bhxh_code"][0]
    assert message.startswith("Mã số BHXH đã được đăng ký tài khoản (số điện thoại ···678)")
    assert "987654" not in message


def test_inactive_account_does_not_block():
    person, office = person_and_office()
    UserFactory(insured_person=person, phone="+84987654678", is_active=False)
    self_registration_validate(data=registration_data(person, office))


def test_code_with_pending_declaration_refused():
    person, office = person_and_office()
    _submit(registration_data(person, office))
    with pytest.raises(ValidationError) as info:
        self_registration_validate(data=registration_data(person, office))
    assert "đang chờ" in _errors(info)["bhxh_code"][0]


def test_rejected_declaration_allows_a_new_one():
    person, office = person_and_office()
    first = _submit(registration_data(person, office))
    Declaration.objects.filter(pk=first.pk).update(status=Declaration.Status.REJECTED)
    second = _submit(registration_data(person, office))
    assert second.number != first.number


def test_phone_declared_for_another_code_refused():
    person, office = person_and_office()
    other = InsuredPersonFactory(id_number=None)
    _submit(registration_data(other, office, id_number="001190654321"))
    with pytest.raises(ValidationError) as info:
        self_registration_validate(data=registration_data(person, office, phone="+84912345678"))
    assert "Số điện thoại đã được kê khai cho mã số BHXH khác" in _errors(info)["phone"][0]


def test_phone_of_another_account_refused():
    person, office = person_and_office()
    UserFactory(phone="+84912345678")
    with pytest.raises(ValidationError) as info:
        self_registration_validate(data=registration_data(person, office))
    assert "phone" in _errors(info)


def test_email_declared_for_another_code_refused():
    person, office = person_and_office()
    other = InsuredPersonFactory()
    _submit(registration_data(other, office, id_number="001190654321", phone="0987000111",
                              email="Chung@Example.vn", send_email=True))
    with pytest.raises(ValidationError) as info:
        self_registration_validate(data=registration_data(person, office, email="chung@example.VN"))
    assert "thư điện tử đã được kê khai" in _errors(info)["email"][0]


def test_email_required_when_send_email():
    person, office = person_and_office()
    with pytest.raises(ValidationError) as info:
        self_registration_validate(data=registration_data(person, office, send_email=True))
    assert "Vui lòng nhập địa chỉ thư điện tử" in _errors(info)["email"][0]


def test_office_must_exist_and_receive_declarations():
    person, office = person_and_office()
    with pytest.raises(ValidationError) as info:
        self_registration_validate(data=registration_data(person, office, office="09999"))
    assert "office" in _errors(info)
    closed = OfficeFactory(code="00199", receives_declarations=False)
    with pytest.raises(ValidationError) as info:
        self_registration_validate(data=registration_data(person, closed))
    assert "không tiếp nhận tờ khai" in _errors(info)["office"][0]
    inactive = OfficeFactory(code="00198", is_active=False)
    with pytest.raises(ValidationError):
        self_registration_validate(data=registration_data(person, inactive))


def test_personal_step_only_skips_office():
    person, office = person_and_office()
    validated = self_registration_validate(
        data=registration_data(person, office, office=""), include_office=False
    )
    assert validated.office is None


def test_all_errors_reported_together():
    person, office = person_and_office()
    with pytest.raises(ValidationError) as info:
        self_registration_validate(
            data=registration_data(person, office, full_name="", phone="12", office="", sex="")
        )
    assert {"full_name", "phone", "office", "sex"} <= set(_errors(info))


# --- submission --------------------------------------------------------------------------

def test_number_is_human_friendly():
    number = declaration_number_new(datetime.date(2026, 11, 24))
    assert number.startswith("DK2611-")
    assert len(number) == 13
    assert all(ch in NUMBER_ALPHABET for ch in number[7:])


def test_submit_writes_everything(django_capture_on_commit_callbacks):
    from notifications.sms.backends import locmem

    person, office = person_and_office()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        declaration = _submit(
            registration_data(person, office, email="anh@example.vn", send_email=True),
            language="en",
        )
    assert callbacks
    declaration.refresh_from_db()
    assert declaration.kind == Declaration.Kind.SELF_REGISTRATION
    assert declaration.status == Declaration.Status.SUBMITTED
    assert declaration.language == "en"
    assert declaration.office == office
    assert declaration.insured_person == person
    assert declaration.phone == "+84912345678"

    attachments = {a.kind: a for a in declaration.attachments.all()}
    assert set(attachments) == {"portrait", "id_front", "id_back"}
    for attachment in attachments.values():
        assert default_storage.exists(attachment.file.name)
        assert person.bhxh_code not in attachment.file.name
        assert attachment.sha256 and attachment.size > 0

    record = AuditRecord.objects.get(action="declaration.submitted")
    assert record.object_id == str(declaration.pk)
    flat = str(record.data)
    for personal in (person.bhxh_code, person.full_name, "912345678", "001190123456"):
        assert personal not in flat

    sms = OutboundMessage.objects.get(channel="sms")
    assert sms.concerns_id in (str(declaration.pk), str(declaration.uuid))
    assert sms.recipient == "+84912345678"
    assert declaration.number in sms.body
    assert not short_link_in(sms.body) and "********" in sms.body  # masked once sent
    assert short_link_in(received_sms(declaration.number))
    assert sms.body.isascii()
    assert any(declaration.number in m.body for m in locmem.outbox)

    email = OutboundMessage.objects.get(channel="email")
    assert email.recipient == "anh@example.vn"
    assert declaration.number in email.subject


def test_submit_without_email_sends_sms_only():
    person, office = person_and_office()
    declaration = _submit(registration_data(person, office))
    assert not OutboundMessage.objects.filter(channel="email").exists()
    assert OutboundMessage.objects.filter(channel="sms").count() == 1
    assert declaration.number in OutboundMessage.objects.get().body


def test_vietnamese_sms_is_folded_to_ascii():
    person, office = person_and_office()
    _submit(registration_data(person, office))
    body = OutboundMessage.objects.get(channel="sms").body
    assert body.isascii()
    assert "da nhan to khai" in body.lower()


def test_missing_photos_refused_with_real_message():
    person, office = person_and_office()
    photos = sample_photos()
    del photos["id_front"]
    del photos["id_back"]
    with pytest.raises(ValidationError) as info:
        _submit(registration_data(person, office), photos=photos)
    assert _errors(info)["id_front"] == ["Vui lòng cung cấp ảnh mặt trước CCCD."]
    assert "id_back" in _errors(info)
    assert not Declaration.objects.exists()


def test_invalid_data_writes_nothing():
    person, office = person_and_office()
    with pytest.raises(ValidationError):
        _submit(registration_data(person, office, full_name="Ai Khác"))
    assert not Declaration.objects.exists()
    assert not Attachment.objects.exists()
    assert not OutboundMessage.objects.exists()


def test_concurrent_duplicate_becomes_validation_error(monkeypatch):
    """The pre-check passes (as it does for two simultaneous requests), the DB constraint
    fires: the citizen gets the pending message, not a 500, and no file is left over."""
    from declarations.services import registration_validation as rules

    person, office = person_and_office()
    _submit(registration_data(person, office))
    monkeypatch.setattr(rules, "has_pending_declaration", lambda code: False)
    stored_before = sorted(default_storage.listdir("declarations")[0])
    with pytest.raises(ValidationError) as info:
        _submit(registration_data(person, office))
    assert "đang chờ" in _errors(info)["bhxh_code"][0]
    assert Declaration.objects.count() == 1
    assert Attachment.objects.count() == 3
    assert sorted(default_storage.listdir("declarations")[0]) == stored_before


def test_number_collision_is_retried(monkeypatch):
    from declarations.services import registration as service

    person, office = person_and_office()
    first = _submit(registration_data(person, office))
    Declaration.objects.filter(pk=first.pk).update(status=Declaration.Status.REJECTED)
    numbers = iter([first.number, first.number, "DK2611-ABCDEF"])
    monkeypatch.setattr(service, "declaration_number_new", lambda today=None: next(numbers))
    second = _submit(registration_data(person, office))
    assert second.number == "DK2611-ABCDEF"


def test_render_task_dispatched_on_commit(django_capture_on_commit_callbacks, monkeypatch):
    import declarations.tasks as tasks

    calls = []
    monkeypatch.setattr(tasks.declaration_render_pdf_task, "delay", lambda pk: calls.append(pk))
    person, office = person_and_office()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        declaration = _submit(registration_data(person, office))
    assert calls == []
    for callback in callbacks:
        callback()
    assert declaration.pk in calls



def test_declaration_carries_the_name_as_the_registry_writes_it():
    person, office = person_and_office()
    declaration = _submit(registration_data(person, office, full_name="  NGUYEN   thi anh "))
    assert declaration.full_name == person.full_name == "Nguyễn Thị Ánh"
