"""Building the e-mail of an outbound message: text and HTML parts, attachments read from
private storage, a Message-ID we keep as the provider id."""
from email.utils import make_msgid

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.mail import EmailMultiAlternatives

from notifications.models import OutboundMessage


def _msgid_domain() -> str:
    sender = settings.DEFAULT_FROM_EMAIL
    domain = sender.rsplit("@", 1)[-1].strip(" >") if "@" in sender else "vssid.local"
    return domain or "vssid.local"


def build_email(message: OutboundMessage) -> EmailMultiAlternatives:
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.recipient],
        headers={"Message-ID": make_msgid(idstring=message.uuid.hex[:12], domain=_msgid_domain())},
    )
    if message.html_body:
        email.attach_alternative(message.html_body, "text/html")
    for item in message.attachments:
        # A missing file raises: the delivery is retried, then failed, never sent without it.
        with default_storage.open(item["path"], "rb") as fh:
            content = fh.read()
        email.attach(item["filename"], content, item.get("content_type") or None)
    return email
