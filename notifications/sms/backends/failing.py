"""Test backend: every send fails, as a provider that is down would."""
from notifications.sms.backends.base import BaseSMSBackend, SMSDeliveryError, SMSMessage, SMSResult


class FailingSMSBackend(BaseSMSBackend):
    def send(self, message: SMSMessage) -> SMSResult:
        raise SMSDeliveryError("SMS gateway unavailable (FailingSMSBackend)")
