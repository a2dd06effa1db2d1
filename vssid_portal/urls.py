"""Citizen pages are Vietnamese slugs, one prefix per app (README: "URL scheme"): /tai-khoan/
accounts, /tra-cuu/ public look-ups, /to-khai/ declarations, /gia-dinh/ the family view;
/api/v1/, /admin/ and the technical paths stay English."""
from django.contrib import admin
from django.urls import include, path

from vssid_portal import health, outbox, pwa, views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    # Installable like an app (vssid_portal/pwa.py). The worker must stay at the root: its
    # scope is its own directory.
    path("sw.js", pwa.service_worker, name="service_worker"),
    path("manifest.webmanifest", pwa.manifest, name="pwa_manifest"),
    path("favicon.ico", pwa.favicon, name="favicon"),
    # The dev outbox answers 404 unless settings.DEBUG is on.
    path("dev/outbox/", outbox.outbox, name="dev_outbox"),
    path(
        "dev/outbox/email/<str:file_name>/<int:index>/<int:number>/",
        outbox.attachment,
        name="dev_outbox_attachment",
    ),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("dich-vu-cong/", views.public_services, name="public_services"),
    path("tai-khoan/", include("accounts.urls")),
    path("tra-cuu/", include("registry.urls")),
    path("gia-dinh/", include("guardians.urls")),
    path("to-khai/", include("declarations.urls")),
    path("s/", include("declarations.urls_short")),  # SMS short links: one segment each
    path("admin/", admin.site.urls),
    path("api/v1/", include("vssid_portal.api.urls")),
    # Old addresses: permanent redirects to the pages above (after them, never hiding one).
    path("", include("vssid_portal.legacy_urls")),
]

handler400 = "vssid_portal.views.bad_request"
handler404 = "vssid_portal.views.page_not_found"
handler500 = "vssid_portal.views.server_error"
