"""Security headers the portal sets on every response, and requests refused before any
view."""
import codecs
import re
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

API_PREFIX = "/api/"

# Everything from our own origin; no inline script, no other host. Inline styles are not
# allowed either: templates use classes from static CSS.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        # 'wasm-unsafe-eval' lets the QR reader compile its WebAssembly (served from here);
        # it allows no eval() of JavaScript.
        "script-src 'self' 'wasm-unsafe-eval'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not getattr(response, "csp_exempt", False):
            response.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.setdefault("Permissions-Policy", "geolocation=(), microphone=(), camera=(self)")
        return response


class PortalLocaleMiddleware(LocaleMiddleware):
    """Pages are in Vietnamese unless the visitor chose English with the language switch
    (the language cookie), whatever the browser's language; the API follows
    Accept-Language, as REST clients expect."""

    def process_request(self, request: HttpRequest) -> None:
        if request.path_info.startswith(API_PREFIX):
            return super().process_request(request)
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in {code for code, _name in settings.LANGUAGES}:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class MalformedParametersMiddleware:
    """The admin's lists and forms send URL and form parameters straight to the database,
    and PostgreSQL refuses NUL in text (a 500): a list URL holding one comes back without
    those parameters, a form post holding one, or selecting objects by something that is
    not an id, is a 400. (The portal's own pages and API check their parameters.)"""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.core.exceptions import BadRequest
        from django.http import HttpResponseRedirect

        if not request.path_info.startswith("/admin/"):
            return self.get_response(request)
        if _has_nul(request.GET):
            query = request.GET.copy()
            for key in [k for k in request.GET if "\x00" in k or any(
                "\x00" in v for v in request.GET.getlist(k)
            )]:
                del query[key]
            return HttpResponseRedirect(f"{request.path}?{query.urlencode()}")
        if request.method == "POST" and request.content_type in (
            "application/x-www-form-urlencoded", "multipart/form-data"
        ):
            if _has_nul(request.POST):
                raise BadRequest("NUL in form fields")
            if any(not value.isdigit() for value in request.POST.getlist("_selected_action")):
                raise BadRequest("Selected objects must be ids")
        return self.get_response(request)


def _has_nul(data) -> bool:
    return any("\x00" in key or any("\x00" in v for v in data.getlist(key)) for key in data)


_SESSION_KEY = re.compile(r"[a-z0-9]{32}")


class HostileRequestMiddleware:
    """Requests no view should see, handled before the session and the body are read:

    - a session cookie that is not a session key (a NUL in it reached PostgreSQL, which
      refuses NUL bytes: a 500 on every URL) is dropped, as if there were none;
    - a body declared in a charset that is not a text encoding ("hex_codec", "rot13"; a
      LookupError or TypeError deep in Django's parsers) is a 400 in the user's
      language, JSON under /api/."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        name = settings.SESSION_COOKIE_NAME
        cookie = request.COOKIES.get(name)
        if cookie is not None and not _SESSION_KEY.fullmatch(cookie):
            request.COOKIES.pop(name)
        if not _text_charset(request.content_params):
            return _bad_charset(request)
        return self.get_response(request)


def _text_charset(params: dict) -> bool:
    charset = (params or {}).get("charset")
    if not charset:
        return True
    try:
        codecs.lookup(charset)
        "".encode(charset)
        b"".decode(charset)
    except (LookupError, TypeError, ValueError):
        return False
    return codecs.lookup(charset)._is_text_encoding


def _bad_charset(request: HttpRequest) -> HttpResponse:
    from django.http import JsonResponse
    from django.utils.translation import gettext

    message = gettext("Bảng mã (charset) của nội dung yêu cầu không được hỗ trợ.")
    if request.path_info.startswith(API_PREFIX):
        return JsonResponse({"detail": message}, status=400)
    return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
