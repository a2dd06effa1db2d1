"""Every SMS the portal sends costs one segment (160 GSM-7 characters), links included,
with a production-length SITE_URL and the longest names and office names of the reference
data, in both languages.

Every kind is sent through its real service. The place of every `sms_enqueue` call in the
portal's code is found by reading the code, and each must have been reached by one of the
kinds below: a new kind of SMS makes this test fail until it is added here (and fits).
Staff have no SMS: their second factor is a TOTP app (accounts.services.staff_otp).
"""
import csv
import re
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from accounts.models import User
from accounts.services import passwords
from audit.context import AuditContext
from declarations.models import Declaration
from declarations.services.child_registration import declaration_submit_child_registration
from declarations.services.registration import declaration_submit_self_registration
from declarations.services.review import declaration_approve, declaration_reject
from notifications import services as notification_services
from notifications.models import OutboundMessage
from notifications.sms import sms_segments, sms_text
from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory
from tests.declarations.child_helpers import a_child, child_data, child_photos
from tests.declarations.registration_helpers import registration_data, sample_photos
from tests.declarations.review_helpers import CONTEXT, officer
from tests.declarations.short_link_helpers import short_link_in
from tests.notifications.call_sites import call_sites
from tests.registry.factories import InsuredPersonFactory, OfficeFactory, ProvinceFactory

pytestmark = pytest.mark.django_db

SITE_URL = "https://dichvucong.baohiemxahoi.gov.vn"
# Long, real-world Vietnamese names (a royal-family surname and four given names).
LONG_NAME = "Công Tằng Tôn Nữ Hoàng Thị Phương Quỳnh Anh"
LONG_GUARDIAN_NAME = "Nguyễn Huỳnh Phước Thiên Trường Giang"
LONG_CHILD_NAME = "Tôn Thất Nguyễn Hoàng Bảo Khuê"
WEB = AuditContext(ip_address="203.0.113.44", channel="web")

# What the portal sends by SMS, and whether the SMS carries a (short) link.
KINDS = {
    "registration_receipt": True,
    "approval": True,
    "rejection": True,
    "child_registration_receipt": True,
    "child_approval": False,
    "child_rejection": True,
    "password_change_otp": False,
    "password_changed_notice": False,
    "password_reset_otp": False,
    "password_reset_notice": False,
}

def sms_call_sites() -> set[tuple[str, str]]:
    return call_sites("sms_enqueue")


def _longest_receiving_office() -> dict:
    with open(Path(settings.BASE_DIR) / "registry" / "data" / "offices.csv",
              encoding="utf-8") as fh:
        rows = [row for row in csv.DictReader(fh) if row["receives_declarations"] == "1"]
    return max(rows, key=lambda row: len(row["name"]))


class Recorder:
    """Stands in for sms_enqueue in every module that calls it: the real one runs, and the
    call's place, the kind being sent and the stored body are kept."""

    def __init__(self) -> None:
        self.real = notification_services.sms_enqueue
        self.kind = ""
        self.sent: list[dict] = []

    def __call__(self, **kwargs):
        message = self.real(**kwargs)
        caller = sys._getframe(1)
        self.sent.append({
            "kind": self.kind,
            "site": (caller.f_globals["__name__"], caller.f_code.co_name),
            "body": message.body,
            "message_id": message.pk,
        })
        return message

    def bodies(self, kind: str) -> list[str]:
        return [item["body"] for item in self.sent if item["kind"] == kind]


@pytest.fixture
def recorder(monkeypatch, settings):
    settings.SITE_URL = SITE_URL
    recording = Recorder()
    for module, _function in sms_call_sites():
        monkeypatch.setattr(f"{module}.sms_enqueue", recording)
    monkeypatch.setattr(notification_services, "sms_enqueue", recording)
    return recording


@pytest.fixture
def office():
    row = _longest_receiving_office()
    province = ProvinceFactory(code=row["province_code"], name="Khánh Hòa")
    parent = OfficeFactory(code=row["parent_code"], name="BHXH tỉnh Khánh Hòa",
                           level="province", province=province, parent=None)
    return OfficeFactory(code=row["code"], name=row["name"], level="local", parent=parent,
                         province=province)


def _longest_reason_code(language: str) -> str:
    with translation.override(language):
        return max(Declaration.RejectionReason.choices,
                   key=lambda choice: len(sms_text(str(choice[1]))))[0]


_phones = iter(range(200, 999))


