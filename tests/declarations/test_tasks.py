"""The render task: PDF stored once, held e-mails released with it, retries, the sweeper."""
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from audit.models import AuditRecord
from declarations.models import Declaration
from declarations.services.pdf import declaration_pdf_render
from declarations.tasks import declaration_render_pdf_task, declarations_pdf_sweep_task
from notifications.models import OutboundMessage
from notifications.services import email_enqueue, sms_enqueue
from tests.integration.declarations import make_declaration

pytestmark = pytest.mark.django_db
Status = OutboundMessage.Status


def _notices(declaration):
    sms = sms_enqueue(to=declaration.phone, body="Da nhan to khai", concerns=declaration)
    email = email_enqueue(
        to=declaration.email, subject=f"Tờ khai số {declaration.number}", body="Kính gửi",
        hold=True, held_for="declaration_pdf", concerns=declaration,
    )
    return sms, email


@pytest.fixture
def submitted(django_capture_on_commit_callbacks):
    declaration = make_declaration()
    with django_capture_on_commit_callbacks(execute=True):
        sms, email = _notices(declaration)
    return declaration, sms, email


def test_render_task_stores_pdf_and_releases_the_email(
    submitted, django_capture_on_commit_callbacks
):
    declaration, sms, email = submitted
    email.refresh_from_db()
    assert email.status == Status.HELD and mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        declaration_render_pdf_task.delay(declaration.pk)
    declaration.refresh_from_db()
    assert declaration.pdf and declaration.pdf_rendered_at
    with declaration.pdf.open("rb") as fh:
        stored = fh.read()
    assert stored.startswith(b"%PDF")
    email.refresh_from_db()
    assert email.status == Status.SENT
    [sent] = mail.outbox
    assert sent.attachments == [
        (f"to-khai-{declaration.number}.pdf", stored, "application/pdf")
    ]


def test_render_twice_renders_once(submitted, django_capture_on_commit_callbacks):
    declaration, _, _ = submitted
    with django_capture_on_commit_callbacks(execute=True):
        assert declaration_pdf_render(declaration_id=declaration.pk) is True
        assert declaration_pdf_render(declaration_id=declaration.pk) is False
    first = Declaration.objects.get(pk=declaration.pk).pdf.name
    assert AuditRecord.objects.filter(action="declaration.pdf_rendered").count() == 1
    assert Declaration.objects.get(pk=declaration.pk).pdf.name == first
    assert len(mail.outbox) == 1  # the e-mail left once


def test_failed_render_keeps_email_held_and_leaves_no_file(
    django_capture_on_commit_callbacks, _private_storage
):
    declaration = make_declaration(with_portrait=False)
    with django_capture_on_commit_callbacks(execute=True):
        _, email = _notices(declaration)
        result = declaration_render_pdf_task.apply(args=[declaration.pk])
    assert result.failed()  # retried 5 times in-process, then given up
    declaration.refresh_from_db()
    assert not declaration.pdf
    email.refresh_from_db()
    assert email.status == Status.HELD and mail.outbox == []
    assert not list(_private_storage.rglob("*.pdf"))


def test_missing_declaration_is_not_an_error():
    assert declaration_pdf_render(declaration_id=424242) is False


def test_sweeper_renders_only_declarations_overdue_without_pdf(
    django_capture_on_commit_callbacks,
):
    overdue = make_declaration()
    fresh = make_declaration()
    ancient = make_declaration()
    now = timezone.now()
    Declaration.objects.filter(pk=overdue.pk).update(submitted_at=now - timedelta(minutes=5))
    Declaration.objects.filter(pk=ancient.pk).update(submitted_at=now - timedelta(days=30))
    with django_capture_on_commit_callbacks(execute=True):
        _notices(overdue)
        assert declarations_pdf_sweep_task.apply().get() == 1
    assert Declaration.objects.get(pk=overdue.pk).pdf
    assert not Declaration.objects.get(pk=fresh.pk).pdf
    assert not Declaration.objects.get(pk=ancient.pk).pdf
    assert declarations_pdf_sweep_task.apply().get() == 0
    assert [m.to for m in mail.outbox] == [[overdue.email]]


def test_dispatch_with_broker_down_does_not_raise(caplog):
    from vssid_portal.celery import app

    saved = (app.conf.task_always_eager, app.conf.broker_url)
    app.conf.task_always_eager, app.conf.broker_url = False, "redis://127.0.0.1:1/0"
    app._pool = None
    app.amqp._producer_pool = None
    try:
        assert declaration_render_pdf_task.delay(1) is None
        assert declarations_pdf_sweep_task.apply().get() == 0
    finally:
        app.conf.task_always_eager, app.conf.broker_url = saved
        app._pool = None
        app.amqp._producer_pool = None
    assert "left to the sweeper" in caplog.text
