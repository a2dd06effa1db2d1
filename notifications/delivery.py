"""Delivering one outbound message: called by the delivery task with the message's id.

Safe to run twice for the same message (tasks are acknowledged late, the sweeper may
dispatch again): the row is locked and its state checked before anything leaves, and a
message already sent is never sent again.

States: queued → sending (committed before the provider is called) → sent, or back to
queued with a later next_attempt_at, or failed after the last try. A "sending" row older
than the sending timeout belongs to a worker that died mid-delivery: it is delivered
again (the provider may, rarely, have accepted it just before the crash).
"""
import logging
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from audit.actions import AuditAction
from audit.services import audit_record
from notifications import conf
from notifications.email import build_email
from notifications.models import OutboundMessage
from notifications.sms import SMSMessage, get_sms_backend

logger = logging.getLogger(__name__)
Status = OutboundMessage.Status


class DeliveryRetry(Exception):
    """Try this message again in `countdown` seconds."""

    def __init__(self, countdown: int, reason: str) -> None:
        super().__init__(reason)
        self.countdown = countdown


@dataclass(frozen=True)
class _Outcome:
    provider_id: str
    segments: int


def _claim(message_id: int) -> OutboundMessage | None:
    """Lock the row; mark it sending when it is ours to deliver. None when there is
    nothing to do."""
    with transaction.atomic():
        message = OutboundMessage.objects.select_for_update().filter(pk=message_id).first()
        if message is None:
            logger.warning("Message %s does not exist", message_id)
            return None
        if message.status in (Status.SENT, Status.FAILED, Status.HELD):
            return None
        if message.status == Status.SENDING:
            stale_at = message.updated_at + timedelta(seconds=conf.sending_timeout())
            wait = (stale_at - timezone.now()).total_seconds()
            if wait > 0:
                # Another attempt may still be running: come back once it cannot be.
                raise DeliveryRetry(int(wait) + 1, "another attempt is in progress")
            logger.warning("Message %s was abandoned while sending: delivering again", message_id)
        message.status = Status.SENDING
        message.attempts += 1
        message.save(update_fields=["status", "attempts", "updated_at"])
    return message


def _send(message: OutboundMessage) -> _Outcome:
    if message.channel == OutboundMessage.Channel.SMS:
        result = get_sms_backend().send(
            SMSMessage(
                to=message.recipient, body=message.body, id=str(message.uuid),
                redacted_body=message.redacted.get("body") if message.sensitive else None,
            )
        )
        return _Outcome(provider_id=result.provider_id, segments=result.segments)
    email = build_email(message)
    email.send(fail_silently=False)
    return _Outcome(provider_id=email.extra_headers["Message-ID"], segments=0)


def message_deliver(*, message_id: int) -> str:
    """Deliver one message. Returns its status afterwards; raises DeliveryRetry when it
    should be tried again later."""
    message = _claim(message_id)
    if message is None:
        status = OutboundMessage.objects.filter(pk=message_id).values_list("status", flat=True)
        return status.first() or "missing"
    try:
        outcome = _send(message)
    except Exception as exc:  # any provider/transport error: record it, retry or give up
        return _record_failure(message_id, exc)
    with transaction.atomic():
        message = OutboundMessage.objects.select_for_update().get(pk=message_id)
        message.status = Status.SENT
        message.provider_id = outcome.provider_id[:100]
        if outcome.segments:
            message.segments = outcome.segments
        message.sent_at = timezone.now()
        message.next_attempt_at = None
        message.last_error = ""
        erased = message.erase_secret()
        message.save(
            update_fields=["status", "provider_id", "segments", "sent_at", "next_attempt_at",
                           "last_error", "updated_at", *erased]
        )
    logger.info("Message %s sent (%s, attempt %s)", message_id, message.channel, message.attempts)
    return Status.SENT


def _record_failure(message_id: int, exc: Exception) -> str:
    # The error text of our backends and of smtplib carries no personal data; cut it short.
    error = f"{type(exc).__name__}: {exc}"[:1000]
    # Provider errors may quote the recipient ("550 <an@example.vn> refused"): the full text
    # stays on the row for staff, logs and the task's retry reason get the error's type only.
    kind = type(exc).__name__
    with transaction.atomic():
        message = OutboundMessage.objects.select_for_update().get(pk=message_id)
        message.last_error = error
        erased: list[str] = []
        if message.attempts >= conf.max_attempts():
            message.status = Status.FAILED
            message.next_attempt_at = None
            erased = message.erase_secret()
            audit_record(
                action=AuditAction.MESSAGE_FAILED, target=message,
                data={"channel": message.channel, "attempts": message.attempts},
            )
        else:
            message.status = Status.QUEUED
            countdown = conf.retry_delay(message.attempts)
            message.next_attempt_at = timezone.now() + timedelta(seconds=countdown)
        message.save(
            update_fields=["status", "last_error", "next_attempt_at", "updated_at", *erased]
        )
    if message.status == Status.FAILED:
        logger.error("Message %s failed after %s tries: %s", message_id, message.attempts, kind)
        return Status.FAILED
    logger.warning("Message %s attempt %s failed: %s", message_id, message.attempts, kind)
    raise DeliveryRetry(countdown, kind)
