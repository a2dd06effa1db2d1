"""API routes of the family view, included by vssid_portal/api/urls.py."""
from django.urls import path

from guardians import api

urlpatterns = [
    path("children/", api.ChildListView.as_view(), name="guardians-children"),
    path("children/<uuid:link>/card/", api.ChildCardView.as_view(),
         name="guardians-child-card"),
    path("children/<uuid:link>/participation/", api.ChildParticipationView.as_view(),
         name="guardians-child-participation"),
]
