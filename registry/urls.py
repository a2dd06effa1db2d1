"""Web pages of the public registry look-ups (namespace "registry", mounted at /tra-cuu/).
The citizen's own card and history are account pages (accounts.urls, /tai-khoan/)."""
from django.urls import path

from registry import views

app_name = "registry"

urlpatterns = [
    path("ma-so-bhxh/", views.lookup_bhxh_code, name="lookup_bhxh_code"),
    path("co-quan-bhxh/", views.offices, name="offices"),
    path("co-so-kham-chua-benh/", views.facilities, name="facilities"),
]
