"""The API's rate limits, counted per client as audit.context.client_address sees it (so a
forged X-Forwarded-For is no new client), and letting requests through when the cache
(Redis) is down: a limit must not turn an outage of the cache into an outage of the
portal. (The limits that protect accounts — login failures, OTP tries and sends — live in
the accounts app and the database.)"""
import logging

from rest_framework import throttling

from audit.context import client_address

logger = logging.getLogger(__name__)


class _ClientAddressMixin:
    def get_ident(self, request) -> str:
        return client_address(request) or "unknown"

    def allow_request(self, request, view) -> bool:
        try:
            return super().allow_request(request, view)
        except Exception:  # the cache backend failed (connection refused, timeout …)
            logger.warning("Rate limit not applied (cache error)", exc_info=True)
            return True


class AnonRateThrottle(_ClientAddressMixin, throttling.AnonRateThrottle):
    pass


class UserRateThrottle(_ClientAddressMixin, throttling.UserRateThrottle):
    pass


class ScopedRateThrottle(_ClientAddressMixin, throttling.ScopedRateThrottle):
    pass
