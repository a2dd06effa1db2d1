"""The REST API, version 1. Each app adds its routes here."""
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts.api import (
    InitialPasswordView,
    ObtainTokenView,
    PasswordChangeConfirmView,
    PasswordChangeView,
    PasswordResetConfirmView,
    PasswordResetView,
)
from accounts.api_scan import ScanView
from declarations.api import (
    ChildRegistrationCreateView,
    DeclarationDetailView,
    DeclarationListView,
    DeclarationPdfView,
    DeclarationShareView,
    RegistrationCreateView,
)
from vssid_portal.api.views import api_root

app_name = "api"

urlpatterns = [
    path("", api_root, name="root"),
    path("auth/token/", ObtainTokenView.as_view(), name="auth-token"),
    path(
        "account/password/initial/", InitialPasswordView.as_view(),
        name="account-password-initial",
    ),
    path("account/password/", PasswordChangeView.as_view(), name="account-password"),
    path("account/password/confirm/", PasswordChangeConfirmView.as_view(),
         name="account-password-confirm"),
    path("password-reset/", PasswordResetView.as_view(), name="password-reset"),
    path("password-reset/confirm/", PasswordResetConfirmView.as_view(),
         name="password-reset-confirm"),
    path("scan/", ScanView.as_view(), name="scan"),
    path("registrations/", RegistrationCreateView.as_view(), name="registrations"),
    path("children/registrations/", ChildRegistrationCreateView.as_view(),
         name="child-registrations"),
    path("children/<uuid:child>/declarations/", DeclarationListView.as_view(),
         name="child-declarations"),
    path("declarations/", DeclarationListView.as_view(), name="declarations"),
    path("declarations/<uuid:uuid>/", DeclarationDetailView.as_view(), name="declaration"),
    path("declarations/<uuid:uuid>/pdf/", DeclarationPdfView.as_view(),
         name="declaration-pdf"),
    path("declarations/<uuid:uuid>/share/", DeclarationShareView.as_view(),
         name="declaration-share"),
    path("", include("guardians.api_urls")),
    path("", include("registry.api_urls")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
]
