"""API routes of the registry look-ups, included by vssid_portal/api/urls.py."""
from django.urls import path

from registry import api

urlpatterns = [
    path("lookup/bhxh-code/", api.BhxhCodeLookupView.as_view(), name="registry-lookup-bhxh-code"),
    path("offices/", api.OfficeListView.as_view(), name="registry-offices"),
    path("facilities/", api.HealthFacilityListView.as_view(), name="registry-facilities"),
    path("me/card/", api.MyCardView.as_view(), name="registry-my-card"),
    path("me/participation/", api.MyParticipationView.as_view(),
         name="registry-my-participation"),
]
