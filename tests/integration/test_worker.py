"""A real Celery worker, on Redis and PostgreSQL: delivery through the broker, a worker
killed mid-delivery, the broker down at submit time. Needs REDIS_URL and a PostgreSQL
DATABASE_URL (skipped otherwise)."""
import email
from datetime import timedelta
from email import policy

import pytest
from django.db import transaction
from django.utils import timezone

from declarations.models import Declaration
from declarations.tasks import declaration_render_pdf_task, declarations_pdf_sweep_task
from notifications.models import OutboundMessage
from notifications.services import email_enqueue, sms_enqueue
from notifications.tasks import message_deliver_task, messages_sweep_task
from tests.integration.conftest import broker_switch, wait_for
from tests.integration.declarations import make_declaration

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
Status = OutboundMessage.Status


def _status(message_id: int) -> str:
    return OutboundMessage.objects.get(pk=message_id).status


def test_message_enqueued_by_the_web_process_is_sent_by_the_worker(needs_worker):
    needs_worker.start()
    with transaction.atomic():  # as a view's service would: delivery dispatched on commit
        message = sms_enqueue(to="+84912345678", body="Mã OTP của bạn là 482913")
    wait_for(lambda: _status(message.pk) == Status.SENT, message=needs_worker.logs())
    message.refresh_from_db()
    assert message.sent_at and message.attempts == 1 and message.segments == 1
    [line] = needs_worker.sms_lines()
    assert line["id"] == str(message.uuid) and line["body"] == "Ma OTP cua ban la 482913"
    assert line["to"] == "+84912345678"


def test_worker_killed_mid_delivery_sends_exactly_once(needs_worker):
    started = needs_worker.dir / "started"
    release = needs_worker.dir / "release"
    needs_worker.extra_env = {
        "WORKER_SMS_BACKEND": "tests.integration.sms_backends.BlockingFileSMSBackend",
        "SMS_BLOCK_STARTED": str(started),
        "SMS_BLOCK_RELEASE": str(release),
        # Short, so the test does not wait ten minutes: the task comes back after 4 s and
        # a "sending" row older than 2 s counts as abandoned.
        "WORKER_VISIBILITY_TIMEOUT": "4",
        "WORKER_SENDING_TIMEOUT": "2",
    }
    first = needs_worker.start()
    with transaction.atomic():
        message = sms_enqueue(to="+84912345678", body="Mat khau dang nhap: 73920418")
    wait_for(started.exists, message="the delivery never started\n" + needs_worker.logs())
    assert _status(message.pk) == Status.SENDING
    first.kill9()  # kill -9 the whole worker, pool process included, mid-delivery
    assert needs_worker.sms_lines() == []  # nothing left
    assert _status(message.pk) == Status.SENDING

    release.touch()
    needs_worker.start()  # a new worker: the unacknowledged task is handed out again
    wait_for(lambda: _status(message.pk) == Status.SENT, timeout=40,
             message=needs_worker.logs())
    message.refresh_from_db()
    assert message.attempts == 2  # the task ran again
    assert len(started.read_text().split()) == 2
    lines = [line for line in needs_worker.sms_lines() if line["id"] == str(message.uuid)]
    assert len(lines) == 1  # ... and the SMS left exactly once
    # Later sweeps and duplicate deliveries change nothing.
    results = [messages_sweep_task.delay(), message_deliver_task.delay(message.pk)]
    for result in results:
        wait_for(lambda r=result: f"[{r.id}] succeeded" in needs_worker.logs(), timeout=20,
                 message=needs_worker.logs())
    assert len(needs_worker.sms_lines()) == 1


def _submit(declaration: Declaration) -> tuple[OutboundMessage, OutboundMessage]:
    """What the registration service does after writing the declaration."""
    sms = sms_enqueue(to=declaration.phone, body="BHXH da nhan to khai", concerns=declaration,
                      dedup_key=f"declaration:{declaration.uuid}:received:sms")
    mail = email_enqueue(
        to=declaration.email, subject=f"Tờ khai đăng ký giao dịch điện tử số {declaration.number}",
        body="Kính gửi chị Ánh, tờ khai đính kèm.", hold=True, held_for="declaration_pdf",
        concerns=declaration,
        dedup_key=f"declaration:{declaration.uuid}:received:email",
    )
    declaration_id = declaration.pk
    transaction.on_commit(lambda: declaration_render_pdf_task.delay(declaration_id))
    return sms, mail


def _assert_delivered(harness, declaration, sms, mail) -> None:
    wait_for(lambda: _status(mail.pk) == Status.SENT and _status(sms.pk) == Status.SENT,
             timeout=40, message=harness.logs())
    declaration.refresh_from_db()
    assert declaration.pdf
    assert [line["id"] for line in harness.sms_lines()] == [str(sms.uuid)]
    [raw] = harness.emails()
    received = email.message_from_bytes(raw.split(b"\n" + b"-" * 79)[0], policy=policy.default)
    assert declaration.number in received["Subject"]
    [attachment] = list(received.iter_attachments())
    assert attachment.get_filename() == f"to-khai-{declaration.number}.pdf"
    assert attachment.get_content().startswith(b"%PDF")


def test_submitted_declaration_pdf_and_messages_through_the_worker(needs_worker):
    needs_worker.start()
    with transaction.atomic():
        declaration = make_declaration()
        sms, mail = _submit(declaration)
    _assert_delivered(needs_worker, declaration, sms, mail)


def test_declaration_accepted_while_redis_is_down_gets_its_messages(needs_worker, caplog):
    from vssid_portal.celery import app

    redis_url = app.conf.broker_url
    broker_switch("redis://127.0.0.1:1/0")  # Redis stopped
    with transaction.atomic():
        declaration = make_declaration()
        sms, mail = _submit(declaration)  # the commit's dispatches fail: no exception
    assert "left queued for the sweeper" in caplog.text
    assert "left to the sweeper" in caplog.text
    assert (_status(sms.pk), _status(mail.pk)) == (Status.QUEUED, Status.HELD)

    broker_switch(redis_url)  # Redis is back
    needs_worker.start()
    # Beat would run the sweepers every minute or two; run them once, as their time has come.
    past = timezone.now() - timedelta(minutes=10)
    Declaration.objects.filter(pk=declaration.pk).update(submitted_at=past)
    OutboundMessage.objects.filter(pk=sms.pk).update(next_attempt_at=past)
    messages_sweep_task.delay()
    declarations_pdf_sweep_task.delay()
    _assert_delivered(needs_worker, declaration, sms, mail)
