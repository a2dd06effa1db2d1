"""The portal's old addresses, each a permanent redirect to its page's address today.

Links already out in the world keep working: status links sent by SMS and printed as a QR on
PDFs (`/declarations/status/<signed token>/`), links in e-mails, bookmarks. A GET or HEAD
gets a 301; any other method a 308, which keeps the method and the body (a form posted to
an old address is posted again to the new one, where CSRF and everything else are checked
as usual). The rest of the path (tokens, steps, photo kinds) and the query string are kept.

Mounted after every live pattern (vssid_portal.urls), so an old address can never hide a
new one. Add a line here whenever a page moves; never remove one."""
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.http.response import HttpResponseRedirectBase
from django.urls import NoReverseMatch, URLPattern, path, reverse
from django.views.decorators.csrf import csrf_exempt

# Old route (Django path syntax, from the site root) -> the URL name of its page today.
# A route's parameters are passed on, by name, to the new pattern. The wizards' old step
# segments were their step keys ("personal", "photos", ...): the new step patterns'
# converters write a key as its Vietnamese slug (declarations.wizard.WizardSpec.slugs), so
# an old step lands on its new slug and an unknown one is a 404.
LEGACY_ROUTES: list[tuple[str, str]] = [
    ("accounts/login/", "accounts:login"),
    ("accounts/logout/", "accounts:logout"),
    ("accounts/password/initial/", "accounts:password_initial"),
    ("accounts/password/change/", "accounts:password_change"),
    ("accounts/password/change/confirm/", "accounts:password_change_confirm"),
    ("accounts/password/forgot/", "accounts:password_reset"),
    ("accounts/password/forgot/confirm/", "accounts:password_reset_confirm"),
    ("accounts/staff/2fa/", "accounts:staff_otp"),
    ("tra-cuu/the-bhyt/", "accounts:my_card"),
    ("tra-cuu/qua-trinh-tham-gia/", "accounts:my_participation"),
    ("declarations/register/", "declarations:register"),
    ("declarations/register/scan/", "declarations:register_scan"),
    ("declarations/register/sent/", "declarations:register_sent"),
    ("declarations/register/photo/<str:kind>/", "declarations:register_photo"),
    ("declarations/register/<str:step>/", "declarations:register_step"),
    ("declarations/status/", "declarations:status_lookup"),
    ("declarations/status/<str:token>/", "declarations:status"),
    ("dang-ky-cho-con/", "declarations:child_register"),
    ("dang-ky-cho-con/quet-qr/", "declarations:child_scan"),
    ("dang-ky-cho-con/da-gui/", "declarations:child_sent"),
    ("dang-ky-cho-con/anh/<str:kind>/", "declarations:child_photo"),
    ("dang-ky-cho-con/<str:step>/", "declarations:child_step"),
]


class HttpResponsePermanentRedirectKeepMethod(HttpResponseRedirectBase):
    """308 Permanent Redirect: like 301, but the client repeats the same method and body."""

    status_code = 308


@csrf_exempt  # it only answers with an address; the page it leads to checks the token
def legacy_redirect(request: HttpRequest, *, new_name: str, **kwargs: str) -> HttpResponse:
    try:
        target = reverse(new_name, kwargs=kwargs)
    except NoReverseMatch:
        raise Http404 from None  # e.g. a step that never existed
    query = request.META.get("QUERY_STRING", "")
    if query:
        target = f"{target}?{query}"
    if request.method in ("GET", "HEAD"):
        return HttpResponsePermanentRedirect(target)
    return HttpResponsePermanentRedirectKeepMethod(target)


def _pattern(old_route: str, new_name: str) -> URLPattern:
    return path(old_route, legacy_redirect, kwargs={"new_name": new_name})


urlpatterns = [_pattern(old, new) for old, new in LEGACY_ROUTES]
