"""One URL scheme for the citizen's pages: Vietnamese slugs (ASCII, no diacritics, lower
case, hyphenated), one prefix per app; every old address answers with a permanent redirect
to its new one, keeping the rest of the path and the query string (vssid_portal.legacy_urls).
"""
import re
import uuid

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import translation

from declarations.services.registration import declaration_submit_self_registration
from declarations.status_links import status_path, status_token
from declarations.views_child_registration import SPEC as CHILD_REGISTRATION
from declarations.views_draft import SELF_REGISTRATION
from tests.accounts.factories import UserFactory
from tests.declarations.registration_helpers import (
    person_and_office,
    registration_data,
    sample_photos,
)
from vssid_portal import legacy_urls

TOKEN = "ZmFrZQ:1vXyZq:AbC-dEf_123"  # the shape of a signed token (TimestampSigner)
QUERY = "utm_source=sms&next=%2Fto-khai%2F&q=%C4%91"

# Every old address (with a token, a step, a photo kind) -> exactly its new address.
OLD_TO_NEW = [
    ("/accounts/login/", "/tai-khoan/dang-nhap/"),
    ("/accounts/logout/", "/tai-khoan/dang-xuat/"),
    ("/accounts/password/initial/", "/tai-khoan/mat-khau-lan-dau/"),
    ("/accounts/password/change/", "/tai-khoan/doi-mat-khau/"),
    ("/accounts/password/change/confirm/", "/tai-khoan/doi-mat-khau/xac-nhan/"),
    ("/accounts/password/forgot/", "/tai-khoan/quen-mat-khau/"),
    ("/accounts/password/forgot/confirm/", "/tai-khoan/quen-mat-khau/xac-nhan/"),
    ("/accounts/staff/2fa/", "/tai-khoan/xac-thuc-hai-lop/"),
    ("/tra-cuu/the-bhyt/", "/tai-khoan/the-bhyt/"),
    ("/tra-cuu/qua-trinh-tham-gia/", "/tai-khoan/qua-trinh-tham-gia/"),
    ("/declarations/register/", "/to-khai/dang-ky/"),
    ("/declarations/register/scan/", "/to-khai/dang-ky/quet-qr/"),
    ("/declarations/register/sent/", "/to-khai/dang-ky/da-gui/"),
    ("/declarations/register/photo/portrait/", "/to-khai/dang-ky/anh/portrait/"),
    ("/declarations/register/photo/id_back/", "/to-khai/dang-ky/anh/id_back/"),
    ("/declarations/register/personal/", "/to-khai/dang-ky/thong-tin/"),
    ("/declarations/register/photos/", "/to-khai/dang-ky/anh/"),
    ("/declarations/register/office/", "/to-khai/dang-ky/co-quan/"),
    ("/declarations/register/review/", "/to-khai/dang-ky/xem-lai/"),
    ("/declarations/status/", "/to-khai/tra-cuu-trang-thai/"),
    (f"/declarations/status/{TOKEN}/", f"/to-khai/trang-thai/{TOKEN}/"),
    ("/dang-ky-cho-con/", "/to-khai/dang-ky-cho-con/"),
    ("/dang-ky-cho-con/quet-qr/", "/to-khai/dang-ky-cho-con/quet-qr/"),
    ("/dang-ky-cho-con/da-gui/", "/to-khai/dang-ky-cho-con/da-gui/"),
    ("/dang-ky-cho-con/anh/birth_certificate/", "/to-khai/dang-ky-cho-con/anh/birth_certificate/"),
    ("/dang-ky-cho-con/child/", "/to-khai/dang-ky-cho-con/thong-tin/"),
    ("/dang-ky-cho-con/photos/", "/to-khai/dang-ky-cho-con/anh/"),
    ("/dang-ky-cho-con/office/", "/to-khai/dang-ky-cho-con/co-quan/"),
    ("/dang-ky-cho-con/commitment/", "/to-khai/dang-ky-cho-con/cam-ket/"),
]


