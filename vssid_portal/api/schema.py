"""The OpenAPI schema's error answers, added to every operation that can give them
(SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]), so that the schema lists every status the
API answers with (tests/foundation/test_api_schemathesis.py checks it).

The API's errors share two shapes (vssid_portal.api.exceptions): `Error`, `{"detail": "…"}`,
and `ValidationError`, the messages by field name (`non_field_errors` for the request as a
whole) or a `detail` when the body could not be read at all. What applies everywhere is
decided here from the operation itself:

- 400 `ValidationError`: the operation reads a body or query parameters.
- 401 `Error`: the operation accepts a token or session (a wrong or expired token is a
  401 even where anonymous calls are allowed).
- 403 `Error`: the same, except for reads open to anonymous callers: a session POST without
  its CSRF token, or an account that must first replace its temporary password (`code`
  "password_change_required").
- 404 `Error`: the URL holds an id (unknown, or not the caller's: no hint which), or the
  list is paginated (a page past the end).
- 413 `ValidationError`: the operation reads multipart bodies (registry.uploads: a body
  or a file over the upload limits; the message is on the file's field, or a `detail`).
- 414, no body promised: the operation takes query parameters, so its URL can be made
  longer than the HTTP server in front of the portal accepts (gunicorn: 4 KB request
  lines); that server answers, in its own words.
- 415 `Error`: the operation reads a body (a body in another media type).
- 429 `Error` with `Retry-After`: every operation (every view has the per-address limits).

A view declares the other error answers it gives with a description only (e.g.
`404: OpenApiResponse(description="…")`); the body shape is filled in here."""

ERROR = "Error"
VALIDATION_ERROR = "ValidationError"

_ERROR_SCHEMA = {
    "type": "object",
    "description": "An error, in the client's language (Accept-Language).",
    "properties": {
        "detail": {"type": "string"},
        "code": {
            "type": "string",
            "description": 'Set on some errors, e.g. "password_change_required" (403).',
        },
        "password_change_endpoint": {
            "type": "string",
            "description": "With code password_change_required: where to set a new "
                           "password.",
        },
    },
    "required": ["detail"],
}
_VALIDATION_ERROR_SCHEMA = {
    "type": "object",
    "description": "Messages by field name (non_field_errors: the request as a whole), in "
                   "the client's language; or a detail when the body could not be read.",
    "additionalProperties": {
        "anyOf": [
            {"type": "array", "items": {"type": "string"}},
            {"type": "string"},
        ],
    },
    "example": {"full_name": ["Nhập họ và tên."]},
}

_DESCRIPTIONS = {
    "400": "Invalid input: the messages by field.",
    "401": "Missing, wrong or expired credentials (token or session).",
    "403": "Refused: a session request without its CSRF token, or an account that must first "
           "replace its temporary password (code password_change_required).",
    "404": "Not found, or not yours (no hint which).",
    "413": "The upload is too large: the message is on the file's field, or a detail for "
           "the body as a whole.",
    "414": "The URL is too long for the HTTP server in front of the portal, which answers "
           "(not JSON).",
    "415": "The body is in a media type this operation does not read.",
    "429": "Too many requests: try again after Retry-After seconds.",
}
_RETRY_AFTER = {
    "Retry-After": {
        "schema": {"type": "integer", "minimum": 0},
        "description": "Seconds to wait before trying again (when known).",
    }
}
_HTTP_METHODS = {"get", "put", "post", "patch", "delete", "head", "options", "trace"}


def _body(code: str) -> dict:
    name = VALIDATION_ERROR if code in ("400", "413") else ERROR
    return {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}}


def _codes_for(operation: dict, method: str) -> set[str]:
    parameters = operation.get("parameters", [])
    takes_body = "requestBody" in operation
    security = operation.get("security", [])
    authenticates = any(requirement for requirement in security)
    anonymous = any(not requirement for requirement in security)
    codes = {"429"}
    if takes_body:
        codes |= {"400", "415"}
        if "multipart/form-data" in operation["requestBody"].get("content", {}):
            codes.add("413")
    if any(parameter.get("in") == "query" for parameter in parameters):
        codes |= {"400", "414"}
    if authenticates:
        codes.add("401")
        if method != "get" or not anonymous:
            codes.add("403")
    if any(parameter.get("in") == "path" for parameter in parameters) or any(
            parameter.get("in") == "query" and parameter.get("name") == "page"
            for parameter in parameters):
        codes.add("404")
    return codes


def add_error_responses(result: dict, generator, request, public) -> dict:
    """Postprocessing hook: the error answers of every operation, and their shapes."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault(ERROR, _ERROR_SCHEMA)
    schemas.setdefault(VALIDATION_ERROR, _VALIDATION_ERROR_SCHEMA)
    result["components"]["schemas"] = dict(sorted(schemas.items()))
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in _HTTP_METHODS:
                continue
            responses = operation.setdefault("responses", {})
            for code in _codes_for(operation, method):
                responses.setdefault(code, {"description": _DESCRIPTIONS[code]})
            for code, response in responses.items():
                if code.startswith("4") and code != "414" and "content" not in response:
                    response["content"] = _body(code)
                    if not response.get("description"):
                        response["description"] = _DESCRIPTIONS.get(code, "")
            if "429" in responses:
                responses["429"].setdefault("headers", _RETRY_AFTER)
            operation["responses"] = dict(sorted(responses.items()))
    return result
