"""Per-IP rate limit of the BHXH code look-up, shared by the API and the web page."""
from __future__ import annotations

from django.http import HttpRequest
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle


class LookupRateThrottle(SimpleRateThrottle):
    """Scope "lookup" (REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["lookup"]), counted per
    client IP in the Django cache whether or not the caller is logged in."""

    scope = "lookup"

    def get_rate(self) -> str | None:
        # Read at call time (DRF binds the rates at import), so settings overrides apply.
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_ident(self, request: HttpRequest) -> str:
        # X-Forwarded-For is only trusted when NUM_PROXIES says how many proxies set it;
        # otherwise any client could pick a new "IP" for every request.
        if api_settings.NUM_PROXIES is None:
            return request.META.get("REMOTE_ADDR") or "unknown"
        return super().get_ident(request)

    def get_cache_key(self, request: HttpRequest, view: object) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
