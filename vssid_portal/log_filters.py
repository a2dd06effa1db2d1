"""Log records never carry a token that opens a declaration without logging in.

Django logs every 4xx/5xx with its path (`django.request`), and a path such as `/s/<token>`,
`/to-khai/tai/<token>/` or `/to-khai/trang-thai/<token>/` (or an old
`/declarations/status/<token>/`, or any of them URL-encoded in a `next=`) is a credential
for as long as the link lives. The filter, on every handler, replaces the token with "…"."""
from __future__ import annotations

import logging
import re
from functools import cache

_OLD_PREFIXES = ("/declarations/status/",)  # links sent before the Vietnamese URL scheme


@cache
def _pattern() -> re.Pattern:
    from accounts.token_pages import token_page_prefixes

    prefixes = [*_OLD_PREFIXES, *token_page_prefixes()]
    # "/" may be written %2F where the path is a query value (`?next=%2Fs%2F...`).
    alternatives = [re.escape(prefix).replace("/", "(?:/|%2[Ff])") for prefix in prefixes]
    return re.compile("(" + "|".join(alternatives) + r")[^/\s?&#%\"'<>]+")


def mask_tokens(text: str) -> str:
    return _pattern().sub(r"\1…", text)


class TokenPathFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken record: let logging report it as it would
            return True
        masked = mask_tokens(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True
