"""The one exception handler of the API: every error as JSON in the client's language.

On top of DRF's handler: Django's ValidationError (raised by services) becomes a 400 with
the errors by field; a refused rate limit says how long to wait in the client's language
(DRF formats "Expected available in N seconds" before looking it up, so it is never
translated); DRF's "CSRF Failed: …" (never translated) gets a message the citizen can act
on."""
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext, ngettext
from rest_framework import exceptions
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler


def _throttled(exc: exceptions.Throttled) -> exceptions.Throttled:
    wait = exc.wait
    if wait is None:
        detail = gettext("Bạn đã gửi quá nhiều yêu cầu. Vui lòng thử lại sau.")
    else:
        seconds = max(int(-(-wait // 1)), 1)
        detail = ngettext(
            "Bạn đã gửi quá nhiều yêu cầu. Vui lòng thử lại sau %(seconds)d giây.",
            "Bạn đã gửi quá nhiều yêu cầu. Vui lòng thử lại sau %(seconds)d giây.",
            seconds,
        ) % {"seconds": seconds}
    translated = exceptions.Throttled(detail=detail)
    translated.wait = wait  # DRF's handler turns it into Retry-After
    return translated


# DRF messages raised as plain strings (never looked up in a catalogue).
_UNTRANSLATED = {
    "No data provided": lambda: gettext(
        "Nội dung yêu cầu phải là một đối tượng JSON hoặc các trường biểu mẫu."),
}


def _translated(detail):
    if isinstance(detail, dict):
        return {key: _translated(value) for key, value in detail.items()}
    if isinstance(detail, list):
        return [_translated(item) for item in detail]
    message = _UNTRANSLATED.get(str(detail))
    if message is not None:
        return exceptions.ErrorDetail(message(), code=getattr(detail, "code", None))
    return detail


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(detail=as_serializer_error(exc))
    elif isinstance(exc, exceptions.Throttled):
        exc = _throttled(exc)
    elif isinstance(exc, exceptions.PermissionDenied) and str(exc.detail).startswith(
            "CSRF Failed"):
        exc = exceptions.PermissionDenied(gettext(
            "Yêu cầu bị từ chối vì thiếu hoặc sai mã bảo vệ CSRF. Hãy tải lại trang rồi thử "
            "lại, hoặc dùng mã truy cập API (Authorization: Token …)."
        ))
    if isinstance(exc, exceptions.ValidationError):
        exc.detail = _translated(exc.detail)
    return drf_exception_handler(exc, context)
