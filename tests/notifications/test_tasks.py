import pytest

from notifications.models import OutboundMessage
from notifications.services import sms_enqueue
from notifications.tasks import message_deliver_task, messages_sweep_task

pytestmark = pytest.mark.django_db


def test_task_retries_until_the_message_is_failed(django_capture_on_commit_callbacks, settings):
    settings.SMS_BACKEND = "notifications.sms.backends.failing.FailingSMSBackend"
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 4
    with django_capture_on_commit_callbacks(execute=True):
        message = sms_enqueue(to="+84912345678", body="x")
    message.refresh_from_db()
    # Eager mode runs the retries at once; a worker waits 30 s, 60 s, 120 s between them.
    assert message.status == OutboundMessage.Status.FAILED and message.attempts == 4


def test_task_delivers(django_capture_on_commit_callbacks, sms_outbox):
    with django_capture_on_commit_callbacks(execute=False):
        message = sms_enqueue(to="+84912345678", body="x")
    assert message_deliver_task.apply(args=[message.pk]).get() == "sent"
    assert messages_sweep_task.apply().get() == 0
    assert len(sms_outbox) == 1


def test_tasks_are_routed_to_the_messages_queue():
    from vssid_portal.celery import app

    route = app.amqp.router.route({}, message_deliver_task.name)
    assert route["queue"].name == "messages"
