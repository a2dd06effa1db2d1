"""A citizen sends a declaration they may read (their own, their child's) on by e-mail to
an address they type: the PDF attached (the e-mail waits for it when it is not rendered
yet), an audit record that keeps only a hash of the address, one e-mail per address and
declaration per day however often the button is pressed."""
import hashlib

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from audit.actions import AuditAction
from audit.context import AuditContext
from audit.services import audit_record
from declarations.download_links import pdf_download_url
from declarations.models import Declaration
from declarations.services.pdf import HELD_FOR_PDF, declaration_pdf_filename
from notifications.services import email_enqueue

# Django's validator allows "localhost" and IP literals by default.
_public_address = EmailValidator(allowlist=[])
MSG_EMAIL_REQUIRED = _("Vui lòng nhập địa chỉ thư điện tử nhận tờ khai.")
MSG_EMAIL_INVALID = _("Địa chỉ thư điện tử không hợp lệ.")


def share_email_validate(value: object) -> str:
    email = (value if isinstance(value, str) else "").strip()
    if not email:
        raise ValidationError({"email": [ValidationError(MSG_EMAIL_REQUIRED, code="required")]})
    invalid = ValidationError({"email": [ValidationError(MSG_EMAIL_INVALID, code="invalid")]})
    if len(email) > 254 or not email.isprintable() or "[" in email:
        raise invalid
    local, _at, domain = email.rpartition("@")
    try:
        # A public, dotted domain only: no "localhost", no [IP literal], nothing the mail
        # server could not encode.
        ascii_domain = domain.encode("idna").decode("ascii").lower()
        _public_address(f"{local}@{ascii_domain}")
    except (UnicodeError, ValidationError):
        raise invalid from None
    if "." not in ascii_domain or not local.isascii():
        raise invalid
    return f"{local}@{ascii_domain}"


def declaration_share_by_email(
    *, declaration: Declaration, email: str, actor, context: AuditContext | None = None
) -> None:
    """Queue the declaration's PDF to `email` for `actor` (who must already have been
    allowed to read it: declarations_visible_to_citizen). Raises ValidationError on
    "email"."""
    email = share_email_validate(email)
    digest = hashlib.sha256(email.lower().encode()).hexdigest()
    today = timezone.localdate().isoformat()
    sender = getattr(actor, "full_name", "") or getattr(actor, "username", "")
    with transaction.atomic(), translation.override(declaration.language):
        # Under the row lock the PDF render takes too: either the file is there, or the
        # render that stores it will release this held e-mail.
        locked = Declaration.objects.select_for_update().only("pk", "pdf").get(
            pk=declaration.pk
        )
        pdf_ready = bool(locked.pdf)
        email_enqueue(
            to=email,
            subject=gettext("Tờ khai số %(number)s gửi từ VssID") % {
                "number": declaration.number
            },
            body=gettext(
                "%(sender)s gửi cho bạn tờ khai số %(number)s (%(kind)s) từ cổng dịch vụ "
                "VssID của BHXH Việt Nam. Tờ khai (PDF) được đính kèm thư này.\n\n"
                "Tải tờ khai: %(url)s\n\n"
                "Thư này được gửi tự động, vui lòng không trả lời."
            ) % {"sender": sender, "number": declaration.number,
                 "kind": declaration.get_kind_display(), "url": pdf_download_url(declaration)},
            attachments=[{
                "path": locked.pdf.name,
                "filename": declaration_pdf_filename(declaration),
                "content_type": "application/pdf",
            }] if pdf_ready else None,
            hold=not pdf_ready,
            held_for=HELD_FOR_PDF if not pdf_ready else "",
            concerns=declaration,
            dedup_key=f"declaration:{declaration.uuid}:shared:{digest[:32]}:{today}",
            language=declaration.language,
        )
        audit_record(
            action=AuditAction.DECLARATION_SHARED, target=declaration, actor=actor,
            data={"number": declaration.number, "to_sha256": digest[:16],
                  "pdf_ready": pdf_ready},
            context=context,
        )
