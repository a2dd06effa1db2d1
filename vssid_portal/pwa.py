"""The portal installable like an app: the web app manifest, the service worker and
/favicon.ico.

The service worker keeps the portal's own static files (CSS, JS, icons) in one cache and
answers them from it. Nothing else ever enters that cache: pages, the API, PDFs and photos
(anything that may hold personal data) go to the network as if there were no worker; a
shared phone keeps no one's card or declaration in Cache Storage. The cache's name carries a
digest of the files it holds, so a deploy that changes one changes the worker's bytes: the
browser installs the new worker, which drops the old cache.
"""
import hashlib
import json
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.contrib.staticfiles.finders import FileSystemFinder
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.files.storage import Storage
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.cache import get_conditional_response
from django.views.decorators.http import require_safe

NAME = "VssID - Bảo hiểm xã hội số"
SHORT_NAME = "VssID"
THEME_COLOUR = "#0b5cab"  # --blue in static/css/portal.css: the header
BACKGROUND_COLOUR = "#f5f7fa"  # --bg in static/css/portal.css: the page
# The portal's own static files the worker keeps: what its pages load (a few tens of kB).
# Not fonts/ (2 MB of DejaVu for the PDFs, which the pages never load), nor vendor/ (the QR
# reader's WebAssembly, only for the scanning steps), nor other apps' static files (the
# admin's, the API docs').
PRECACHED_DIRECTORIES = ("css/", "js/", "icons/")
CACHE_PREFIX = "vssid-static-"
FAVICON = "icons/favicon.ico"
# /favicon.ico has no version in its name: a week in caches, then asked again.
FAVICON_MAX_AGE = 7 * 24 * 60 * 60


@dataclass(frozen=True)
class Precache:
    cache_name: str
    urls: list[str]


def _project_files() -> list[tuple[str, Storage]]:
    """The files of STATICFILES_DIRS the worker keeps, by static name, sorted."""
    files = {}
    for name, storage in FileSystemFinder().list(ignore_patterns=["CVS", ".*", "*~"]):
        name = name.replace("\\", "/")
        if name.startswith(PRECACHED_DIRECTORIES):
            files.setdefault(name, storage)
    return sorted(files.items())


def _precache() -> Precache:
    digest = hashlib.sha256()
    urls = []
    for name, storage in _project_files():
        # The URL pages use: hashed by the manifest storage in production
        # (css/portal.8fbb710fdf9c.css), plain under the dev and test storage.
        url = staticfiles_storage.url(name)
        with storage.open(name) as file:
            content = hashlib.sha256(file.read()).hexdigest()
        digest.update(f"{url}\0{content}\n".encode())
        urls.append(url)
    return Precache(cache_name=CACHE_PREFIX + digest.hexdigest()[:16], urls=urls)


def _render_worker() -> str:
    config = _precache()
    return render_to_string(
        "pwa/service_worker.js",
        {"config": json.dumps({"cacheName": config.cache_name,
                               "staticUrl": settings.STATIC_URL, "precache": config.urls})},
    )


@lru_cache(maxsize=1)
def _worker_once() -> str:
    return _render_worker()


def worker_script() -> str:
    """The worker's code and what it keeps. Computed once per process (browsers ask for it
    on every page view); with DEBUG on, on every request, so an edited file reaches the
    browser."""
    return _render_worker() if settings.DEBUG else _worker_once()


def _revalidated(request: HttpRequest, body: str, content_type: str) -> HttpResponse:
    """`no-cache` with an ETag: the browser asks every time and, most times, gets a 304 of
    a few bytes rather than the whole file (on 3G, on every page view for the worker)."""
    etag = '"' + hashlib.sha256(body.encode()).hexdigest()[:20] + '"'
    response = HttpResponse(body, content_type=content_type)
    response["ETag"] = etag
    response["Cache-Control"] = "no-cache"
    return get_conditional_response(request, etag=etag, response=response)


@require_safe
def service_worker(request: HttpRequest) -> HttpResponse:
    """/sw.js: at the site root, so its scope is the whole portal. The browser compares
    its bytes on each visit to find a new version: it must never come from a cache
    unchecked."""
    return _revalidated(request, worker_script(), "text/javascript; charset=utf-8")


@require_safe
def manifest(request: HttpRequest) -> HttpResponse:
    home = reverse("home")
    body = {
        "name": NAME,
        "short_name": SHORT_NAME,
        "lang": "vi",
        "dir": "ltr",
        "id": home,
        "start_url": home,
        "scope": home,
        "display": "standalone",
        "theme_color": THEME_COLOUR,
        "background_color": BACKGROUND_COLOUR,
        "icons": [
            {"src": static("icons/icon-192.png"), "sizes": "192x192", "type": "image/png",
             "purpose": "any"},
            {"src": static("icons/icon-512.png"), "sizes": "512x512", "type": "image/png",
             "purpose": "any"},
            {"src": static("icons/icon-maskable-512.png"), "sizes": "512x512",
             "type": "image/png", "purpose": "maskable"},
        ],
    }
    # Revalidated too: its icon URLs change with a deploy.
    return _revalidated(request, json.dumps(body, ensure_ascii=False, indent=1),
                        "application/manifest+json")


@lru_cache(maxsize=1)
def _favicon_bytes() -> bytes:
    for name, storage in _project_files():
        if name == FAVICON:
            with storage.open(name) as file:
                return file.read()
    raise FileNotFoundError(FAVICON)


@require_safe
def favicon(request: HttpRequest) -> HttpResponse:
    """/favicon.ico, which browsers and bots ask for whatever the page says: the icon itself
    (no redirect: one round trip less on 3G)."""
    response = HttpResponse(_favicon_bytes(), content_type="image/vnd.microsoft.icon")
    response["Cache-Control"] = f"public, max-age={FAVICON_MAX_AGE}"
    return response
