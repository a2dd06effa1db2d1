"""Short links of the SMS, mounted at /s/ (vssid_portal.urls): no trailing slash, every
character counts in a 160-character SMS."""
from django.urls import path

from declarations import views_short

app_name = "short_links"

urlpatterns = [
    path("<str:token>", views_short.short_link_open, name="open"),
]
