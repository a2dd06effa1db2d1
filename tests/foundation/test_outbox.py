import json
import os
import time

import pytest
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection

pytestmark = pytest.mark.django_db
URL = "/dev/outbox/"


@pytest.fixture
def outbox_dirs(settings, tmp_path):
    settings.DEBUG = True
    settings.SMS_FILE_PATH = str(tmp_path / "sms.jsonl")
    settings.EMAIL_FILE_PATH = str(tmp_path / "email")
    return tmp_path


def _send(mail, path):
    with get_connection("django.core.mail.backends.filebased.EmailBackend", file_path=path) as c:
        c.send_messages([mail] if not isinstance(mail, list) else mail)


def _write_sms(path, *records):
    with open(path, "a", encoding="utf-8") as fh:
        for record in records:
            fh.write((record if isinstance(record, str) else json.dumps(record)) + "\n")


def test_404_when_debug_is_off(client, settings):
    settings.DEBUG = False
    assert client.get(URL).status_code == 404
    assert client.get("/dev/outbox/email/x.log/0/0/").status_code == 404


def test_empty_outbox_when_nothing_was_sent(client, outbox_dirs):
    response = client.get(URL)
    assert response.status_code == 200
    assert "Chưa có tin nhắn nào" in response.content.decode()
    assert "Chưa có thư nào" in response.content.decode()


def test_sms_listed_newest_first_skipping_bad_lines(client, outbox_dirs, settings):
    _write_sms(
        settings.SMS_FILE_PATH,
        {"to": "+84912000001", "body": "Ma OTP cu: 111111", "sent_at": "2026-11-24T08:00:00+00:00"},
        "{not json",
        {"to": "+84912000002", "body": "Xem to khai: http://127.0.0.1:8000/x/",
         "sent_at": "2026-11-24T09:00:00+00:00", "segments": 1},
        '["a list"]',
        '{"to": "+84912000003", "body": "cut',  # a line being written
    )
    html = client.get(URL).content.decode()
    assert html.index("+84912000002") < html.index("+84912000001")
    assert '<a href="http://127.0.0.1:8000/x/"' in html  # links are clickable
    assert "+84912000003" not in html


def test_emails_listed_newest_first_with_text_and_attachment(client, outbox_dirs, settings):
    older = EmailMessage("Thư cũ", "Nội dung cũ", to=["a@example.com"])
    older.extra_headers["Date"] = "Tue, 24 Nov 2026 08:00:00 +0000"
    newer = EmailMultiAlternatives(
        "Tờ khai 01/ĐK-GD", "Kính gửi ông Nguyễn Văn Á,\nTờ khai đính kèm.", to=["b@example.com"]
    )
    newer.extra_headers["Date"] = "Tue, 24 Nov 2026 09:00:00 +0000"
    newer.attach_alternative("<p>Tờ khai</p>", "text/html")
    newer.attach("to-khai.pdf", b"%PDF-1.7 fake", "application/pdf")
    _send([older, newer], settings.EMAIL_FILE_PATH)

    html = client.get(URL).content.decode()
    assert html.index("Tờ khai 01/ĐK-GD") < html.index("Thư cũ")
    assert "Kính gửi ông Nguyễn Văn Á" in html
    assert "b@example.com" in html
    assert "to-khai.pdf" in html

    file_name = os.listdir(settings.EMAIL_FILE_PATH)[0]
    download = client.get(f"/dev/outbox/email/{file_name}/1/0/")
    assert download.status_code == 200
    assert download.content == b"%PDF-1.7 fake"
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    assert f'href="/dev/outbox/email/{file_name}/1/0/"' in html


def test_messages_from_several_files_are_merged(client, outbox_dirs, settings):
    first = EmailMessage("Thứ nhất", "1", to=["a@example.com"])
    first.extra_headers["Date"] = "Tue, 24 Nov 2026 08:00:00 +0000"
    _send(first, settings.EMAIL_FILE_PATH)
    time.sleep(0.01)
    second = EmailMessage("Thứ hai", "2", to=["a@example.com"])
    second.extra_headers["Date"] = "Tue, 24 Nov 2026 10:00:00 +0000"
    _send(second, settings.EMAIL_FILE_PATH)
    html = client.get(URL).content.decode()
    assert html.index("Thứ hai") < html.index("Thứ nhất")


def test_partial_and_foreign_files_are_tolerated(client, outbox_dirs, settings):
    mail = EmailMessage("Đầy đủ", "ok", to=["a@example.com"])
    _send(mail, settings.EMAIL_FILE_PATH)
    directory = outbox_dirs / "email"
    (directory / "20261124-000000-1.log").write_bytes(b"Subject: =?utf-8?q?C=E1")  # cut
    (directory / "20261124-000000-2.log").write_bytes(b"")
    (directory / "notes.txt").write_text("not an e-mail")
    (directory / "sub.log").mkdir()
    response = client.get(URL)
    assert response.status_code == 200
    assert "Đầy đủ" in response.content.decode()


def test_attachment_view_rejects_bad_references(client, outbox_dirs, settings):
    _send(EmailMessage("x", "y", to=["a@example.com"]), settings.EMAIL_FILE_PATH)
    file_name = os.listdir(settings.EMAIL_FILE_PATH)[0]
    assert client.get(f"/dev/outbox/email/{file_name}/0/0/").status_code == 404  # none
    assert client.get(f"/dev/outbox/email/{file_name}/5/0/").status_code == 404
    assert client.get("/dev/outbox/email/missing.log/0/0/").status_code == 404
    assert client.get("/dev/outbox/email/..%2Fsecret.log/0/0/").status_code == 404


def test_missing_directories_are_fine(client, settings, tmp_path):
    settings.DEBUG = True
    settings.SMS_FILE_PATH = str(tmp_path / "nope" / "sms.jsonl")
    settings.EMAIL_FILE_PATH = str(tmp_path / "nope" / "email")
    assert client.get(URL).status_code == 200


def test_messages_sent_through_the_pipeline_show_up(
    client, outbox_dirs, settings, django_capture_on_commit_callbacks
):
    """The real path: notifications.services -> task (in-process) -> file backends."""
    services = pytest.importorskip("notifications.services")
    settings.SMS_BACKEND = "notifications.sms.backends.file.FileSMSBackend"
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        services.sms_enqueue(to="+84912000009", body="Ma OTP: 123456")
        services.email_enqueue(
            to="c@example.com", subject="Xác nhận tờ khai", body="Tờ khai đã được gửi."
        )
    html = client.get(URL).content.decode()
    assert "+84912000009" in html
    assert "Ma OTP: 123456" in html
    assert "Xác nhận tờ khai" in html
    assert "Tờ khai đã được gửi." in html
