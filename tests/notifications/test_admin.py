import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.urls import reverse

from notifications.models import OutboundMessage
from notifications.services import sms_enqueue

pytestmark = pytest.mark.django_db
Status = OutboundMessage.Status
CHANGELIST = "admin:notifications_outboundmessage_changelist"


@pytest.fixture
def messages_(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        failed = sms_enqueue(to="+84912345678", body="failed one")
        sent = sms_enqueue(to="+84987654321", body="sent one")
    OutboundMessage.objects.filter(pk=failed.pk).update(status=Status.FAILED, attempts=6)
    OutboundMessage.objects.filter(pk=sent.pk).update(status=Status.SENT)
    return failed, sent


@pytest.fixture
def officer(client):
    user = get_user_model().objects.create_user(
        username="canbo01", password="x-Secret-123", is_staff=True
    )
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_outboundmessage", "change_outboundmessage"])
    )
    client.force_login(user)
    return user


def test_changelist_filters_and_search(admin_client, messages_):
    url = reverse(CHANGELIST)
    assert admin_client.get(url).status_code == 200
    response = admin_client.get(url, {"status__exact": "failed", "channel__exact": "sms"})
    assert list(response.context["cl"].result_list) == [messages_[0]]
    response = admin_client.get(url, {"q": "0987 654 321"})
    assert list(response.context["cl"].result_list) == [messages_[1]]


def test_retry_action_requeues_failed_only(
    admin_client, messages_, sms_outbox, django_capture_on_commit_callbacks
):
    failed, sent = messages_
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse(CHANGELIST),
            {"action": "retry_messages", "_selected_action": [failed.pk, sent.pk]},
            follow=True,
        )
    assert response.status_code == 200
    failed.refresh_from_db()
    # Test settings run tasks in-process: the retry is delivered at once.
    assert failed.status == Status.SENT and failed.attempts == 1
    assert [m.body for m in sms_outbox] == ["failed one"]
    texts = [str(m) for m in response.context["messages"]]
    assert any("không ở trạng thái thất bại" in t for t in texts)


def test_personal_fields_read_only_for_officers(client, officer, messages_):
    response = client.get(
        reverse("admin:notifications_outboundmessage_change", args=[messages_[0].pk])
    )
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert "recipient" not in form.fields and "body" not in form.fields


def test_superuser_may_correct_the_recipient(admin_client, messages_):
    response = admin_client.get(
        reverse("admin:notifications_outboundmessage_change", args=[messages_[0].pk])
    )
    assert "recipient" in response.context["adminform"].form.fields
