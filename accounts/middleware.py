"""An account whose password was sent by SMS must set its own before anything else: every
page leads to the page that sets it (the API answers 403: accounts.permissions)."""
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from accounts.token_pages import token_page_prefixes

# What such an account may still reach: the page itself, logging out, the language
# switch, static files, the health probe, the API (which answers for itself), and the
# service worker, web app manifest and favicon (no personal data; a worker script that
# redirects fails to install).
_ALWAYS_OPEN = ("/static/", "/api/", "/healthz", "/i18n/", "/dev/outbox/")


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
        if path.startswith(token_page_prefixes()):  # their token never goes into `next=`
            return True
        return path in (
            reverse("accounts:password_initial"), reverse("accounts:logout"),
            reverse("service_worker"), reverse("pwa_manifest"), reverse("favicon"),
        )
