"""Development backend: one JSON object per line appended to settings.SMS_FILE_PATH
(the dev outbox page reads it)."""
import fcntl
import json
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from notifications.sms.backends.base import BaseSMSBackend, SMSMessage, SMSResult
from notifications.sms.text import sms_segments


class FileSMSBackend(BaseSMSBackend):
    def __init__(self, file_path: str | None = None, **options) -> None:
        super().__init__(**options)
        self.file_path = Path(file_path or settings.SMS_FILE_PATH)

    def send(self, message: SMSMessage) -> SMSResult:
        segments = sms_segments(message.body)
        # This file stands in for the citizen's phone in development (the dev outbox shows
        # it so that a demo can be finished); anywhere else it must not keep a secret.
        body = message.body
        if message.redacted_body is not None and not settings.DEBUG:
            body = message.redacted_body
        line = json.dumps(
            {
                "id": message.id,
                "to": message.to,
                "body": body,
                "sent_at": timezone.now().isoformat(),
                "segments": segments,
            },
            ensure_ascii=False,
        )
        self.file_path.parent.mkdir(parents=True, exist_ok=True)
        # Several worker processes append to the same file: lock, write whole lines. (No
        # fsync: a dev outbox need not survive a power cut, and it cost 5 ms a message.)
        with open(self.file_path, "a", encoding="utf-8") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                fh.write(line + "\n")
                fh.flush()
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)
        return SMSResult(provider_id=f"file:{message.id}", segments=segments)
