from django.urls import path

from declarations import (
    views_child_registration,
    views_declarations,
    views_registration,
    views_scan,
    views_status,
)

app_name = "declarations"

urlpatterns = [
    path("declarations/register/", views_registration.register, name="register"),
    path("declarations/register/scan/", views_scan.register_scan, name="register_scan"),
    path("declarations/register/sent/", views_registration.register_sent, name="register_sent"),
    path(
        "declarations/register/photo/<str:kind>/",
        views_registration.register_photo,
        name="register_photo",
    ),
    path(
        "declarations/register/<str:step>/",
        views_registration.register_step,
        name="register_step",
    ),
    path("declarations/status/", views_status.status_lookup, name="status_lookup"),
    path("declarations/status/<str:token>/", views_status.status, name="status"),
    # A guardian registers an account for a child.
    path("dang-ky-cho-con/", views_child_registration.child_register, name="child_register"),
    path("dang-ky-cho-con/quet-qr/", views_child_registration.child_scan, name="child_scan"),
    path("dang-ky-cho-con/da-gui/", views_child_registration.child_sent, name="child_sent"),
    path("dang-ky-cho-con/anh/<str:kind>/", views_child_registration.child_photo,
         name="child_photo"),
    path("dang-ky-cho-con/<str:step>/", views_child_registration.child_step, name="child_step"),
    # The citizen's declarations (their own and their children's).
    path("to-khai/", views_declarations.declaration_list, name="list"),
    path("to-khai/tai/<str:token>/", views_declarations.pdf_download, name="pdf_download"),
    path("to-khai/<uuid:uuid>/", views_declarations.declaration_detail, name="detail"),
    path("to-khai/<uuid:uuid>/pdf/", views_declarations.declaration_pdf, name="pdf"),
    path("to-khai/<uuid:uuid>/anh/<str:kind>/", views_declarations.declaration_photo,
         name="photo"),
    path("to-khai/<uuid:uuid>/gui-email/", views_declarations.declaration_share, name="share"),
]
