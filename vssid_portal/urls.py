from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from vssid_portal import views

urlpatterns = [
    path("", views.home, name="home"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("vssid_portal.api.urls")),
]

if settings.DEBUG:
    pass
