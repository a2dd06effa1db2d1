"""The declarations' pages (namespace "declarations", mounted at /to-khai/): registration
(the citizen's own and a child's), the status of a declaration, the citizen's declarations.
Step slugs come from each wizard's spec (`WizardSpec.slugs`) through its path converter."""
from django.urls import path, register_converter

from declarations import (
    views_child_registration,
    views_declarations,
    views_registration,
    views_scan,
    views_status,
)
from declarations.views_draft import SELF_REGISTRATION

app_name = "declarations"

register_converter(SELF_REGISTRATION.step_converter(), "registration_step")
register_converter(views_child_registration.SPEC.step_converter(), "child_registration_step")

urlpatterns = [
    # The citizen's declarations (their own and their children's).
    path("", views_declarations.declaration_list, name="list"),
    # Self-registration (Mẫu 01/ĐK-GD).
    path("dang-ky/", views_registration.register, name="register"),
    path("dang-ky/quet-qr/", views_scan.register_scan, name="register_scan"),
    path("dang-ky/da-gui/", views_registration.register_sent, name="register_sent"),
    path("dang-ky/anh/<str:kind>/", views_registration.register_photo, name="register_photo"),
    path(
        "dang-ky/<registration_step:step>/",
        views_registration.register_step,
        name="register_step",
    ),
    # A guardian registers an account for a child.
    path("dang-ky-cho-con/", views_child_registration.child_register, name="child_register"),
    path("dang-ky-cho-con/quet-qr/", views_child_registration.child_scan, name="child_scan"),
    path("dang-ky-cho-con/da-gui/", views_child_registration.child_sent, name="child_sent"),
    path("dang-ky-cho-con/anh/<str:kind>/", views_child_registration.child_photo,
         name="child_photo"),
    path("dang-ky-cho-con/<child_registration_step:step>/", views_child_registration.child_step,
         name="child_step"),
    # A declaration's status without an account: by number + BHXH code, or the signed link.
    path("tra-cuu-trang-thai/", views_status.status_lookup, name="status_lookup"),
    path("trang-thai/<str:token>/", views_status.status, name="status"),
    path("tai/<str:token>/", views_declarations.pdf_download, name="pdf_download"),
    path("<uuid:uuid>/", views_declarations.declaration_detail, name="detail"),
    path("<uuid:uuid>/pdf/", views_declarations.declaration_pdf, name="pdf"),
    path("<uuid:uuid>/anh/<str:kind>/", views_declarations.declaration_photo, name="photo"),
    path("<uuid:uuid>/gui-email/", views_declarations.declaration_share, name="share"),
]
