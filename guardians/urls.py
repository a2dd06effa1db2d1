"""The family view (namespace "guardians", mounted at /gia-dinh/)."""
from django.urls import path

from guardians import views

app_name = "guardians"

urlpatterns = [
    path("", views.family, name="family"),
    path("<uuid:link>/the-bhyt/", views.child_card, name="child_card"),
    path("<uuid:link>/qua-trinh-tham-gia/", views.child_participation,
         name="child_participation"),
]
