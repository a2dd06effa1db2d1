"""An HTTP SMS gateway: POST JSON with HTTP basic auth.

Settings: SMS_GATEWAY_URL, SMS_GATEWAY_USERNAME, SMS_GATEWAY_PASSWORD, SMS_GATEWAY_SENDER,
SMS_GATEWAY_TIMEOUT (seconds). Request body:
``{"from": sender, "to": "+84...", "text": ..., "reference": <our message uuid>}``.
The gateway answers 2xx with JSON ``{"id": "<provider id>"}`` (optionally "segments").
Anything else -- non-2xx, timeout, refused connection, unreadable answer -- is an
SMSDeliveryError, so the delivery task retries.
"""
import base64
import json
import urllib.error
import urllib.request

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from notifications.sms.backends.base import BaseSMSBackend, SMSDeliveryError, SMSMessage, SMSResult
from notifications.sms.text import sms_segments


class HTTPGatewaySMSBackend(BaseSMSBackend):
    def __init__(
        self,
        url: str | None = None,
        username: str | None = None,
        password: str | None = None,
        sender: str | None = None,
        timeout: float | None = None,
        **options,
    ) -> None:
        super().__init__(**options)
        self.url = url or settings.SMS_GATEWAY_URL
        self.username = settings.SMS_GATEWAY_USERNAME if username is None else username
        self.password = settings.SMS_GATEWAY_PASSWORD if password is None else password
        self.sender = sender or settings.SMS_GATEWAY_SENDER
        self.timeout = timeout or settings.SMS_GATEWAY_TIMEOUT
        if not self.url:
            raise ImproperlyConfigured("SMS_GATEWAY_URL is required by HTTPGatewaySMSBackend")

    def send(self, message: SMSMessage) -> SMSResult:
        payload = json.dumps(
            {"from": self.sender, "to": message.to, "text": message.body,
             "reference": message.id}
        ).encode()
        request = urllib.request.Request(
            self.url, data=payload, method="POST",
            headers={"Content-Type": "application/json", "Accept": "application/json"},
        )
        if self.username:
            token = base64.b64encode(f"{self.username}:{self.password}".encode()).decode()
            request.add_header("Authorization", f"Basic {token}")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                answer = json.loads(response.read(64 * 1024) or b"{}")
        except urllib.error.HTTPError as exc:
            raise SMSDeliveryError(f"SMS gateway answered HTTP {exc.code}") from None
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise SMSDeliveryError(f"SMS gateway unreachable: {reason}") from None
        except ValueError:
            raise SMSDeliveryError("SMS gateway answered something that is not JSON") from None
        provider_id = str(answer.get("id") or "") if isinstance(answer, dict) else ""
        if not provider_id:
            raise SMSDeliveryError("SMS gateway answer has no message id")
        segments = answer.get("segments")
        if not isinstance(segments, int) or segments < 1:
            segments = sms_segments(message.body)
        return SMSResult(provider_id=provider_id[:100], segments=segments)
