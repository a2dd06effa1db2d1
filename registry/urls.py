"""Web pages of the registry look-ups (namespace "registry", mounted at /tra-cuu/)."""
from django.urls import path

from registry import views

app_name = "registry"

urlpatterns = [
    path("ma-so-bhxh/", views.lookup_bhxh_code, name="lookup_bhxh_code"),
    path("co-quan-bhxh/", views.offices, name="offices"),
    path("co-so-kham-chua-benh/", views.facilities, name="facilities"),
    path("the-bhyt/", views.my_card, name="my_card"),
    path("qua-trinh-tham-gia/", views.my_participation, name="my_participation"),
]
