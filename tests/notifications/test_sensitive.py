"""Messages that carry a secret (a temporary password, an OTP): hidden in the admin while
they wait, erased to a redacted copy once sent or finally failed, never re-sent as a mask,
and kept out of a file outbox outside development."""
import json

import pytest
from django.urls import reverse

from notifications.models import OutboundMessage
from notifications.services import message_deliver, message_retry, sms_enqueue
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db
SECRET = "48151623"


def _sms(**kwargs) -> OutboundMessage:
    return sms_enqueue(to="+84912345678", body=f"Mat khau tam thoi: {SECRET}. Doi ngay.",
                       secret=SECRET, **kwargs)


def test_the_body_is_erased_once_sent():
    from notifications.sms.backends.locmem import outbox

    outbox.clear()
    message = _sms()
    assert message.sensitive and SECRET in message.body
    message_deliver(message_id=message.pk)
    message.refresh_from_db()
    assert message.status == OutboundMessage.Status.SENT
    assert SECRET not in message.body and "********" in message.body
    assert SECRET in outbox[-1].body  # the phone got it


def test_the_body_is_erased_when_finally_failed_and_never_retried(settings):
    from notifications import conf
    from notifications.delivery import DeliveryRetry

    settings.SMS_BACKEND = "notifications.sms.backends.failing.FailingSMSBackend"
    message = _sms()
    for _ in range(conf.max_attempts()):
        OutboundMessage.objects.filter(pk=message.pk).update(status="queued")
        try:
            message_deliver(message_id=message.pk)
        except DeliveryRetry:
            pass
    message.refresh_from_db()
    assert message.status == OutboundMessage.Status.FAILED
    assert SECRET not in message.body
    assert message_retry(message=message) is False  # a mask is never sent


def test_a_secret_must_be_in_the_body():
    with pytest.raises(ValueError):
        sms_enqueue(to="+84912345678", body="no secret here", secret=SECRET)


def test_the_admin_never_shows_a_waiting_secret(client):
    message = _sms()
    client.force_login(UserFactory(staff=True, is_superuser=True))
    html = client.get(reverse("admin:notifications_outboundmessage_change",
                              args=[message.pk])).content.decode()
    assert SECRET not in html and "********" in html
    html = client.get(reverse("admin:notifications_outboundmessage_changelist")).content.decode()
    assert SECRET not in html
    # A superuser cannot redirect a secret to another phone either.
    client.post(reverse("admin:notifications_outboundmessage_change", args=[message.pk]),
                {"recipient": "+84987654321"})
    message.refresh_from_db()
    assert message.recipient == "+84912345678"


@pytest.mark.parametrize("debug", [True, False])
def test_the_file_outbox_keeps_the_secret_only_in_development(settings, tmp_path, debug):
    settings.SMS_BACKEND = "notifications.sms.backends.file.FileSMSBackend"
    settings.SMS_FILE_PATH = str(tmp_path / "sms.jsonl")
    settings.DEBUG = debug
    message_deliver(message_id=_sms().pk)
    line = json.loads((tmp_path / "sms.jsonl").read_text().splitlines()[-1])
    assert (SECRET in line["body"]) is debug
