"""The root of the REST API: lists the endpoints this installation offers."""
from django.urls import NoReverseMatch, URLPattern, URLResolver, reverse
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response


def _endpoint_names(patterns: list, namespace: str) -> list[str]:
    names = []
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}:{entry.namespace}" if entry.namespace else namespace
            names.extend(_endpoint_names(entry.url_patterns, inner))
        elif isinstance(entry, URLPattern) and entry.name and entry.name != "root":
            names.append(f"{namespace}:{entry.name}")
    return names


@extend_schema(exclude=True)
@api_view(["GET"])
@permission_classes([AllowAny])
def api_root(request: Request) -> Response:
    """Every named endpoint without URL parameters, by name, as absolute URLs."""
    from vssid_portal.api import urls

    endpoints = {}
    for name in _endpoint_names(urls.urlpatterns, urls.app_name):
        try:
            path = reverse(name)
        except NoReverseMatch:
            continue  # needs parameters (a detail endpoint)
        endpoints[name.split(":", 1)[1]] = request.build_absolute_uri(path)
    return Response(endpoints)
