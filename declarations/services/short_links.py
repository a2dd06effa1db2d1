"""Creating the short links that SMS carry (declarations.short_links explains why)."""
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from declarations.models import Declaration, ShortLink
from declarations.short_links import LIFETIMES, short_link_url, short_token_hash, short_token_new


def short_link_create(*, declaration: Declaration, kind: ShortLink.Kind) -> str:
    """A new short link to `declaration`'s status page or PDF, valid as long as the signed
    link of its kind; returns the absolute URL (the only time the token exists readable).
    Must run in the transaction that enqueues the SMS carrying it: a rolled-back SMS
    leaves no live link, and a committed SMS never carries a link that does not exist.

    No retry on a hash collision: at 2^71 tokens there is none to expect."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("short_link_create must run inside the SMS's transaction")
    token = short_token_new()
    ShortLink.objects.create(
        token_hash=short_token_hash(token),
        declaration=declaration,
        kind=kind,
        expires_at=timezone.now() + timedelta(seconds=LIFETIMES[kind]),
    )
    return short_link_url(token)
