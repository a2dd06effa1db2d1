"""Rendering and storing a declaration's PDF, then letting the e-mails that carry it leave.

Called by declarations.tasks.declaration_render_pdf_task after a submit (and by the
sweeper for declarations whose render was lost). Safe to run twice: an existing PDF is
never rendered again, and releasing held e-mails twice releases nothing.
"""
import logging
from datetime import timedelta

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from audit.actions import AuditAction
from audit.services import audit_record
from declarations.models import Declaration
from declarations.pdf import render_declaration_pdf, render_rejection_notice_pdf
from notifications.services import messages_release_concerning

logger = logging.getLogger(__name__)

# A render normally follows its submit within seconds; older ones without a PDF were lost.
PDF_SWEEP_AFTER = timedelta(minutes=3)
# Beyond this, a declaration that still cannot be rendered needs a person, not a sweeper.
PDF_SWEEP_WINDOW = timedelta(days=7)


# What the e-mails that carry the declaration's PDF wait for (notifications' held_for).
HELD_FOR_PDF = "declaration_pdf"


def declaration_pdf_filename(declaration: Declaration) -> str:
    return f"to-khai-{declaration.number}.pdf"


def _store_and_release(
    *, declaration_id: int, field: str, rendered_at: str, content: bytes | None, filename,
    held_for: str, action: AuditAction,
) -> tuple[Declaration, bool, int]:
    """Under the declaration's lock: store `content` in the file field `field` (and the time
    in `rendered_at`) unless a file is there already, audit it, then release the
    e-mails held for `held_for` with that file attached. Returns (declaration, whether it
    was stored now, how many messages were released). A stored file is deleted again if
    the transaction fails."""
    stored_name = None
    try:
        with transaction.atomic():
            declaration = Declaration.objects.select_for_update().get(pk=declaration_id)
            file = getattr(declaration, field)
            rendered = False
            if not file and content is not None:
                file.save(filename(declaration), ContentFile(content), save=False)
                stored_name = file.name
                setattr(declaration, rendered_at, timezone.now())
                declaration.save(update_fields=[field, rendered_at, "updated_at"])
                audit_record(
                    action=action, target=declaration,
                    data={"number": declaration.number, "bytes": len(content)},
                )
                rendered = True
            released = messages_release_concerning(
                concerns=declaration,
                held_for=held_for,
                attachments=[{
                    "path": file.name,
                    "filename": filename(declaration),
                    "content_type": "application/pdf",
                }],
            )
    except BaseException:
        if stored_name:
            Declaration._meta.get_field(field).storage.delete(stored_name)
        raise
    return declaration, rendered, released


def declaration_pdf_render(*, declaration_id: int) -> bool:
    """Render and store the PDF unless it exists, then release the held e-mails concerning
    the declaration with the PDF attached. Returns True when a PDF was rendered now.
    Raises (e.g. PDFAssetError) when the render fails: the task retries."""
    declaration = (
        Declaration.objects.select_related("office__province", "submitted_by")
        .filter(pk=declaration_id)
        .first()
    )
    if declaration is None:
        logger.warning("Declaration %s does not exist: no PDF", declaration_id)
        return False
    # Render outside the lock (tens of milliseconds); the lock decides who stores it.
    content = None if declaration.pdf else render_declaration_pdf(declaration)
    declaration, rendered, released = _store_and_release(
        declaration_id=declaration_id, field="pdf", rendered_at="pdf_rendered_at",
        content=content,
        filename=declaration_pdf_filename, held_for=HELD_FOR_PDF,
        action=AuditAction.PDF_RENDERED,
    )
    logger.info(
        "Declaration %s: PDF %s, %s held message(s) released", declaration.number,
        "rendered" if rendered else "already there", released,
    )
    return rendered


def declarations_without_pdf(*, now=None) -> list[int]:
    """Ids of recent declarations whose PDF should exist by now."""
    now = now or timezone.now()
    return list(
        Declaration.objects.filter(
            pdf="",
            submitted_at__lte=now - PDF_SWEEP_AFTER,
            submitted_at__gte=now - PDF_SWEEP_WINDOW,
        )
        .order_by("submitted_at")
        .values_list("id", flat=True)[:200]
    )


HELD_FOR_REJECTION_NOTICE = "rejection_notice_pdf"


def rejection_notice_filename(declaration: Declaration) -> str:
    return f"thong-bao-tu-choi-{declaration.number}.pdf"


def declaration_rejection_notice_render(*, declaration_id: int) -> bool:
    """Render and store the rejection notice (01/TB-GDĐT) of a rejected declaration unless
    it exists, then release the rejection e-mail with it attached. Safe to run twice.
    Returns True when a notice was rendered now."""
    declaration = (
        Declaration.objects.select_related("office__province").filter(pk=declaration_id).first()
    )
    if declaration is None or declaration.status != Declaration.Status.REJECTED:
        logger.warning("Declaration %s is not rejected: no rejection notice", declaration_id)
        return False
    content = (
        None if declaration.rejection_notice_pdf
        else render_rejection_notice_pdf(declaration)
    )
    _declaration, rendered, _released = _store_and_release(
        declaration_id=declaration_id, field="rejection_notice_pdf",
        rendered_at="rejection_notice_rendered_at", content=content,
        filename=rejection_notice_filename, held_for=HELD_FOR_REJECTION_NOTICE,
        action=AuditAction.REJECTION_NOTICE_RENDERED,
    )
    return rendered


def declarations_without_rejection_notice(*, now=None) -> list[int]:
    """Ids of recently rejected declarations whose notice should exist by now."""
    now = now or timezone.now()
    return list(
        Declaration.objects.filter(
            status=Declaration.Status.REJECTED,
            rejection_notice_pdf="",
            decided_at__lte=now - PDF_SWEEP_AFTER,
            decided_at__gte=now - PDF_SWEEP_WINDOW,
        )
        .order_by("decided_at")
        .values_list("id", flat=True)[:200]
    )