def _phone() -> str:
    return f"0983{next(_phones):06d}"


def _self_registration(office, language: str) -> Declaration:
    person = InsuredPersonFactory(full_name=LONG_NAME)
    data = registration_data(person, office, phone=_phone(), email="", send_email=False,
                             address="Thôn Phước Thiện, xã Phước Hậu, Khánh Hòa")
    return declaration_submit_self_registration(data=data, photos=sample_photos(),
                                                language=language)


def _child_registration(guardian: User, office, language: str) -> Declaration:
    child = a_child(office, full_name=LONG_CHILD_NAME)
    return declaration_submit_child_registration(
        guardian=guardian, data=child_data(child, office), photos=child_photos(),
        language=language, context=WEB,
    )


def _otp(body: str) -> str:
    return re.search(r"\b(\d{6})\b", body).group(1)


@pytest.mark.parametrize("language", ["vi", "en"])
def test_every_sms_is_one_segment(recorder, office, language):
    staff = officer(office)
    longest_reason = _longest_reason_code(language)

    recorder.kind = "registration_receipt"
    approved = _self_registration(office, language)
    recorder.kind = "approval"
    declaration_approve(actor=staff, declaration_id=approved.pk, context=CONTEXT)
    recorder.kind = "registration_receipt"
    rejected = _self_registration(office, language)
    recorder.kind = "rejection"
    declaration_reject(actor=staff, declaration_id=rejected.pk, reason_code=longest_reason,
                       text="Ảnh mặt sau CCCD bị lóa, không đọc được số.", context=CONTEXT)

    guardian = UserFactory(
        insured_person=InsuredPersonFactory(full_name=LONG_GUARDIAN_NAME, sex="M"),
        phone="+84983000999", email="", language=language,
    )
    recorder.kind = "child_registration_receipt"
    child_approved = _child_registration(guardian, office, language)
    recorder.kind = "child_approval"
    declaration_approve(actor=staff, declaration_id=child_approved.pk, context=CONTEXT)
    recorder.kind = "child_registration_receipt"
    child_rejected = _child_registration(guardian, office, language)
    recorder.kind = "child_rejection"
    declaration_reject(actor=staff, declaration_id=child_rejected.pk,
                       reason_code=longest_reason, text="Giấy khai sinh bị cắt mất một góc.",
                       context=CONTEXT)

    citizen = UserFactory(insured_person=InsuredPersonFactory(full_name=LONG_NAME),
                          phone="+84983000888", language=language)
    recorder.kind = "password_change_otp"
    passwords.password_change_request(user=citizen, old_password=DEFAULT_PASSWORD,
                                      new_password="Hoa-sen-nở-2026", context=WEB)
    recorder.kind = "password_changed_notice"
    passwords.password_change_confirm(
        user=citizen, otp=_otp(recorder.bodies("password_change_otp")[-1]), context=WEB
    )
    recorder.kind = "password_reset_otp"
    ticket = passwords.password_reset_request(bhxh_code=citizen.username, phone=citizen.phone,
                                              context=WEB)
    recorder.kind = "password_reset_notice"
    passwords.password_reset_confirm(
        bhxh_code=citizen.username, ticket=ticket,
        otp=_otp(recorder.bodies("password_reset_otp")[-1]),
        new_password="Sen-hong-tháp-muoi-2027", context=WEB,
    )

    assert {item["kind"] for item in recorder.sent} == set(KINDS)
    assert {item["site"] for item in recorder.sent} == sms_call_sites(), (
        "an sms_enqueue call was never reached: add its kind to this test"
    )
    for item in recorder.sent:
        body = item["body"]
        assert body.isascii(), item
        assert sms_segments(body) == 1, f"{item['kind']} ({len(body)} chars): {body}"
        if KINDS[item["kind"]]:
            assert short_link_in(body) and body.endswith(short_link_in(body)), item
            # The link opens a declaration without logging in: once the SMS is out, the
            # outbox keeps it masked (like a password), in every kind.
            _deliver(item["message_id"])
            stored = OutboundMessage.objects.get(pk=item["message_id"])
            assert stored.sensitive and not short_link_in(stored.body), item["kind"]
        else:
            assert SITE_URL + "/" not in body, item


def _deliver(message_id: int) -> None:
    from notifications.delivery import message_deliver

    message = OutboundMessage.objects.get(pk=message_id)
    if message.status != OutboundMessage.Status.SENT:
        message_deliver(message_id=message_id)

