"""The API answers JSON only, to a browser too: DRF's browsable API is not offered (its
page carries an inline <style> the portal's CSP refuses, and HTML forms into every
endpoint; README, "API"). In Chromium: tests/e2e/test_api_in_browser.py."""
import pytest
from django.urls import reverse
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.settings import api_settings

pytestmark = pytest.mark.django_db

BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def test_only_json_is_rendered():
    assert api_settings.DEFAULT_RENDERER_CLASSES == [JSONRenderer]
    assert BrowsableAPIRenderer not in api_settings.DEFAULT_RENDERER_CLASSES


@pytest.mark.parametrize("name", ["api:root", "api:registry-offices", "api:declarations"])
def test_a_browser_gets_json(client, name):
    response = client.get(reverse(name), HTTP_ACCEPT=BROWSER_ACCEPT)
    assert response.status_code in (200, 401)  # the declarations need a login
    assert response["Content-Type"] == "application/json"
    assert not response.content.lstrip().startswith(b"<")


def test_the_browsable_format_is_not_found(client):
    response = client.get(reverse("api:root"), {"format": "api"})
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


def test_html_only_is_refused_in_json(client):
    response = client.get(reverse("api:root"), HTTP_ACCEPT="text/html")
    assert response.status_code == 406
    assert response["Content-Type"] == "application/json"