@pytest.mark.parametrize(("old", "new"), OLD_TO_NEW)
@pytest.mark.parametrize("method", ["get", "head"])
def test_an_old_address_is_a_301_to_its_new_one_with_the_query(client, old, new, method):
    response = getattr(client, method)(f"{old}?{QUERY}")
    assert response.status_code == 301
    assert response["Location"] == f"{new}?{QUERY}"


@pytest.mark.parametrize(("old", "new"), OLD_TO_NEW)
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete", "options"])
def test_other_methods_get_a_308_that_keeps_method_and_body(client, old, new, method):
    # No CSRF token: the redirect itself does nothing, the page it leads to checks.
    response = getattr(client, method)(f"{old}?{QUERY}", data="a=1",
                                       content_type="application/x-www-form-urlencoded")
    assert response.status_code == 308
    assert response["Location"] == f"{new}?{QUERY}"


@pytest.mark.parametrize("old", ["/declarations/register/", "/accounts/login/"])
def test_without_a_query_string_none_is_added(client, old):
    assert "?" not in client.get(old)["Location"]


def test_every_old_route_is_tested():
    """A line added to legacy_urls without a test here fails."""
    tested = {get_resolver().resolve(old).route for old, _ in OLD_TO_NEW}
    assert tested == {route for route, _ in legacy_urls.LEGACY_ROUTES}


def test_every_new_address_is_a_live_page():
    for _old, new in OLD_TO_NEW:
        match = get_resolver().resolve(new)
        assert match.func is not legacy_urls.legacy_redirect, new


@pytest.mark.parametrize("old", [
    "/declarations/register/nonsense/",
    "/dang-ky-cho-con/nonsense/",
    "/declarations/register/../admin/",
    "/accounts/nonsense/",
    "/tra-cuu/nonsense/",
])
def test_an_old_address_that_never_was_a_page_is_still_a_404(client, old):
    assert client.get(old).status_code == 404


@pytest.mark.django_db
def test_a_logged_in_citizen_following_an_old_link_reaches_the_page(client):
    client.force_login(UserFactory())
    response = client.get("/tra-cuu/the-bhyt/", follow=True)
    assert response.redirect_chain == [("/tai-khoan/the-bhyt/", 301)]
    assert response.status_code == 200


@pytest.mark.django_db
def test_an_old_status_link_sent_by_sms_reaches_the_status_page(client):
    person, office = person_and_office()
    with translation.override("vi"):
        declaration = declaration_submit_self_registration(
            data=registration_data(person, office), photos=sample_photos(), language="vi")
    # The link the receipt SMS (and the PDF's QR) carried before the move: same signer, same
    # token, the old path.
    old_link = f"{settings.SITE_URL}/declarations/status/{status_token(declaration)}/"
    new_path = status_path(declaration)
    assert new_path == f"/to-khai/trang-thai/{status_token(declaration)}/"
    response = client.get(old_link, follow=True)
    assert response.redirect_chain == [(new_path, 301)]
    assert response.status_code == 200
    assert declaration.number in response.content.decode()


@pytest.mark.parametrize("token", ["forged", "%00", "%ff%fe", "a:b:c", "a" * 3000])
def test_an_old_status_link_with_a_bad_token_is_the_vietnamese_404(client, token):
    response = client.get(f"/declarations/status/{token}/", follow=True)
    assert response.status_code == 404
    assert "Liên kết không hợp lệ" in response.content.decode()


# --- the scheme itself ---------------------------------------------------------------------

# The first segment of every citizen page. A new app or page gets a Vietnamese prefix here;
# "accounts/", "declarations/" and the like are refused.
CITIZEN_PREFIXES = {
    "",  # the home page
    "tai-khoan",  # accounts: login, passwords, the citizen's own card and history
    "tra-cuu",  # registry: public look-ups
    "to-khai",  # declarations: registration, status, the citizen's declarations
    "gia-dinh",  # guardians: the family view
    "dich-vu-cong",  # the services of a logged-in citizen
    "s",  # short links (printed and sent by SMS)
}
# Technical and staff addresses that keep their English (or fixed) names.
TECHNICAL_PREFIXES = ("api/", "admin/", "dev/", "i18n/", "static/", "healthz")
# Not Vietnamese words, but what the citizen reads on the card or the page.
LOANWORDS = {"bhxh", "bhyt", "qr", "pdf", "email"}
# One Vietnamese syllable written without diacritics: onset, vowels, coda.
SYLLABLE = re.compile(
    r"(ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnprstvx])?[aeiouy]{1,3}(ch|ng|nh|[cmnpt])?"
)
SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")


