"""Per-IP rate limit of the BHXH code look-up, shared by the API and the web page."""
from __future__ import annotations

from django.http import HttpRequest
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from audit.context import client_address


class LookupRateThrottle(SimpleRateThrottle):
    """Scope "lookup" (REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["lookup"]), counted per
    client IP in the Django cache whether or not the caller is logged in."""

    scope = "lookup"

    def get_rate(self) -> str | None:
        # Read at call time (DRF binds the rates at import), so settings overrides apply.
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_ident(self, request: HttpRequest) -> str:
        # The one client-address function: X-Forwarded-For only from TRUSTED_PROXIES.
        return client_address(request) or "unknown"

    def get_cache_key(self, request: HttpRequest, view: object) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
