"""The pages opened by a token of their own (the SMS and PDF links): the same to anyone
holding the link, and their paths are credentials. Used by the temporary-password
middleware (which lets them through) and the log filter (which masks their tokens)."""
from functools import cache

from django.urls import NoReverseMatch, reverse

TOKEN_PAGES = ("short_links:open", "declarations:pdf_download", "declarations:status")
_PLACEHOLDER = "TOKENPLACEHOLDER"


@cache
def token_page_prefixes() -> tuple[str, ...]:
    """The paths before the token, e.g. ("/s/", "/to-khai/tai/", "/to-khai/trang-thai/");
    the names the running URLconf lacks (a benchmark's bare site) are left out."""
    prefixes = []
    for name in TOKEN_PAGES:
        try:
            path = reverse(name, kwargs={"token": _PLACEHOLDER})
        except NoReverseMatch:
            continue
        prefixes.append(path[: path.index(_PLACEHOLDER)])
    return tuple(prefixes)
