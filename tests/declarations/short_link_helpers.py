"""Finding the short link (`/s/<token>`, by URL name) in an SMS body (plain functions)."""
import re

from django.conf import settings
from django.urls import reverse

from declarations.short_links import TOKEN_LENGTH

_PLACEHOLDER = "Z" * TOKEN_LENGTH


def short_link_pattern() -> re.Pattern:
    prefix, _token, suffix = reverse(
        "short_links:open", kwargs={"token": _PLACEHOLDER}
    ).partition(_PLACEHOLDER)
    return re.compile(
        re.escape(settings.SITE_URL.rstrip("/") + prefix)
        + rf"(?P<token>[0-9A-Za-z]{{{TOKEN_LENGTH}}})" + re.escape(suffix) + r"(?=\s|$)"
    )


def short_link_in(body: str) -> str | None:
    """The absolute short link in `body`, None when there is none."""
    found = short_link_pattern().search(body)
    return found.group(0) if found else None


def short_link_path_in(body: str) -> str | None:
    """The path of the short link in `body` (for the test client)."""
    link = short_link_in(body)
    return link[len(settings.SITE_URL.rstrip("/")):] if link else None


def received_sms(containing: str) -> str:
    """The newest SMS the phone received (the locmem backend) whose text contains
    `containing`: the outbox row keeps the link masked once the SMS is sent."""
    from notifications.sms.backends import locmem

    bodies = [m.body for m in locmem.outbox if containing in m.body]
    assert bodies, f"no SMS received containing {containing!r}"
    return bodies[-1]
