"""Redirects told to the page's own script instead of followed.

A form sent by script (the photo step sends its photos with XMLHttpRequest to show the bytes
sent) asks with `X-Redirect-As: json`: a redirect is then answered 200 {"location": url}, so
the browser goes there once instead of XMLHttpRequest fetching the next page only for the
script to load it again (a second round trip on 3G). Without the header nothing changes.
"""
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.http import url_has_allowed_host_and_scheme

HEADER = "X-Redirect-As"


class ScriptRedirectMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.headers.get(HEADER) != "json" or response.status_code not in (302, 303):
            return response
        location = response["Location"]
        if not url_has_allowed_host_and_scheme(location, allowed_hosts={request.get_host()},
                                               require_https=request.is_secure()):
            return response
        answer = JsonResponse({"location": location})
        answer["Cache-Control"] = "no-store"
        answer["Vary"] = HEADER
        for cookie in response.cookies.values():  # a session cookie set on the way
            answer.cookies[cookie.key] = cookie
        return answer
