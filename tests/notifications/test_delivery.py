from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from notifications.delivery import DeliveryRetry, message_deliver
from notifications.models import OutboundMessage
from notifications.services import email_enqueue, sms_enqueue

pytestmark = pytest.mark.django_db
Status = OutboundMessage.Status


@pytest.fixture
def queued_sms(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        return sms_enqueue(to="+84912345678", body="Ma OTP cua ban la 123456")


def test_deliver_records_provider_id_segments_and_time(queued_sms, sms_outbox):
    assert message_deliver(message_id=queued_sms.pk) == Status.SENT
    queued_sms.refresh_from_db()
    assert queued_sms.provider_id == "locmem:1" and queued_sms.segments == 1
    assert queued_sms.sent_at is not None and queued_sms.next_attempt_at is None


def test_deliver_twice_sends_once(queued_sms, sms_outbox):
    message_deliver(message_id=queued_sms.pk)
    assert message_deliver(message_id=queued_sms.pk) == Status.SENT
    assert len(sms_outbox) == 1


def test_deliver_missing_message():
    assert message_deliver(message_id=987654) == "missing"


def test_failure_backs_off_exponentially_then_fails(queued_sms, settings):
    settings.SMS_BACKEND = "notifications.sms.backends.failing.FailingSMSBackend"
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 3
    countdowns = []
    for _ in range(2):
        with pytest.raises(DeliveryRetry) as excinfo:
            message_deliver(message_id=queued_sms.pk)
        countdowns.append(excinfo.value.countdown)
        queued_sms.refresh_from_db()
        assert queued_sms.status == Status.QUEUED
        assert queued_sms.next_attempt_at > timezone.now()
    assert countdowns == [30, 60]
    assert message_deliver(message_id=queued_sms.pk) == Status.FAILED
    queued_sms.refresh_from_db()
    assert queued_sms.attempts == 3 and "SMSDeliveryError" in queued_sms.last_error
    assert message_deliver(message_id=queued_sms.pk) == Status.FAILED  # stays failed


def test_sending_in_progress_is_not_sent_again(queued_sms, sms_outbox):
    OutboundMessage.objects.filter(pk=queued_sms.pk).update(status=Status.SENDING, attempts=1)
    with pytest.raises(DeliveryRetry) as excinfo:
        message_deliver(message_id=queued_sms.pk)
    assert 0 < excinfo.value.countdown <= 301 and sms_outbox == []


def test_abandoned_sending_is_delivered(queued_sms, sms_outbox):
    OutboundMessage.objects.filter(pk=queued_sms.pk).update(
        status=Status.SENDING, attempts=1, updated_at=timezone.now() - timedelta(minutes=6)
    )
    assert message_deliver(message_id=queued_sms.pk) == Status.SENT
    queued_sms.refresh_from_db()
    assert queued_sms.attempts == 2 and len(sms_outbox) == 1


def test_held_message_is_not_delivered(django_capture_on_commit_callbacks):
    message = email_enqueue(to="a@example.vn", subject="s", body="b", hold=True)
    assert message_deliver(message_id=message.pk) == Status.HELD
    assert mail.outbox == []


def test_email_with_missing_attachment_is_retried_not_sent(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        message = email_enqueue(to="a@example.vn", subject="s", body="b",
                                attachments=[{"path": "gone.pdf"}])
    with pytest.raises(DeliveryRetry):
        message_deliver(message_id=message.pk)
    assert mail.outbox == []
    message.refresh_from_db()
    assert message.status == Status.QUEUED and message.last_error


def test_provider_error_quoting_the_recipient_stays_out_of_the_logs(
    django_capture_on_commit_callbacks, monkeypatch, caplog
):
    with django_capture_on_commit_callbacks():
        message = email_enqueue(to="an.nguyen@example.vn", subject="Tờ khai", body="Nội dung")

    def refuse(self, fail_silently=False):
        raise RuntimeError("550 <an.nguyen@example.vn> recipient refused")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", refuse)
    with caplog.at_level("DEBUG"), pytest.raises(DeliveryRetry) as exc:
        message_deliver(message_id=message.id)
    message.refresh_from_db()
    assert "an.nguyen@example.vn" in message.last_error  # for staff, on the row
    assert "an.nguyen@example.vn" not in caplog.text
    assert "an.nguyen@example.vn" not in str(exc.value)
