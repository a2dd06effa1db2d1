"""The interface every SMS backend implements, and how the configured one is loaded."""
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string


class SMSDeliveryError(Exception):
    """The provider did not accept the message (the delivery may be retried)."""


@dataclass(frozen=True)
class SMSMessage:
    to: str  # E.164
    body: str  # plain ASCII
    id: str  # the OutboundMessage's uuid: our reference at the provider
    # For a message carrying a secret: the body with the secret masked (what a log or a
    # file outbox outside development may keep).
    redacted_body: str | None = None


@dataclass(frozen=True)
class SMSResult:
    provider_id: str
    segments: int


class BaseSMSBackend:
    """Send one SMS. Return an SMSResult or raise SMSDeliveryError; never log the
    recipient or the text (personal data)."""

    def __init__(self, **options) -> None:
        self.options = options

    def send(self, message: SMSMessage) -> SMSResult:  # pragma: no cover - interface
        raise NotImplementedError


def get_sms_backend(path: str | None = None, **options) -> BaseSMSBackend:
    """An instance of settings.SMS_BACKEND (or of `path`), like Django's get_connection."""
    return import_string(path or settings.SMS_BACKEND)(**options)
