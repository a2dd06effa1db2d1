"""The portal installable like an app (vssid_portal/pwa.py): the web app manifest, the
service worker's headers, scope and precache list (static files only, hashed in
production), the links in every page, and /favicon.ico. The worker at work in Chromium:
tests/e2e/test_pwa.py."""
import io
import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.urls import Resolver404, resolve, reverse
from PIL import Image

from tests.accounts.factories import UserFactory
from vssid_portal import pwa

pytestmark = pytest.mark.django_db
PORTAL_CSS = Path(settings.BASE_DIR) / "static" / "css" / "portal.css"


@pytest.fixture(autouse=True)
def _fresh_precache():
    """The worker is computed once per process: each test computes its own."""
    pwa._worker_once.cache_clear()
    yield
    pwa._worker_once.cache_clear()


def worker_config(client) -> dict:
    script = client.get(reverse("service_worker")).content.decode()
    match = re.search(r"^var CONFIG = (\{.*\});$", script, re.MULTILINE)
    assert match, "the worker's configuration line"
    return json.loads(match.group(1))


def _css_colour(variable: str) -> str:
    match = re.search(rf"--{variable}:\s*(#[0-9a-fA-F]{{6}})", PORTAL_CSS.read_text())
    assert match, variable
    return match.group(1).lower()


def _static_file(url: str) -> Path:
    assert url.startswith(settings.STATIC_URL), url
    found = finders.find(url[len(settings.STATIC_URL):])
    assert found, f"{url} is not a static file"
    return Path(found)


