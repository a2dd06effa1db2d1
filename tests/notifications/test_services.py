from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from audit.models import AuditRecord
from notifications.models import OutboundMessage
from notifications.selectors import messages_concerning
from notifications.services import (
    email_enqueue,
    message_release,
    message_retry,
    messages_sweep,
    sms_enqueue,
)
from tests.registry.factories import ProvinceFactory

pytestmark = pytest.mark.django_db
Status = OutboundMessage.Status


def test_sms_enqueue_writes_ascii_and_delivers_after_commit(
    django_capture_on_commit_callbacks, sms_outbox
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        message = sms_enqueue(to="+84912345678", body="Mã OTP của bạn là 123456")
        assert sms_outbox == []  # nothing leaves before the commit
    assert len(callbacks) == 1
    message.refresh_from_db()
    assert message.body == "Ma OTP cua ban la 123456"
    assert message.status == Status.SENT and message.segments == 1 and message.attempts == 1
    assert message.sent_at and message.provider_id.startswith("locmem:")
    assert [m.body for m in sms_outbox] == ["Ma OTP cua ban la 123456"]


def test_rolled_back_transaction_sends_nothing(django_capture_on_commit_callbacks, sms_outbox):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            sms_enqueue(to="+84912345678", body="OTP 1")
            raise RuntimeError
    assert callbacks == [] and sms_outbox == []
    assert not OutboundMessage.objects.exists()


def test_dedup_key_makes_enqueueing_idempotent(django_capture_on_commit_callbacks, sms_outbox):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        first = sms_enqueue(to="+84912345678", body="Da nhan to khai", dedup_key="decl-1-received")
        again = sms_enqueue(to="+84912345678", body="Da nhan to khai", dedup_key="decl-1-received")
    assert first.pk == again.pk and len(callbacks) == 1
    assert OutboundMessage.objects.count() == 1 and len(sms_outbox) == 1


@pytest.mark.parametrize("to", ["0912345678", "84912345678", "", "+84 912 345 678"])
def test_sms_enqueue_needs_e164(to):
    with pytest.raises(ValueError):
        sms_enqueue(to=to, body="x")


def test_sms_body_fits_in_two_segments():
    sms_enqueue(to="+84912345678", body="ạ" * 306)  # folds to 306 ASCII: 2 segments
    with pytest.raises(ValueError, match="segments"):
        sms_enqueue(to="+84912345678", body="a" * 307)


def test_concerns_and_selector():
    province = ProvinceFactory()
    message = sms_enqueue(to="+84912345678", body="x", concerns=province)
    assert (message.concerns_type, message.concerns_id) == ("registry.province", str(province.pk))
    assert list(messages_concerning(province)) == [message]


def test_email_enqueue_and_deliver(django_capture_on_commit_callbacks, _private_storage):
    _private_storage.mkdir(parents=True, exist_ok=True)
    (_private_storage / "doc.pdf").write_bytes(b"%PDF-1.7 test")
    with django_capture_on_commit_callbacks(execute=True):
        message = email_enqueue(
            to="anh@example.vn",
            subject="Tờ khai đăng ký  giao dịch điện tử",
            body="Kính gửi chị Ánh",
            html_body="<p>Kính gửi chị <b>Ánh</b></p>",
            attachments=[{"path": "doc.pdf", "filename": "to-khai.pdf",
                          "content_type": "application/pdf"}],
        )
    message.refresh_from_db()
    assert message.status == Status.SENT and message.provider_id.startswith("<")
    [email] = mail.outbox
    assert email.subject == "Tờ khai đăng ký giao dịch điện tử"
    assert email.to == ["anh@example.vn"]
    assert email.alternatives[0][1] == "text/html"
    assert email.attachments[0][:3] == ("to-khai.pdf", b"%PDF-1.7 test", "application/pdf")
    assert email.extra_headers["Message-ID"] == message.provider_id


def test_held_email_waits_for_release(django_capture_on_commit_callbacks, _private_storage):
    _private_storage.mkdir(parents=True, exist_ok=True)
    (_private_storage / "x.pdf").write_bytes(b"%PDF")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        message = email_enqueue(to="a@example.vn", subject="S", body="B", hold=True)
    assert callbacks == [] and mail.outbox == []
    assert message.status == Status.HELD
    assert messages_sweep() == 0  # the sweeper leaves held messages alone
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        message_release(message=message, attachments=[{"path": "x.pdf", "filename": "x.pdf"}])
        message_release(message=message, attachments=[{"path": "x.pdf"}])  # no-op
    assert len(callbacks) == 1
    message.refresh_from_db()
    assert message.status == Status.SENT and len(message.attachments) == 1
    assert len(mail.outbox) == 1 and mail.outbox[0].attachments[0][0] == "x.pdf"


def test_email_enqueue_rejects_bad_input():
    with pytest.raises(ValueError):
        email_enqueue(to="not-an-address", subject="s", body="b")
    with pytest.raises(ValueError):
        email_enqueue(to="a@example.vn", subject="s", body="b", attachments=[{"filename": "x"}])


def test_message_retry_requeues_failed_and_audits(
    django_capture_on_commit_callbacks, settings, sms_outbox
):
    settings.SMS_BACKEND = "notifications.sms.backends.failing.FailingSMSBackend"
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 2
    with django_capture_on_commit_callbacks(execute=True):
        message = sms_enqueue(to="+84912345678", body="x")
    message.refresh_from_db()
    assert message.status == Status.FAILED and message.attempts == 2
    assert "FailingSMSBackend" in message.last_error
    settings.SMS_BACKEND = "notifications.sms.backends.locmem.LocMemSMSBackend"
    with django_capture_on_commit_callbacks(execute=True):
        assert message_retry(message=message) is True
    message.refresh_from_db()
    assert message.status == Status.SENT and len(sms_outbox) == 1
    assert message_retry(message=message) is False  # only failed messages
    assert AuditRecord.objects.filter(action="notifications.message_retry").count() == 1


def test_sweeper_dispatches_overdue_and_abandoned_only(
    django_capture_on_commit_callbacks, sms_outbox
):
    with django_capture_on_commit_callbacks(execute=False):  # dispatch lost
        fresh = sms_enqueue(to="+84900000001", body="fresh")
        overdue = sms_enqueue(to="+84900000002", body="overdue")
        backing_off = sms_enqueue(to="+84900000003", body="backing off")
        abandoned = sms_enqueue(to="+84900000004", body="abandoned")
        busy = sms_enqueue(to="+84900000005", body="busy")
    now = timezone.now()
    OutboundMessage.objects.filter(pk=overdue.pk).update(next_attempt_at=now - timedelta(minutes=5))
    OutboundMessage.objects.filter(pk=backing_off.pk).update(
        next_attempt_at=now + timedelta(minutes=2), attempts=1
    )
    OutboundMessage.objects.filter(pk=abandoned.pk).update(
        status=Status.SENDING, updated_at=now - timedelta(minutes=10), attempts=1
    )
    OutboundMessage.objects.filter(pk=busy.pk).update(status=Status.SENDING, attempts=1)
    assert messages_sweep() == 2
    statuses = dict(OutboundMessage.objects.values_list("body", "status"))
    assert statuses == {
        "fresh": "queued", "overdue": "sent", "backing off": "queued", "abandoned": "sent",
        "busy": "sending",
    }
    assert sorted(m.body for m in sms_outbox) == ["abandoned", "overdue"]
    assert messages_sweep() == 0  # nothing sent twice
    assert fresh.pk and busy.pk


def test_broker_down_keeps_message_queued_then_sweeper_delivers(
    django_capture_on_commit_callbacks, broker_down, sms_outbox, caplog
):
    with django_capture_on_commit_callbacks(execute=True):
        message = sms_enqueue(to="+84912345678", body="Ma OTP 123456")  # must not raise
    message.refresh_from_db()
    assert message.status == Status.QUEUED
    assert "left queued for the sweeper" in caplog.text
    assert "+84912345678" not in caplog.text  # no personal data in logs
    assert messages_sweep() == 0  # still down: nothing dispatched, nothing lost
    OutboundMessage.objects.filter(pk=message.pk).update(
        next_attempt_at=timezone.now() - timedelta(minutes=5)
    )
    broker_down.conf.task_always_eager = True  # the broker is back (in-process here)
    assert messages_sweep() == 1
    message.refresh_from_db()
    assert message.status == Status.SENT and len(sms_outbox) == 1
