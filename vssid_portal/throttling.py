"""The API's rate limits (REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"]): DRF's anon, user and
scoped throttles counted by the portal's one mechanism (registry.throttling: a fixed-window
counter per scope and client, O(1) per request), per client as
audit.context.client_address sees it (so a forged X-Forwarded-For is no new client), and
letting requests through when the cache (Redis) fails: a limit must not turn an outage of
the cache into an outage of the portal. (The limits that protect accounts — login
failures, OTP tries and sends — live in the accounts app and the database.)"""
from rest_framework import throttling

from registry.throttling import CountingRateThrottle


class AnonRateThrottle(throttling.AnonRateThrottle, CountingRateThrottle):
    pass


class UserRateThrottle(throttling.UserRateThrottle, CountingRateThrottle):
    pass


class ScopedRateThrottle(throttling.ScopedRateThrottle, CountingRateThrottle):
    pass
