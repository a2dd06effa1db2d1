"""Signed, expiring links to a declaration's status page: sent by SMS, printed as a QR on
the PDF, usable without an account."""
from django.conf import settings
from django.core import signing
from django.urls import reverse

from declarations.models import Declaration

_SALT = "declarations.status"
# A decision takes up to 3 working days; the link stays valid well past that.
STATUS_LINK_MAX_AGE = 60 * 60 * 24 * 90


def status_token(declaration: Declaration) -> str:
    return signing.TimestampSigner(salt=_SALT).sign(str(declaration.uuid))


def declaration_from_token(token: str) -> Declaration | None:
    """The declaration a token points at, or None when forged or expired."""
    try:
        value = signing.TimestampSigner(salt=_SALT).unsign(token, max_age=STATUS_LINK_MAX_AGE)
    except signing.BadSignature:
        return None
    return Declaration.objects.filter(uuid=value).select_related("office").first()


def status_path(declaration: Declaration) -> str:
    return reverse("declarations:status", kwargs={"token": status_token(declaration)})


def status_url(declaration: Declaration) -> str:
    """Absolute link, for SMS, e-mail and the PDF's QR."""
    return settings.SITE_URL.rstrip("/") + status_path(declaration)
