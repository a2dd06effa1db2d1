"""The "known device" mark: a signed, HttpOnly cookie set on the browser where an account
has logged in with its password (or reset it), and the same value as a `device_token`
for API clients (the app). It holds keyed hashes of the login names that succeeded there
(never the names), each bound to the account's current password hash, so a password
change or reset ends them. It lets its accounts past the locks that strangers can set off
(per login name, per shared carrier address); failures from a known device still count,
against a higher limit (accounts.login_throttle)."""
import hashlib
import hmac

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse

COOKIE_NAME = "vssid_device"
_SALT = "accounts.devices"
MAX_ACCOUNTS = 5
MAX_AGE = 60 * 60 * 24 * 365


def _tag(login: str, password_hash: str) -> str:
    message = f"device:{login.lower()}:{password_hash}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()[:24]


def _current_tag(login: str) -> str | None:
    from accounts.models import User

    password_hash = User.objects.filter(username=login).values_list("password", flat=True).first()
    return _tag(login, password_hash) if password_hash else None


def _tags_from(raw: str) -> list[str]:
    if not raw or len(raw) > 1000:
        return []
    try:
        value = signing.loads(raw, salt=_SALT, max_age=MAX_AGE)
    except signing.BadSignature:
        return []
    return [tag for tag in value if isinstance(tag, str)][:MAX_ACCOUNTS] if isinstance(
        value, list) else []


def _tags(request: HttpRequest | None) -> list[str]:
    return _tags_from(request.COOKIES.get(COOKIE_NAME, "")) if request is not None else []


def device_knows(request: HttpRequest | None, login: str) -> bool:
    tags = _tags(request)
    return bool(tags) and _current_tag(login) in tags


def device_token_knows(token: str, login: str) -> bool:
    tags = _tags_from(token or "")
    return bool(tags) and _current_tag(login) in tags


def device_token_for(user) -> str:
    """The `device_token` an API client keeps and sends with its next logins."""
    return signing.dumps([_tag(user.get_username(), user.password)], salt=_SALT)


def device_remember(request: HttpRequest, response: HttpResponse, user) -> None:
    tag = _tag(user.get_username(), user.password)
    tags = [tag, *[t for t in _tags(request) if t != tag]][:MAX_ACCOUNTS]
    response.set_cookie(
        COOKIE_NAME, signing.dumps(tags, salt=_SALT), max_age=MAX_AGE, httponly=True,
        secure=settings.SESSION_COOKIE_SECURE, samesite="Lax",
    )
