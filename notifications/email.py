"""Building the e-mail of an outbound message: text and HTML parts (multipart/alternative),
attachments read from private storage, a Message-ID we keep as the provider id."""
import re
from email.utils import make_msgid

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

from notifications.models import OutboundMessage

_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


def email_html(*, subject: str, body: str, language: str = "vi") -> str:
    """The HTML part of an e-mail whose text part is `body`: the same words, paragraph by
    paragraph, links made clickable, in a simple inline-styled layout (mail clients drop
    style sheets). Everything is escaped: names, reasons and addresses are typed by
    people."""
    paragraphs = [p.strip() for p in _PARAGRAPH_BREAK.split(body) if p.strip()]
    with translation.override(language or settings.LANGUAGE_CODE):
        return render_to_string(
            "notifications/email/message.html",
            {"subject": subject, "paragraphs": paragraphs, "language": language},
        )


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
    # Rows queued before the HTML part was written at enqueue time get it here.
    html_body = message.html_body or email_html(
        subject=message.subject, body=message.body, language=message.language
    )
    email.attach_alternative(html_body, "text/html")
    for item in message.attachments:
        # A missing file raises: the delivery is retried, then failed, never sent without it.
        with default_storage.open(item["path"], "rb") as fh:
            content = fh.read()
        email.attach(item["filename"], content, item.get("content_type") or None)
    return email
