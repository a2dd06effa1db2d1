"""SMS: plain-ASCII text, segment counting, and backends chosen by settings.SMS_BACKEND."""
from notifications.sms.backends.base import (
    BaseSMSBackend,
    SMSDeliveryError,
    SMSMessage,
    SMSResult,
    get_sms_backend,
)
from notifications.sms.text import sms_fit, sms_segments, sms_text

__all__ = [
    "BaseSMSBackend",
    "SMSDeliveryError",
    "SMSMessage",
    "SMSResult",
    "get_sms_backend",
    "sms_fit",
    "sms_segments",
    "sms_text",
]
