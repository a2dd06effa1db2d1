"""E-mail through a real SMTP server (aiosmtpd on a free local port)."""
import email
import socket
from email import policy

import pytest
from aiosmtpd.controller import Controller

from notifications.delivery import DeliveryRetry, message_deliver
from notifications.models import OutboundMessage
from notifications.services import email_enqueue

pytestmark = pytest.mark.django_db

SUBJECT = "Tờ khai đăng ký sử dụng phương thức giao dịch điện tử – số 2026-000123"


class _Collect:
    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    handler = _Collect()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield handler
    controller.stop()


@pytest.fixture
def queued_email(django_capture_on_commit_callbacks, _private_storage):
    _private_storage.mkdir(parents=True, exist_ok=True)
    pdf = b"%PDF-1.7\n% Vietnamese declaration\n" + bytes(range(256)) * 8
    (_private_storage / "decl.pdf").write_bytes(pdf)
    with django_capture_on_commit_callbacks(execute=False):
        message = email_enqueue(
            to="nguyen.anh@example.vn",
            subject=SUBJECT,
            body="Kính gửi chị Nguyễn Thị Ánh,\nTờ khai của chị đính kèm thư này.",
            html_body="<p>Kính gửi chị <strong>Nguyễn Thị Ánh</strong>,</p>",
            attachments=[{"path": "decl.pdf", "filename": "to-khai-2026-000123.pdf",
                          "content_type": "application/pdf"}],
        )
    return message, pdf


def test_email_reaches_a_real_smtp_server(smtp_server, queued_email):
    message, pdf = queued_email
    assert message_deliver(message_id=message.pk) == OutboundMessage.Status.SENT
    [envelope] = smtp_server.envelopes
    assert envelope.rcpt_tos == ["nguyen.anh@example.vn"]
    received = email.message_from_bytes(envelope.content, policy=policy.default)
    # Django folds a long encoded subject onto a continuation line; unfolded it is the same.
    assert received["Subject"].strip() == SUBJECT
    assert received["Message-ID"] == OutboundMessage.objects.get().provider_id
    text = received.get_body(preferencelist=("plain",)).get_content()
    html = received.get_body(preferencelist=("html",)).get_content()
    assert "Nguyễn Thị Ánh" in text and "<strong>Nguyễn Thị Ánh</strong>" in html
    [attachment] = list(received.iter_attachments())
    assert attachment.get_filename() == "to-khai-2026-000123.pdf"
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_content() == pdf


def test_smtp_server_down_means_retry_not_loss(settings, queued_email):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", _free_port(), 2
    message, _ = queued_email
    with pytest.raises(DeliveryRetry):
        message_deliver(message_id=message.pk)
    message.refresh_from_db()
    assert message.status == OutboundMessage.Status.QUEUED
    assert "ConnectionRefusedError" in message.last_error
