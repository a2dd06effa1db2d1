"""The "known device" cookie: signed, HttpOnly, set on the browser where an account has
logged in with its password. It holds keyed hashes of the login names that succeeded
there (never the names), and lets those accounts through the login locks that an
attacker could otherwise set off from a shared carrier address."""
import hashlib
import hmac

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse

COOKIE_NAME = "vssid_device"
_SALT = "accounts.devices"
MAX_ACCOUNTS = 5
MAX_AGE = 60 * 60 * 24 * 365


def _tag(login: str) -> str:
    digest = hmac.new(settings.SECRET_KEY.encode(), f"device:{login.lower()}".encode(),
                      hashlib.sha256)
    return digest.hexdigest()[:24]


def _tags(request: HttpRequest | None) -> list[str]:
    if request is None:
        return []
    raw = request.COOKIES.get(COOKIE_NAME, "")
    if not raw or len(raw) > 1000:
        return []
    try:
        value = signing.loads(raw, salt=_SALT, max_age=MAX_AGE)
    except signing.BadSignature:
        return []
    return [tag for tag in value if isinstance(tag, str)][:MAX_ACCOUNTS] if isinstance(
        value, list) else []


def device_knows(request: HttpRequest | None, login: str) -> bool:
    return _tag(login) in _tags(request)


def device_remember(request: HttpRequest, response: HttpResponse, login: str) -> None:
    tags = [_tag(login), *[t for t in _tags(request) if t != _tag(login)]][:MAX_ACCOUNTS]
    response.set_cookie(
        COOKIE_NAME, signing.dumps(tags, salt=_SALT), max_age=MAX_AGE, httponly=True,
        secure=settings.SESSION_COOKIE_SECURE, samesite="Lax",
    )