def test_manifest(client):
    response = client.get(reverse("pwa_manifest"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    assert response["Cache-Control"] == "no-cache"
    manifest = json.loads(response.content.decode("utf-8"))
    assert manifest["name"] == "VssID - Bảo hiểm xã hội số"
    assert manifest["short_name"] == "VssID"
    assert manifest["lang"] == "vi"
    assert manifest["start_url"] == reverse("home") == "/"
    assert manifest["scope"] == "/"
    assert manifest["display"] == "standalone"
    # The header's blue and the page's background, as static/css/portal.css has them.
    assert manifest["theme_color"] == _css_colour("blue") == pwa.THEME_COLOUR
    assert manifest["background_color"] == _css_colour("bg") == pwa.BACKGROUND_COLOUR


def test_manifest_icons_are_real_pngs_of_the_sizes_they_claim(client):
    icons = client.get(reverse("pwa_manifest")).json()["icons"]
    by_purpose = {(icon["purpose"], icon["sizes"]) for icon in icons}
    assert {("any", "192x192"), ("any", "512x512"), ("maskable", "512x512")} <= by_purpose
    for icon in icons:
        with Image.open(_static_file(icon["src"])) as image:
            assert image.format == "PNG"
            assert "x".join(map(str, image.size)) == icon["sizes"]
            if icon["purpose"] == "maskable":
                # Full bleed: no transparent corner for the launcher's mask to show.
                assert image.convert("RGBA").getpixel((0, 0))[3] == 255


def test_every_page_links_manifest_theme_colour_icons_and_the_worker(client):
    for user in (None, UserFactory()):
        if user:
            client.force_login(user)
        html = client.get(reverse("home")).content.decode()
        assert f'<link rel="manifest" href="{reverse("pwa_manifest")}">' in html
        assert f'<meta name="theme-color" content="{pwa.THEME_COLOUR}">' in html
        touch = re.search(r'<link rel="apple-touch-icon" href="([^"]+)">', html)
        with Image.open(_static_file(touch.group(1))) as image:
            assert image.size == (180, 180)
        assert re.search(
            rf'<script src="{settings.STATIC_URL}js/portal.js" '
            rf'data-service-worker="{reverse("service_worker")}" defer>', html
        )


def test_service_worker_headers_and_scope(client):
    url = reverse("service_worker")
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert response["Cache-Control"] == "no-cache"
    # A worker's scope is at most its own directory: it must sit at the site root.
    assert url.rsplit("/", 1)[0] + "/" == reverse("home") == "/"
    # It runs under the portal's policy: script-src 'self' covers the worker (no
    # worker-src needed), connect-src 'self' its fetches.
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "connect-src 'self'" in policy
    assert "worker-src" not in policy or "worker-src 'self'" in policy
    assert client.head(url).status_code == 200
    assert client.post(url).status_code == 405


@pytest.mark.parametrize("name", ["service_worker", "pwa_manifest"])
def test_unchanged_worker_and_manifest_are_a_304(client, name):
    """Asked on every page view: most answers are a few bytes."""
    first = client.get(reverse(name))
    assert first["ETag"]
    again = client.get(reverse(name), HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b""
    assert again["Cache-Control"] == "no-cache"
    assert client.get(reverse(name), HTTP_IF_NONE_MATCH='"other"').status_code == 200


def test_precache_holds_only_the_portals_static_files(client):
    config = worker_config(client)
    assert config["staticUrl"] == settings.STATIC_URL
    assert re.fullmatch(r"vssid-static-[0-9a-f]{16}", config["cacheName"])
    urls = config["precache"]
    assert f"{settings.STATIC_URL}css/portal.css" in urls
    assert f"{settings.STATIC_URL}js/portal.js" in urls
    assert f"{settings.STATIC_URL}icons/icon-192.png" in urls
    total = 0
    for url in urls:
        assert "?" not in url and "#" not in url
        name = url[len(settings.STATIC_URL):]
        assert name.split("/", 1)[0] in {"css", "js", "icons"}, url  # no fonts, no vendor
        total += _static_file(url).stat().st_size
        with pytest.raises(Resolver404):  # no view answers under STATIC_URL
            resolve(url)
    # What a phone downloads once, after its first visit: small (the fonts alone are 2 MB).
    assert total < 200_000


def test_no_page_api_pdf_or_photo_url_is_under_the_static_prefix():
    """The worker answers only URLs under STATIC_URL that are in its list: the URLs that
    carry personal data are elsewhere."""
    uuid = "00000000-0000-0000-0000-000000000000"
    for url in [
        reverse("home"),
        reverse("accounts:login"),
        reverse("declarations:list"),
        reverse("declarations:detail", kwargs={"uuid": uuid}),
        reverse("declarations:pdf", kwargs={"uuid": uuid}),
        reverse("declarations:photo", kwargs={"uuid": uuid, "kind": "portrait"}),
        reverse("guardians:family"),
        reverse("api:root"),
        reverse("api:declaration-pdf", kwargs={"uuid": uuid}),
        reverse("service_worker"),
        reverse("pwa_manifest"),
    ]:
        assert not url.startswith(settings.STATIC_URL), url


def test_worker_code_answers_only_from_its_list():
    """The fetch handler's guard, read from the worker itself (exercised for real in
    tests/e2e/test_pwa.py): a navigation or a URL outside the list is left alone."""
    source = (Path(settings.BASE_DIR) / "templates" / "pwa" / "service_worker.js").read_text()
    guard = re.search(r"function isStaticAsset\(request\) \{(.*?)\n\}", source, re.S).group(1)
    assert 'request.method !== "GET" || request.mode === "navigate"' in guard
    assert "url.indexOf(STATIC_PREFIX) === 0 && PRECACHED.has(url)" in guard
    handler = source[source.index('addEventListener("fetch"'):]
    assert handler.index("if (!isStaticAsset(event.request))") < handler.index("respondWith")
    # Nothing is stored outside the fetch of a listed file and the install.
    assert source.count("cache.put(") == 1 and source.count("cache.addAll(") == 1


def test_cache_name_changes_when_a_file_changes(client, settings, tmp_path):
    settings.DEBUG = True  # computed on each request
    (tmp_path / "css").mkdir()
    css = tmp_path / "css" / "portal.css"
    css.write_text("body { color: black; }")
    settings.STATICFILES_DIRS = [tmp_path]
    first = worker_config(client)
    assert first["precache"] == [f"{settings.STATIC_URL}css/portal.css"]
    css.write_text("body { color: navy; }")
    second = worker_config(client)
    assert second["cacheName"] != first["cacheName"]
    assert worker_config(client)["cacheName"] == second["cacheName"]


def test_production_storage_precaches_the_hashed_urls(client, settings, tmp_path):
    """Production keeps static files with ManifestStaticFilesStorage (whitenoise's
    compressing subclass): the worker lists the hashed names the pages use."""
    from vssid_portal.settings import base

    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage",
                        "OPTIONS": base.STATIC_FILE_PERMISSIONS},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    # Public files, readable by a front server of another user (uploads are 0600).
    for path in (settings.STATIC_ROOT / "css").iterdir():
        assert path.stat().st_mode & 0o777 == 0o644, path
    config = worker_config(client)
    html = client.get(reverse("home")).content.decode()
    hashed = re.compile(r"\.[0-9a-f]{12}\.(css|js|png|svg|ico)$")
    assert config["precache"]
    for url in config["precache"]:
        assert hashed.search(url), url
        assert (settings.STATIC_ROOT / url[len(settings.STATIC_URL):]).is_file(), url
    css = re.search(r'<link rel="stylesheet" href="([^"]+)">', html).group(1)
    script = re.search(r'<script src="([^"]+/portal\.[0-9a-f]{12}\.js)"', html).group(1)
    assert {css, script} <= set(config["precache"])
    for icon in client.get(reverse("pwa_manifest")).json()["icons"]:
        assert hashed.search(icon["src"]), icon


def test_worker_manifest_and_favicon_open_to_an_account_with_a_temporary_password(client):
    client.force_login(UserFactory(must_change_password=True))
    assert client.get(reverse("home")).status_code == 302  # pages lead to the password page
    for name in ("service_worker", "pwa_manifest", "favicon"):
        assert client.get(reverse(name)).status_code == 200, name


def test_favicon(client):
    url = reverse("favicon")
    assert url == "/favicon.ico"
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/vnd.microsoft.icon"
    max_age = int(re.search(r"max-age=(\d+)", response["Cache-Control"]).group(1))
    assert max_age >= 24 * 60 * 60 and "public" in response["Cache-Control"]
    with Image.open(io.BytesIO(response.content)) as icon:
        assert icon.format == "ICO"
        assert {(16, 16), (32, 32), (48, 48)} <= set(icon.ico.sizes())
    assert client.head(url).status_code == 200
