"""Every e-mail the portal sends has a text part and an HTML part (multipart/alternative,
inside multipart/mixed when a PDF is attached), the HTML saying what the text says with
everything people typed escaped; and the dev outbox still shows them.

Every kind is sent through its real service, then delivered through the real delivery
path to Django's test outbox. The place of every `email_enqueue` call in the portal's code
is found by reading the code and must have been reached: a new kind of e-mail makes this
test fail until it is added here.
"""
import email
import sys
from email import policy

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse

from accounts.services import passwords
from audit.context import AuditContext
from declarations.models import Declaration
from declarations.services.registration import declaration_submit_self_registration
from declarations.services.review import declaration_approve, declaration_reject
from declarations.services.sharing import declaration_share_by_email
from notifications import services as notification_services
from notifications.delivery import message_deliver
from notifications.email import build_email, email_html
from notifications.models import OutboundMessage
from tests.accounts.factories import UserFactory
from tests.declarations.child_helpers import a_child, family, submit_child
from tests.declarations.registration_helpers import registration_data, sample_photos
from tests.declarations.review_helpers import CONTEXT, officer, two_provinces
from tests.notifications.call_sites import call_sites
from tests.registry.factories import InsuredPersonFactory

pytestmark = pytest.mark.django_db

WEB = AuditContext(ip_address="203.0.113.45", channel="web")
SCRIPT = "<script>alert('x')</script>"
KINDS = {
    "registration_receipt", "approval", "rejection", "child_registration_receipt",
    "child_approval", "child_rejection", "declaration_shared", "password_reset_otp",
}


def email_call_sites() -> set[tuple[str, str]]:
    return call_sites("email_enqueue")


class Recorder:
    def __init__(self) -> None:
        self.real = notification_services.email_enqueue
        self.kind = ""
        self.sent: list[dict] = []

    def __call__(self, **kwargs):
        message = self.real(**kwargs)
        caller = sys._getframe(1)
        self.sent.append({"kind": self.kind, "message_id": message.pk,
                          "site": (caller.f_globals["__name__"], caller.f_code.co_name)})
        return message


@pytest.fixture
def recorder(monkeypatch):
    recording = Recorder()
    for module, _function in email_call_sites():
        monkeypatch.setattr(f"{module}.email_enqueue", recording)
    monkeypatch.setattr(notification_services, "email_enqueue", recording)
    return recording


def _fake_pdf() -> dict:
    name = default_storage.save("declarations/test/to-khai.pdf", ContentFile(b"%PDF-1.7 x"))
    return {"path": name, "filename": "to-khai.pdf", "content_type": "application/pdf"}


def _deliver(message_id: int) -> EmailMultiAlternatives:
    message = OutboundMessage.objects.get(pk=message_id)
    if message.status == OutboundMessage.Status.HELD:
        notification_services.message_release(message=message, attachments=[_fake_pdf()])
    before = len(mail.outbox)
    assert message_deliver(message_id=message_id) == OutboundMessage.Status.SENT
    assert len(mail.outbox) == before + 1
    return mail.outbox[-1]


def _parts(sent: EmailMultiAlternatives) -> email.message.EmailMessage:
    return email.message_from_bytes(sent.message().as_bytes(), policy=policy.default)


def _send_every_kind(recorder) -> None:
    offices = two_provinces()
    staff = officer(offices.dongda)

    def register(email_address: str) -> Declaration:
        person = InsuredPersonFactory()
        data = registration_data(person, offices.dongda, phone=f"0912{person.pk:06d}",
                                 email=email_address, send_email=True)
        return declaration_submit_self_registration(data=data, photos=sample_photos(),
                                                    language="vi")

    recorder.kind = "registration_receipt"
    approved = register("duyet@example.vn")
    recorder.kind = "approval"
    declaration_approve(actor=staff, declaration_id=approved.pk, context=CONTEXT)
    recorder.kind = "registration_receipt"
    rejected = register("tuchoi@example.vn")
    recorder.kind = "rejection"
    declaration_reject(actor=staff, declaration_id=rejected.pk, reason_code="photo_blurred",
                       text=f"Ảnh mờ {SCRIPT} & <b>cắt</b>", context=CONTEXT)

    guardian, office = family(email="giamho@example.vn")
    guardian.full_name = f"Lê {SCRIPT} Quân"
    guardian.save(update_fields=["full_name"])
    recorder.kind = "child_registration_receipt"
    child_approved = submit_child(guardian, a_child(office), office)
    recorder.kind = "child_approval"
    declaration_approve(actor=staff, declaration_id=child_approved.pk, context=CONTEXT)
    recorder.kind = "child_registration_receipt"
    child_rejected = submit_child(guardian, a_child(office, full_name="Lê Bảo Ngọc"), office)
    recorder.kind = "child_rejection"
    declaration_reject(actor=staff, declaration_id=child_rejected.pk,
                       reason_code="other", text=f"Giấy khai sinh {SCRIPT}", context=CONTEXT)

    recorder.kind = "declaration_shared"
    declaration_share_by_email(declaration=child_approved, email="ong.ba@example.com",
                               actor=guardian, context=WEB)

    citizen = UserFactory(email="quen.matkhau@example.vn")
    recorder.kind = "password_reset_otp"
    passwords.password_reset_request(bhxh_code=citizen.username, email=citizen.email,
                                     context=WEB)


