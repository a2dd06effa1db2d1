"""Delivery tuning, overridable in settings."""
from django.conf import settings


def max_attempts() -> int:
    """Tries before a message is failed for good."""
    return getattr(settings, "NOTIFICATIONS_MAX_ATTEMPTS", 6)


def sending_timeout() -> int:
    """Seconds after which a message still marked "sending" is taken as abandoned (its
    worker died): longer than the delivery task's hard time limit, so no live attempt can
    still be running."""
    return getattr(settings, "NOTIFICATIONS_SENDING_TIMEOUT", 300)


def queued_grace() -> int:
    """Seconds a due message may wait in "queued" (its on-commit dispatch in flight) before
    the sweeper dispatches it again."""
    return getattr(settings, "NOTIFICATIONS_QUEUED_GRACE", 60)


def retry_delay(attempts: int) -> int:
    """Exponential backoff after `attempts` failed tries: 30 s, 60 s, 120 s ... capped at
    5 minutes (below the broker's visibility timeout, so a waiting retry is not handed
    out twice)."""
    base = getattr(settings, "NOTIFICATIONS_RETRY_BASE", 30)
    cap = getattr(settings, "NOTIFICATIONS_RETRY_MAX", 300)
    return int(min(cap, base * 2 ** max(0, attempts - 1)))
