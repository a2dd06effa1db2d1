"""Where a declaration stands, for a citizen without an account: through the signed link
in the SMS, or by typing the declaration number and the BHXH code."""
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from audit.context import client_address
from declarations.forms import StatusLookupForm
from declarations.models import Declaration
from declarations.selectors import declaration_for_citizen, office_label
from declarations.status_links import (
    declaration_from_token,
    keep_token_out_of_referers,
    status_path,
)
from registry.throttling import rate_limit_hit, rate_limit_used

# Typing number + code is cheap to try: cap the wrong tries per client address.
LOOKUP_FAILURES_PER_HOUR = 20


@never_cache
def status(request: HttpRequest, token: str) -> HttpResponse:
    declaration = declaration_from_token(token)
    if declaration is None:
        return keep_token_out_of_referers(
            render(request, "declarations/status_invalid.html", status=404))
    return status_response(request, declaration)


def status_response(request: HttpRequest, declaration: Declaration) -> HttpResponse:
    """The status page of `declaration`, for whoever holds a link to it (the signed link
    or a short link of the SMS)."""
    response = render(
        request,
        "declarations/status.html",
        {
            "declaration": declaration,
            "office_label": office_label(declaration.office),
            "is_pending": declaration.is_pending,
        },
    )
    # The token is a credential: keep it out of Referer headers (and caches: never_cache).
    return keep_token_out_of_referers(response)


def _failures_key(request: HttpRequest) -> str:
    return f"declarations:status_lookup:{client_address(request) or 'unknown'}"


@never_cache
@require_http_methods(["GET", "POST"])
def status_lookup(request: HttpRequest) -> HttpResponse:
    # POST, so that the BHXH code never appears in a URL or an access log.
    form = StatusLookupForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        key = _failures_key(request)
        if rate_limit_used(key) >= LOOKUP_FAILURES_PER_HOUR:
            form.add_error(
                None, gettext("Bạn đã tra cứu sai quá nhiều lần. Vui lòng thử lại sau một giờ.")
            )
        else:
            declaration = declaration_for_citizen(
                number=form.cleaned_data["number"], bhxh_code=form.cleaned_data["bhxh_code"]
            )
            if declaration is not None:
                return redirect(status_path(declaration))
            rate_limit_hit(key, count=LOOKUP_FAILURES_PER_HOUR, seconds=60 * 60)
            form.add_error(
                None,
                gettext("Không tìm thấy tờ khai có số tờ khai và mã số BHXH này. Vui lòng "
                        "kiểm tra lại."),
            )
    return render(request, "declarations/status_lookup.html", {"form": form})
