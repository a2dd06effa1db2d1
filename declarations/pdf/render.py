"""Rendering a declaration as the form 01/ĐK-GD (tagged PDF/UA-1, A4, in the
declaration's language).

WeasyPrint is imported on first use (it takes ~0.3 s); one FontConfiguration and one image
cache live as long as the worker process: building them per render leaks ~0.3 MB a PDF.
"""
import hashlib
import io
import threading

from django.template.loader import render_to_string
from django.utils import timezone, translation

from declarations.models import Attachment, Declaration
from declarations.pdf.assets import PDFAssetError, asset_url, font_faces, make_url_fetcher
from declarations.status_links import status_url

TEMPLATES = {
    Declaration.Kind.SELF_REGISTRATION: "declarations/pdf/self_registration.html",
    Declaration.Kind.CHILD_REGISTRATION: "declarations/pdf/child_registration.html",
}
# Images cached across renders (keyed by content hash, so never stale); emptied between
# renders once it holds more than this many entries, so it cannot grow without bound.
IMAGE_CACHE_MAX_ENTRIES = 64

_lock = threading.Lock()
_font_config = None
_image_cache: dict = {}


def _weasyprint():
    global _font_config
    import weasyprint
    from PIL import ImageFile
    from weasyprint.text.fonts import FontConfiguration

    # Importing WeasyPrint turns Pillow's process-wide LOAD_TRUNCATED_IMAGES on; the images
    # it gets from us are already sanitised, and uploads checked in this process must not
    # be accepted truncated.
    ImageFile.LOAD_TRUNCATED_IMAGES = False

    if _font_config is None:
        _font_config = FontConfiguration()
    return weasyprint


def _portrait(declaration: Declaration) -> tuple[bytes, str]:
    attachment = declaration.attachments.filter(kind=Attachment.Kind.PORTRAIT).first()
    if attachment is None:
        raise PDFAssetError(f"Declaration {declaration.number} has no portrait")
    try:
        with attachment.file.open("rb") as fh:
            data = fh.read()
    except OSError as exc:
        raise PDFAssetError(f"Portrait of declaration {declaration.number} unreadable") from exc
    if not data:
        raise PDFAssetError(f"Portrait of declaration {declaration.number} is empty")
    return data, attachment.content_type or "image/jpeg"


def _qr_png(url: str) -> bytes:
    import segno

    buffer = io.BytesIO()
    segno.make_qr(url, error="m").save(buffer, kind="png", scale=4, border=4)
    return buffer.getvalue()


def _context(declaration: Declaration) -> tuple[dict, dict]:
    portrait, portrait_type = _portrait(declaration)
    link = status_url(declaration)
    qr = _qr_png(link)
    portrait_name = f"portrait-{hashlib.sha256(portrait).hexdigest()[:32]}"
    qr_name = f"qr-{hashlib.sha256(qr).hexdigest()[:32]}.png"
    images = {portrait_name: (portrait, portrait_type), qr_name: (qr, "image/png")}
    office = declaration.office
    submitted = timezone.localtime(declaration.submitted_at or timezone.now())
    place = office.province.name if office.province_id else office.name
    context = {
        "declaration": declaration,
        "office": office,
        "guardian": declaration.submitted_by,
        "fonts": font_faces(),
        "portrait_url": asset_url(portrait_name),
        "qr_url": asset_url(qr_name),
        "status_url": link,
        "place": place,
        "submitted": submitted,
        "language": declaration.language,
    }
    return context, images


def _write_pdf(html: str, images: dict, identifier: bytes) -> bytes:
    weasyprint = _weasyprint()
    from weasyprint.urls import FatalURLFetchingError

    with _lock:
        if len(_image_cache) > IMAGE_CACHE_MAX_ENTRIES:
            _image_cache.clear()
        try:
            document = weasyprint.HTML(
                string=html, base_url=None, url_fetcher=make_url_fetcher(images)
            )
            return document.write_pdf(
                font_config=_font_config,
                cache=_image_cache,
                pdf_variant="pdf/ua-1",
                pdf_identifier=identifier,
            )
        except FatalURLFetchingError as exc:  # a BaseException in WeasyPrint: narrow it
            raise PDFAssetError(str(exc.__cause__ or exc)) from exc


def _language(declaration: Declaration) -> str:
    return declaration.language if declaration.language in ("vi", "en") else "vi"


def render_declaration_pdf(declaration: Declaration) -> bytes:
    """The declaration's PDF. Raises PDFAssetError when an asset (font, portrait) is
    missing: better no PDF (the task retries) than a PDF with holes."""
    try:
        template = TEMPLATES[declaration.kind]
    except KeyError:
        raise PDFAssetError(f"No PDF template for kind {declaration.kind}") from None
    with translation.override(_language(declaration)):
        context, images = _context(declaration)
        html = render_to_string(template, context)
    return _write_pdf(html, images, declaration.uuid.hex.encode())


def render_rejection_notice_pdf(declaration: Declaration) -> bytes:
    """The rejection notice (Mẫu 01/TB-GDĐT) of a rejected declaration, in the same
    family of templates, fonts and language as the declaration."""
    link = status_url(declaration)
    qr = _qr_png(link)
    qr_name = f"qr-{hashlib.sha256(qr).hexdigest()[:32]}.png"
    office = declaration.office
    with translation.override(_language(declaration)):
        html = render_to_string(
            "declarations/pdf/rejection_notice.html",
            {
                "declaration": declaration,
                "office": office,
                "fonts": font_faces(),
                "qr_url": asset_url(qr_name),
                "status_url": link,
                "place": office.province.name if office.province_id else office.name,
                "decided": timezone.localtime(declaration.decided_at or timezone.now()),
                "language": declaration.language,
            },
        )
    identifier = (declaration.uuid.hex + "-tb").encode()
    return _write_pdf(html, {qr_name: (qr, "image/png")}, identifier)
