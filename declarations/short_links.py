"""Short links for SMS (`/s/<token>`): a signed status link (90 days) or PDF link (30 days)
is 110-odd characters with a real SITE_URL, too long for one 160-character segment. A
short link is 12 random base-62 characters (62^12 ≈ 2^71.4: far past guessing, even
without the rate limit of the view), looked up by its SHA-256 (declarations.ShortLink);
the token itself is kept nowhere: the SMS's row in the outbox masks it once sent, and the
paths that carry a token are masked in the logs (vssid_portal.log_filters). The view
serves what the signed link would, with the same checks (a child's PDF dies at 18)."""
import hashlib
import re
import secrets
import string

from django.conf import settings
from django.urls import reverse

from declarations.download_links import PDF_LINK_MAX_AGE
from declarations.models import ShortLink
from declarations.status_links import STATUS_LINK_MAX_AGE

# Letters and digits only: phones' link detection never stops early at "-" or "_".
TOKEN_ALPHABET = string.digits + string.ascii_letters
TOKEN_LENGTH = 12
_TOKEN_SHAPE = re.compile(rf"^[0-9A-Za-z]{{{TOKEN_LENGTH}}}$")

# The same lifetimes as the signed links they stand for.
LIFETIMES = {
    ShortLink.Kind.STATUS: STATUS_LINK_MAX_AGE,
    ShortLink.Kind.PDF: PDF_LINK_MAX_AGE,
}


def short_token_new() -> str:
    return "".join(secrets.choice(TOKEN_ALPHABET) for _ in range(TOKEN_LENGTH))


def short_token_is_wellformed(token: str) -> bool:
    return bool(_TOKEN_SHAPE.match(token or ""))


def short_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def short_link_path(token: str) -> str:
    return reverse("short_links:open", kwargs={"token": token})


def short_link_url(token: str) -> str:
    """Absolute link, for SMS."""
    return settings.SITE_URL.rstrip("/") + short_link_path(token)
