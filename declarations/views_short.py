"""Short links of the SMS (`/s/<token>`, declarations.short_links): the status page or the
PDF served in place, as the signed link would serve them (with the same checks), rather
than a redirect to a fresh signed link, which would outlive the short one."""
import logging

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from declarations.limits import short_link_failure_count, short_link_tries_allowed
from declarations.models import ShortLink
from declarations.selectors import short_link_by_token
from declarations.status_links import keep_token_out_of_referers
from declarations.views_declarations import pdf_download_response
from declarations.views_status import status_response

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 60 * 60


def _refused(request: HttpRequest, reason: str, status: int) -> HttpResponse:
    response = render(request, "declarations/short_link_invalid.html", {"reason": reason},
                      status=status)
    # Django logs every 4xx with its path, and a refused path may hold a live token (an
    # address over the limit is refused its good links too): log the reason alone.
    response._has_been_logged = True
    logger.warning("Short link refused: %s", reason)
    return keep_token_out_of_referers(response)


@never_cache
@require_safe
def short_link_open(request: HttpRequest, token: str) -> HttpResponse:
    # A good link is always served: many phones share one carrier address, and one client
    # opening wrong links must not lock the others out of theirs. The 71 random bits are
    # the protection; the limit only slows down an address that keeps guessing.
    link = short_link_by_token(token=token)
    if link is not None and not link.is_expired:
        if link.kind == ShortLink.Kind.PDF:
            return pdf_download_response(request, link.declaration)
        return status_response(request, link.declaration)
    if not short_link_tries_allowed(request):
        response = _refused(request, "too_many", 429)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    short_link_failure_count(request)
    if link is None:
        return _refused(request, "unknown", 404)
    return _refused(request, "expired", 410)