def test_every_email_has_a_text_and_an_escaped_html_part(recorder):
    _send_every_kind(recorder)
    assert {item["kind"] for item in recorder.sent} == KINDS
    assert {item["site"] for item in recorder.sent} == email_call_sites(), (
        "an email_enqueue call was never reached: add its kind to this test"
    )
    for item in recorder.sent:
        message = OutboundMessage.objects.get(pk=item["message_id"])
        sensitive = message.sensitive
        sent = _deliver(item["message_id"])
        assert isinstance(sent, EmailMultiAlternatives), item
        [(html, mimetype)] = sent.alternatives
        assert mimetype == "text/html", item
        parsed = _parts(sent)
        expected = "multipart/mixed" if sent.attachments else "multipart/alternative"
        assert parsed.get_content_type() == expected, item
        text = parsed.get_body(preferencelist=("plain",)).get_content()
        html_part = parsed.get_body(preferencelist=("html",)).get_content()
        assert text.strip() == sent.body.strip() and html_part.strip() == html.strip()
        assert html.lstrip().startswith("<!DOCTYPE html>") and 'style="' in html
        assert "<script" not in html, item
        if SCRIPT in sent.body:
            assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html, item
        # Every paragraph of the text is in the HTML, and links are clickable.
        first_line = sent.body.strip().splitlines()[0].split("<")[0].strip()
        assert first_line[:20] in html
        for word in sent.body.split():
            if word.startswith("http"):
                assert f'href="{word.rstrip(".")}"' in html, (item, word)
        if sensitive:
            message.refresh_from_db()  # erased once sent, in both parts
            assert message.html_body == message.redacted["html_body"]
            assert "********" in message.html_body


def test_a_given_html_part_is_kept_and_the_text_alone_gets_one():
    given = notification_services.email_enqueue(
        to="a@example.vn", subject="Chủ đề", body="Nội dung", html_body="<p>Riêng</p>"
    )
    assert given.html_body == "<p>Riêng</p>"
    text_only = notification_services.email_enqueue(
        to="a@example.vn", subject="Tờ khai & <b>", body="Kính gửi A & B <i>x</i>,\n\nDòng 2"
    )
    html = text_only.html_body
    assert "Kính gửi A &amp; B &lt;i&gt;x&lt;/i&gt;," in html and "Dòng 2" in html
    assert "<title>Tờ khai &amp; &lt;b&gt;</title>" in html
    assert '<html lang="vi">' in html


def test_an_html_part_in_english():
    html = email_html(subject="Subject", body="Dear A", language="en")
    assert '<html lang="en">' in html and "Vietnam Social Security" in html


def test_a_message_queued_before_html_parts_gets_one_when_built():
    message = OutboundMessage.objects.create(
        channel=OutboundMessage.Channel.EMAIL, recipient="a@example.vn", subject="Cũ",
        body="Thư cũ <x> tại http://127.0.0.1:8000/a/", html_body="",
    )
    [(html, mimetype)] = build_email(message).alternatives
    assert mimetype == "text/html" and "Thư cũ &lt;x&gt;" in html
    assert 'href="http://127.0.0.1:8000/a/"' in html


def test_the_secret_must_appear_as_is_in_the_html():
    with pytest.raises(ValueError):
        notification_services.email_enqueue(
            to="a@example.vn", subject="OTP", body="Mã 123456", html_body="<p>Mã 12 3456</p>",
            secret="123456",
        )


def test_the_dev_outbox_shows_both_parts(client, settings, tmp_path):
    settings.DEBUG = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path / "email")
    settings.SMS_FILE_PATH = str(tmp_path / "sms.jsonl")
    message = notification_services.email_enqueue(
        to="a@example.vn", subject="Tờ khai DK2611-ABCDEF",
        body="Kính gửi chị Ánh,\n\nTờ khai (PDF) được đính kèm thư này.",
        attachments=[_fake_pdf()],
    )
    assert message_deliver(message_id=message.pk) == OutboundMessage.Status.SENT
    page = client.get(reverse("dev_outbox")).content.decode()
    assert "Tờ khai DK2611-ABCDEF" in page and "Kính gửi chị Ánh" in page
    assert "Thư cũng có bản HTML." in page and "to-khai.pdf" in page
