"""Signed, expiring links to a declaration's status page: sent by SMS, printed as a QR on
the PDF, usable without an account."""
from django.conf import settings
from django.core import signing
from django.http import HttpResponse
from django.urls import reverse

from declarations.models import Declaration

_SALT = "declarations.status"
# A decision takes up to 3 working days; the link stays valid well past that.
STATUS_LINK_MAX_AGE = 60 * 60 * 24 * 90

# Pages whose URL holds a token (a credential): the status page, the PDF download link.
# "strict-origin": requests from the page carry the origin alone as Referer (never the
# path, so never the token, neither to another host nor in our own logs of the stylesheet
# and script requests), and Chromium still sends the page's origin as Origin with a form
# POST. "no-referrer" made that Origin "null", which Django's CSRF check refuses: the
# language switch answered 403.
TOKEN_PAGE_REFERRER_POLICY = "strict-origin"


def keep_token_out_of_referers(response: HttpResponse) -> HttpResponse:
    response["Referrer-Policy"] = TOKEN_PAGE_REFERRER_POLICY
    return response


def status_token(declaration: Declaration) -> str:
    return signing.TimestampSigner(salt=_SALT).sign(str(declaration.uuid))


def declaration_from_token(token: str) -> Declaration | None:
    """The declaration a token points at, or None when forged or expired."""
    try:
        value = signing.TimestampSigner(salt=_SALT).unsign(token, max_age=STATUS_LINK_MAX_AGE)
    except signing.BadSignature:
        return None
    # The office's parent too: the page names a local office after its province office
    # (office_label), which was a second query. The uuid is unique: no ORDER BY to build.
    found = Declaration.objects.filter(uuid=value).select_related(
        "office", "office__parent").order_by()[:1]
    return next(iter(found), None)


def status_path(declaration: Declaration) -> str:
    return reverse("declarations:status", kwargs={"token": status_token(declaration)})


def status_url(declaration: Declaration) -> str:
    """Absolute link, for SMS, e-mail and the PDF's QR."""
    return settings.SITE_URL.rstrip("/") + status_path(declaration)
