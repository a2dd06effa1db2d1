"""Writing the outbox. Called by every app: the message row is written in the caller's
transaction and its delivery task dispatched once that transaction commits.

    sms_enqueue(to=..., body=..., concerns=declaration, dedup_key="decl-123-received")
    email_enqueue(to=..., subject=..., body=..., html_body=..., hold=True, concerns=...)
    message_release(message=held_message, attachments=[{"path": ..., ...}])

If the broker is unreachable when the transaction commits, the message stays "queued" and
the sweeper (messages_sweep, run by beat every minute) dispatches it later: nothing is
lost and the user's request does not fail.
"""
import logging
import re
from collections.abc import Sequence
from datetime import timedelta

from django.db import IntegrityError, models, transaction
from django.utils import timezone

from audit.actions import AuditAction
from audit.services import audit_record
from notifications import conf
from notifications.delivery import message_deliver
from notifications.email import email_html
from notifications.models import OutboundMessage
from notifications.selectors import concerns_key
from notifications.sms.text import sms_fit, sms_segments, sms_text

__all__ = [
    "email_enqueue",
    "message_deliver",
    "message_dispatch",
    "message_release",
    "message_retry",
    "messages_release_concerning",
    "messages_sweep",
    "sms_enqueue",
    "sms_fit",
    "sms_text",
]

logger = logging.getLogger(__name__)

E164 = re.compile(r"^\+[1-9][0-9]{7,14}$")
MAX_SMS_SEGMENTS = 2


def message_dispatch(message_id: int) -> bool:
    """Hand the delivery of one message to the broker. Never raises: when the broker is
    unreachable the message stays queued for the sweeper."""
    from notifications.tasks import message_deliver_task

    try:
        message_deliver_task.apply_async(args=[message_id])
    except Exception:  # the broker may fail in many ways (kombu, redis, socket errors)
        logger.warning(
            "Broker unreachable: message %s left queued for the sweeper", message_id,
            exc_info=True,
        )
        return False
    return True


def _dispatch_on_commit(message: OutboundMessage) -> None:
    message_id = message.id
    transaction.on_commit(lambda: message_dispatch(message_id))


def _enqueue(*, dedup_key: str | None, fields: dict, hold: bool) -> OutboundMessage:
    if dedup_key:
        existing = OutboundMessage.objects.filter(dedup_key=dedup_key).first()
        if existing is not None:
            return existing
    now = timezone.now()
    status = OutboundMessage.Status.HELD if hold else OutboundMessage.Status.QUEUED
    try:
        # A savepoint: a concurrent enqueue with the same key must not break the caller's
        # transaction.
        with transaction.atomic():
            message = OutboundMessage.objects.create(
                dedup_key=dedup_key or None,
                status=status,
                next_attempt_at=None if hold else now,
                **fields,
            )
    except IntegrityError:
        if dedup_key:
            existing = OutboundMessage.objects.filter(dedup_key=dedup_key).first()
            if existing is not None:
                return existing
        raise
    if not hold:
        _dispatch_on_commit(message)
    return message


def _concerns_fields(concerns: models.Model | None) -> dict:
    if concerns is None:
        return {"concerns_type": "", "concerns_id": ""}
    concerns_type, concerns_id = concerns_key(concerns)
    return {"concerns_type": concerns_type, "concerns_id": concerns_id}


SECRET_MASK = "********"


Secret = str | Sequence[str] | None


def _redact(text: str, secrets: Sequence[str]) -> str:
    for secret in secrets:
        text = text.replace(secret, SECRET_MASK)
    return text


def _secret_fields(secret: Secret, *, body: str, html_body: str = "") -> dict:
    if secret is None:
        return {}
    secrets = (secret,) if isinstance(secret, str) else tuple(secret)
    for one in secrets:
        if not one or one not in body:
            raise ValueError("A sensitive message must carry its secret in the body")
        if html_body and one not in html_body:
            # Escaped or split in the HTML, the secret would survive the redaction there.
            raise ValueError("The secret of a sensitive e-mail must appear as is in its HTML")
    return {
        "sensitive": True,
        "redacted": {"body": _redact(body, secrets), "html_body": _redact(html_body, secrets)},
    }


def sms_enqueue(
    *,
    to: str,
    body: str,
    concerns: models.Model | None = None,
    dedup_key: str | None = None,
    language: str = "vi",
    secret: Secret = None,
) -> OutboundMessage:
    """Queue an SMS to `to` (E.164). The body is folded to ASCII and must fit in one or two
    segments (SMS cost money). With `secret` (a temporary password, an OTP, a link that
    opens a declaration without logging in; or several of them) the message is sensitive:
    hidden in the admin and erased to a redacted copy once delivered or failed."""
    if not E164.match(to or ""):
        raise ValueError("SMS recipient must be an E.164 phone number")
    text = sms_text(body).strip()
    if not text:
        raise ValueError("SMS body is empty")
    segments = sms_segments(text)
    if segments > MAX_SMS_SEGMENTS:
        raise ValueError(f"SMS body needs {segments} segments; at most {MAX_SMS_SEGMENTS}")
    return _enqueue(
        dedup_key=dedup_key,
        hold=False,
        fields={
            "channel": OutboundMessage.Channel.SMS,
            "recipient": to,
            "body": text,
            "segments": segments,
            "language": language,
            **_secret_fields(secret, body=text),
            **_concerns_fields(concerns),
        },
    )


