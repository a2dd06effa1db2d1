"""Signed, expiring links (30 days) that download a declaration's PDF without logging in:
in the e-mail to the guardian who filed a child's registration (the SMS carries a short
link to the same PDF: declarations.short_links), and on the sent page of any
registration, a child's or a citizen's own. The token signs the declaration's number
with a timestamp; forged, altered or expired tokens get nothing."""
from django.conf import settings
from django.core import signing
from django.urls import reverse

from declarations.models import Declaration
from guardians.selectors import is_minor

_SALT = "declarations.pdf-download"
PDF_LINK_MAX_AGE = 60 * 60 * 24 * 30


def pdf_download_token(declaration: Declaration) -> str:
    return signing.TimestampSigner(salt=_SALT).sign(declaration.number)


def declaration_from_download_token(token: str) -> Declaration | None:
    try:
        number = signing.TimestampSigner(salt=_SALT).unsign(token, max_age=PDF_LINK_MAX_AGE)
    except signing.BadSignature:
        return None
    return Declaration.objects.filter(number=number).select_related("insured_person").first()


def download_allowed(declaration: Declaration) -> bool:
    """A link to a child's declaration stops working on the child's 18th birthday, like
    the guardian's pages, whenever it was made."""
    if declaration.kind == Declaration.Kind.CHILD_REGISTRATION:
        return is_minor(declaration.insured_person)
    return True


def pdf_download_path(declaration: Declaration) -> str:
    return reverse("declarations:pdf_download", kwargs={"token": pdf_download_token(declaration)})


def pdf_download_url(declaration: Declaration) -> str:
    return settings.SITE_URL.rstrip("/") + pdf_download_path(declaration)
