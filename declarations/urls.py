from django.urls import path

from declarations import views_registration, views_scan, views_status

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
]
