"""Rate limits of the declaration pages, on the same rates (settings.REST_FRAMEWORK
["DEFAULT_THROTTLE_RATES"]) as the API and counted by the same mechanism
(registry.throttling: a fixed-window counter in the shared cache) per identity (a client
address from audit.context.client_address, or an account), under keys of their own (a
page's count is not the API's). A cache that cannot be reached lets the request through:
the limit must not turn a cache outage into an outage of the page; what it protects (SMS,
e-mails) has its own caps in the outbox."""
import logging

from django.conf import settings
from django.http import HttpRequest

from registry.throttling import parse_rate, rate_limit_hit, rate_limit_used

logger = logging.getLogger(__name__)


def _rate_key(scope: str, ident: str) -> str:
    return f"declarations:web:{scope}:{ident or 'unknown'}"


def web_rate_allowed(request: HttpRequest, *, scope: str, ident: str) -> bool:
    """Count one more use of `scope` by `ident`; False once the rate is exceeded."""
    rate = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"].get(scope)
    if not rate:
        return True
    count, seconds = parse_rate(rate)
    return rate_limit_hit(_rate_key(scope, ident), count=count, seconds=seconds).allowed


def web_rate_used_up(*, scope: str, ident: str) -> bool:
    """Whether `ident` has used up `scope`, without counting a use: for limits that count
    failures only (web_rate_allowed counts each one) but refuse every try once spent."""
    rate = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"].get(scope)
    if not rate:
        return False
    count, _seconds = parse_rate(rate)
    return rate_limit_used(_rate_key(scope, ident)) >= count


def short_link_tries_allowed(request: HttpRequest) -> bool:
    """Whether this client address may still be told about unknown or expired short
    links: once it has opened `short_link` (THROTTLE_SHORT_LINK) of them in an hour, it
    gets 429 for those for the rest of the hour. Good links are served whatever this says
    (declarations.views_short), so that people behind one carrier address are never
    stopped by another's guesses."""
    from audit.context import client_address

    return not web_rate_used_up(scope="short_link", ident=client_address(request))


def short_link_failure_count(request: HttpRequest) -> None:
    from audit.context import client_address

    web_rate_allowed(request, scope="short_link", ident=client_address(request))


def submit_allowed(request: HttpRequest) -> bool:
    """One count of declarations submitted per client address, shared by the web forms and
    the API (self-registration and a child's): each submit sends an SMS."""
    from audit.context import client_address

    return web_rate_allowed(request, scope="registration", ident=client_address(request))


def registry_check_allowed(request: HttpRequest) -> bool:
    """One more check of typed data against the registry by this client address, on the
    BHXH-code look-up's count (registry.throttling.LookupRateThrottle, scope "lookup"):
    the look-up, registration step 1 and the registration APIs share one budget, so none
    of them is a faster oracle than the others."""
    from registry.throttling import LookupRateThrottle

    try:
        return LookupRateThrottle().allow_request(request, None)
    except Exception:
        logger.warning("Registry-check limit not applied (cache error)", exc_info=True)
        return True
