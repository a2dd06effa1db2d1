from django.contrib import admin
from django.urls import include, path

from vssid_portal import health, outbox, views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    # The dev outbox answers 404 unless settings.DEBUG is on.
    path("dev/outbox/", outbox.outbox, name="dev_outbox"),
    path(
        "dev/outbox/email/<str:file_name>/<int:index>/<int:number>/",
        outbox.attachment,
        name="dev_outbox_attachment",
    ),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("dich-vu-cong/", views.public_services, name="public_services"),
    path("accounts/", include("accounts.urls")),
    path("tra-cuu/", include("registry.urls")),
    path("gia-dinh/", include("guardians.urls")),
    path("", include("declarations.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("vssid_portal.api.urls")),
]

handler400 = "vssid_portal.views.bad_request"
handler404 = "vssid_portal.views.page_not_found"
handler500 = "vssid_portal.views.server_error"