def _routes(resolver: URLResolver, prefix: str = ""):
    """(route, pattern) for every leaf of the URLconf, routes joined from the root."""
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _routes(entry, route)
        else:
            yield route, entry


def _is_root_file(route: str) -> bool:
    return "/" not in route and "." in route  # favicon.ico, sw.js, manifest.webmanifest


def citizen_routes() -> list[str]:
    routes = []
    for route, pattern in _routes(get_resolver()):
        assert isinstance(pattern, URLPattern)
        if pattern.callback is legacy_urls.legacy_redirect:
            continue
        if route.startswith(TECHNICAL_PREFIXES) or _is_root_file(route):
            continue
        routes.append(route)
    return routes


def _is_vietnamese_slug(segment: str) -> bool:
    return bool(SLUG.fullmatch(segment)) and all(
        word in LOANWORDS or SYLLABLE.fullmatch(word) for word in segment.split("-")
    )


def scheme_problem(route: str) -> str | None:
    """What is wrong with a citizen page's route (Django path syntax), or None."""
    if not route.isascii():
        return "not ASCII"
    first, *rest = route.split("/")
    if first not in CITIZEN_PREFIXES:
        return f"first segment {first!r} is not one of the scheme's prefixes"
    for segment in filter(None, rest):
        if segment.startswith("<") and segment.endswith(">"):
            continue  # a parameter: uuid, signed token, step (checked below), photo kind
        if not _is_vietnamese_slug(segment):
            return f"{segment!r} is not a Vietnamese slug"
    return None


def test_every_citizen_page_is_a_vietnamese_slug_path():
    routes = citizen_routes()
    assert len(routes) > 25  # the walk found the apps' pages
    problems = {route: scheme_problem(route) for route in routes}
    assert {route: problem for route, problem in problems.items() if problem} == {}


@pytest.mark.parametrize("bad", ["accounts/login/", "declarations/status/<str:token>/",
                                 "tai-khoan/settings/", "to-khai/Dang-Ky/", "to-khai/đăng-ký/",
                                 "to-khai/dang_ky/", "Tai-khoan/"])
def test_the_scheme_check_refuses_english_and_unfolded_paths(bad):
    assert scheme_problem(bad)


def test_the_prefixes_are_vietnamese_slugs():
    for prefix in CITIZEN_PREFIXES - {"", "s"}:  # "s": a short link's letter, not a word
        assert _is_vietnamese_slug(prefix), prefix


@pytest.mark.parametrize("spec", [SELF_REGISTRATION, CHILD_REGISTRATION])
def test_the_wizards_step_slugs_are_vietnamese_too(spec):
    for slug in spec.slugs.values():
        assert _is_vietnamese_slug(slug), slug


def test_the_api_and_admin_keep_their_english_prefixes():
    assert reverse("api:root").startswith("/api/v1/")
    assert reverse("admin:index") == "/admin/"
    assert reverse("healthz") == "/healthz"
    assert reverse("set_language") == "/i18n/setlang/"
    assert reverse("dev_outbox") == "/dev/outbox/"


def test_links_in_messages_use_the_new_scheme():
    assert reverse("declarations:status", kwargs={"token": TOKEN}) == (
        f"/to-khai/trang-thai/{TOKEN}/")
    assert reverse("declarations:pdf_download", kwargs={"token": TOKEN}) == f"/to-khai/tai/{TOKEN}/"
    key = uuid.uuid4()
    assert reverse("declarations:detail", kwargs={"uuid": key}) == f"/to-khai/{key}/"
