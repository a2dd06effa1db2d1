import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def test_api_root_lists_endpoints_to_anonymous_clients():
    response = APIClient().get("/api/v1/")
    assert response.status_code == 200
    body = response.json()
    assert body["auth-token"] == "http://testserver/api/v1/auth/token/"
    assert body["schema"] == "http://testserver/api/v1/schema/"
    assert body["docs"] == "http://testserver/api/v1/docs/"
    assert "root" not in body


@pytest.mark.parametrize(
    ("language", "message"),
    [("vi", "Token không hợp lệ."), ("en", "Invalid token.")],
)
def test_api_errors_are_in_drf_shape_and_translated(language, message):
    response = APIClient().get(
        "/api/v1/", HTTP_AUTHORIZATION="Token nope", HTTP_ACCEPT_LANGUAGE=language
    )
    assert response.status_code == 401
    assert response.json() == {"detail": message}


@pytest.mark.parametrize(
    ("language", "message"),
    [("vi", "Trường này là bắt buộc."), ("en", "This field is required.")],
)
def test_drf_field_messages_are_translated(language, message):
    from django.utils import translation
    from rest_framework import serializers

    with translation.override(language):
        serializer = serializers.Serializer(data={})
        serializer.fields["x"] = serializers.CharField()
        serializer.is_valid()
        assert serializer.errors == {"x": [message]}


def test_method_not_allowed_in_vietnamese():
    response = APIClient().get("/api/v1/auth/token/", HTTP_ACCEPT_LANGUAGE="vi")
    assert response.json() == {"detail": "Phương thức “GET” không được chấp nhận."}


def test_openapi_schema_and_docs_are_served():
    client = APIClient()
    schema = client.get("/api/v1/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/auth/token/" in schema.content
    docs = client.get("/api/v1/docs/")
    assert docs.status_code == 200


def test_openapi_schema_is_valid_and_generates_without_warnings(tmp_path):
    from django.core.management import call_command

    target = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    assert "/api/v1/auth/token/" in target.read_text(encoding="utf-8")