def email_enqueue(
    *,
    to: str,
    subject: str,
    body: str,
    html_body: str = "",
    attachments: list[dict] | None = None,
    hold: bool = False,
    concerns: models.Model | None = None,
    dedup_key: str | None = None,
    language: str = "vi",
    held_for: str = "",
    secret: Secret = None,
) -> OutboundMessage:
    """Queue an e-mail, text and HTML (`html_body`, or the text laid out by
    notifications.email.email_html). `attachments`: [{"path": <name in private storage>,
    "filename": ..., "content_type": ...}]. With hold=True the message waits for
    message_release() (e.g. until the PDF it must carry exists; `held_for` names what it
    waits for). With `secret`, as for sms_enqueue."""
    if not to or "@" not in to:
        raise ValueError("E-mail recipient is not an address")
    subject = " ".join(subject.split())
    # Every e-mail has both parts; the HTML one, unless given, says what the text says.
    html_body = html_body or email_html(subject=subject, body=body, language=language)
    return _enqueue(
        dedup_key=dedup_key,
        hold=hold,
        fields={
            "channel": OutboundMessage.Channel.EMAIL,
            "recipient": to,
            "subject": subject[:200],
            "body": body,
            "html_body": html_body,
            "attachments": _clean_attachments(attachments),
            "language": language,
            "held_for": held_for if hold else "",
            **_secret_fields(secret, body=body, html_body=html_body),
            **_concerns_fields(concerns),
        },
    )


def _clean_attachments(attachments: list[dict] | None) -> list[dict]:
    cleaned = []
    for item in attachments or []:
        if not item.get("path"):
            raise ValueError("An attachment needs the path of a file in private storage")
        cleaned.append(
            {
                "path": str(item["path"]),
                "filename": str(item.get("filename") or item["path"].rsplit("/", 1)[-1]),
                "content_type": str(item.get("content_type") or "application/octet-stream"),
            }
        )
    return cleaned


def message_release(
    *, message: OutboundMessage, attachments: list[dict] | None = None
) -> OutboundMessage:
    """Let a held message leave, adding `attachments`. Releasing twice changes nothing."""
    with transaction.atomic():
        message = OutboundMessage.objects.select_for_update().get(pk=message.pk)
        if message.status != OutboundMessage.Status.HELD:
            return message
        message.attachments = [*message.attachments, *_clean_attachments(attachments)]
        message.status = OutboundMessage.Status.QUEUED
        message.next_attempt_at = timezone.now()
        message.save(update_fields=["attachments", "status", "next_attempt_at", "updated_at"])
        _dispatch_on_commit(message)
    return message


def messages_release_concerning(
    *, concerns: models.Model, held_for: str, attachments: list[dict] | None = None
) -> int:
    """Release the held messages about `concerns` that wait for `held_for` (e.g. the
    e-mails waiting for a declaration's PDF), adding `attachments`. Returns how many were
    released."""
    from notifications.selectors import messages_concerning

    released = 0
    with transaction.atomic():
        held = messages_concerning(concerns, status=OutboundMessage.Status.HELD).filter(
            held_for=held_for
        )
        for message in held.order_by("id"):
            message_release(message=message, attachments=attachments)
            released += 1
    return released


def message_retry(*, message: OutboundMessage, actor=None) -> bool:
    """Staff: send a failed message again (a fresh round of tries). False when the message
    is not failed."""
    with transaction.atomic():
        message = OutboundMessage.objects.select_for_update().get(pk=message.pk)
        if message.status != OutboundMessage.Status.FAILED:
            return False
        if message.secret_erased:
            # Its secret was erased when it failed: sending it again would send a mask. The
            # service that made the secret must issue a new one.
            return False
        message.status = OutboundMessage.Status.QUEUED
        message.attempts = 0
        message.next_attempt_at = timezone.now()
        message.save(update_fields=["status", "attempts", "next_attempt_at", "updated_at"])
        audit_record(
            action=AuditAction.MESSAGE_RETRY, target=message, actor=actor,
            data={"channel": message.channel},
        )
        _dispatch_on_commit(message)
    return True


def messages_sweep(*, limit: int = 500) -> int:
    """Dispatch again what was left behind: queued messages overdue by more than the grace
    period (their dispatch was lost, e.g. the broker was down) and messages "sending" for
    longer than the sending timeout (their worker died). Returns how many were dispatched.
    Delivery locks the row and checks its state, so a duplicate dispatch sends nothing twice.
    """
    now = timezone.now()
    Status = OutboundMessage.Status
    overdue = models.Q(
        status=Status.QUEUED, next_attempt_at__lte=now - timedelta(seconds=conf.queued_grace())
    ) | models.Q(status=Status.QUEUED, next_attempt_at__isnull=True)
    stuck = models.Q(
        status=Status.SENDING, updated_at__lte=now - timedelta(seconds=conf.sending_timeout())
    )
    ids = list(
        OutboundMessage.objects.filter(overdue | stuck)
        .order_by("next_attempt_at", "id")
        .values_list("id", flat=True)[:limit]
    )
    dispatched = []
    for message_id in ids:
        if not message_dispatch(message_id):
            break  # the broker is still down: try again at the next sweep
        dispatched.append(message_id)
    # A slow queue is not a lost dispatch: wait another grace period before the next one.
    OutboundMessage.objects.filter(id__in=dispatched, status=Status.QUEUED).update(
        next_attempt_at=now
    )
    dispatched = len(dispatched)
    if ids:
        logger.info("Outbox sweep: %s of %s messages dispatched", dispatched, len(ids))
    return dispatched
