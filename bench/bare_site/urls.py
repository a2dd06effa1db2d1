from django.shortcuts import render
from django.urls import path


def page(request):
    return render(request, "bare.html", {"title": "VssID", "items": range(5)})


urlpatterns = [path("", page)]
