"""Test backend: keeps the messages in the module-level list `outbox` (like mail.outbox)."""
from notifications.sms.backends.base import BaseSMSBackend, SMSMessage, SMSResult
from notifications.sms.text import sms_segments

outbox: list[SMSMessage] = []


class LocMemSMSBackend(BaseSMSBackend):
    def send(self, message: SMSMessage) -> SMSResult:
        outbox.append(message)
        return SMSResult(provider_id=f"locmem:{len(outbox)}", segments=sms_segments(message.body))
