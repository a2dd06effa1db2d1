"""Outbound messages through the outbox in one process: enqueueing (row + on-commit
dispatch to an in-memory broker), and delivery (lock, mark sending, backend, record) of
SMS through the file backend and of e-mails through Django's file e-mail backend.

Run: ``python -m bench pipeline_messages`` (or ``make bench``).
"""
from __future__ import annotations

import json
import time

MESSAGES = 2000


def run() -> dict:
    from bench._pipeline_setup import django_test_environment

    with django_test_environment() as directory:
        from django.conf import settings
        from django.db import transaction

        from notifications.models import OutboundMessage
        from notifications.services import email_enqueue, message_deliver, sms_enqueue
        from vssid_portal.celery import app

        settings.SMS_BACKEND = "notifications.sms.backends.file.FileSMSBackend"
        settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
        settings.EMAIL_FILE_PATH = f"{directory}/email"
        # Enqueue without running the delivery in-process: publish to the memory broker.
        app.conf.task_always_eager = False
        app.conf.broker_url = "memory://"
        app._pool = None
        app.amqp._producer_pool = None

        started = time.perf_counter()
        sms_ids = []
        for i in range(MESSAGES):
            with transaction.atomic():
                sms_ids.append(
                    sms_enqueue(to=f"+8491{i:07d}", body=f"Ma OTP cua ban la {i:06d}").id
                )
        enqueue_s = time.perf_counter() - started
        email_ids = []
        for i in range(MESSAGES // 4):
            with transaction.atomic():
                email_ids.append(email_enqueue(
                    to=f"nguoi{i}@example.vn", subject=f"Tờ khai số 2026-{i:06d}",
                    body="Kính gửi anh/chị,\nTờ khai của anh/chị đã được tiếp nhận.",
                    html_body="<p>Kính gửi anh/chị,</p><p>Tờ khai đã được tiếp nhận.</p>",
                ).id)

        started = time.perf_counter()
        for message_id in sms_ids:
            message_deliver(message_id=message_id)
        sms_s = time.perf_counter() - started
        started = time.perf_counter()
        for message_id in email_ids:
            message_deliver(message_id=message_id)
        email_s = time.perf_counter() - started

        lines = open(settings.SMS_FILE_PATH, encoding="utf-8").read().splitlines()
        assert len(lines) == MESSAGES and json.loads(lines[0])["segments"] == 1
        sent = OutboundMessage.objects.filter(status=OutboundMessage.Status.SENT).count()
        assert sent == MESSAGES + len(email_ids)
        engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    return {
        "database": engine,
        "sms_enqueued_per_s": round(MESSAGES / enqueue_s, 1),
        "sms_delivered_per_s_file_backend": round(MESSAGES / sms_s, 1),
        "email_delivered_per_s_file_backend": round(len(email_ids) / email_s, 1),
        "messages": MESSAGES + len(email_ids),
    }


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
