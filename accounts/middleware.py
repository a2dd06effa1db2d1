"""An account whose password was sent by SMS must set its own before anything else: every
page leads to the page that sets it (the API answers 403: accounts.permissions)."""
from collections.abc import Callable
from functools import cache
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

# What such an account may still reach: the page itself, logging out, the language
# switch, static files, the health probe, the API (which answers for itself), and the
# service worker, web app manifest and favicon (no personal data; a worker script that
# redirects fails to install).
_ALWAYS_OPEN = ("/static/", "/api/", "/healthz", "/i18n/", "/dev/outbox/")
# Pages opened by a token of their own (SMS and PDF links), which show the same to anyone
# holding the link: let through, so that the token never lands in a `next=` (logs, Referer).
_TOKEN_PAGES = ("short_links:open", "declarations:pdf_download", "declarations:status")
_PLACEHOLDER = "TOKENPLACEHOLDER"


@cache
def _token_page_prefixes() -> tuple[str, ...]:
    prefixes = []
    for name in _TOKEN_PAGES:
        path = reverse(name, kwargs={"token": _PLACEHOLDER})
        prefixes.append(path[: path.index(_PLACEHOLDER)])
    return tuple(prefixes)


class PasswordChangeRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and getattr(user, "must_change_password", False)
            and not self._open(request.path_info)
        ):
            target = reverse("accounts:password_initial")
            if request.method == "GET":
                target += "?" + urlencode({"next": request.get_full_path()[:500]})
            return HttpResponseRedirect(target)
        return self.get_response(request)

    @staticmethod
    def _open(path: str) -> bool:
        if path.startswith(_ALWAYS_OPEN) or path == settings.STATIC_URL:
            return True
        if path.startswith(_token_page_prefixes()):
            return True
        return path in (
            reverse("accounts:password_initial"), reverse("accounts:logout"),
            reverse("service_worker"), reverse("pwa_manifest"), reverse("favicon"),
        )
