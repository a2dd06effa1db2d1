from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

# (url name, label): links in the header for logged-in users, shown once they resolve.
USER_NAV = [
    ("public_services", _("Dịch vụ công")),
    ("registry:my_card", _("Thẻ BHYT của tôi")),
    ("registry:my_participation", _("Quá trình tham gia")),
    ("guardians:family", _("Gia đình")),
]


def _reverse_or_none(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def portal(request: HttpRequest) -> dict:
    nav_links = []
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        for name, label in USER_NAV:
            url = _reverse_or_none(name)
            if url:
                nav_links.append({"url": url, "label": label, "current": url == request.path})
    return {
        "DEBUG": settings.DEBUG,
        "nav_links": nav_links,
        "login_url": _reverse_or_none("accounts:login"),
        "logout_url": _reverse_or_none("accounts:logout"),
    }
