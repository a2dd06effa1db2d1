"""The API's request parsers: Vietnamese (or the client's language) for what DRF and
Django report in English, and no 500 from any body. The API's default parsers
(REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"]); kept apart from the views, which DRF imports
while reading that setting."""
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.utils.translation import gettext_lazy as _
from rest_framework import parsers
from rest_framework.exceptions import APIException, ParseError

from registry.uploads import UploadTooLarge

# --- Request bodies: Vietnamese messages for what DRF reports in English ---------------------

# Django refuses (as a 400 page in English) a body with too many fields or files, or too
# big outside files: said in Vietnamese here, as an API error.
_TOO_MUCH = (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent)
TOO_MUCH_MESSAGE = _("Yêu cầu quá lớn hoặc có quá nhiều trường.")


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except _TOO_MUCH:
            raise ParseError(TOO_MUCH_MESSAGE) from None
        except ParseError:
            raise ParseError(_("Nội dung JSON không hợp lệ (sai cú pháp hoặc không phải "
                               "UTF-8).")) from None
        except RecursionError:
            # ~1000 nested brackets exhaust the parser's stack: a 2 KB body must not 500.
            raise ParseError(_("Nội dung JSON lồng nhau quá sâu.")) from None


class FormParser(parsers.FormParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except _TOO_MUCH:
            raise ParseError(TOO_MUCH_MESSAGE) from None
        except (ParseError, LookupError, UnicodeError, ValueError):
            # An unknown or non-text charset ("bz2_codec", "rot13"), bad percent-encoding.
            raise ParseError(_("Dữ liệu biểu mẫu không hợp lệ.")) from None


class PayloadTooLarge(APIException):
    """413: a multipart body or one of its files over the upload limits (registry.uploads)."""

    status_code = 413
    default_code = "too_large"


class MultiPartParser(parsers.MultiPartParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except UploadTooLarge as exc:
            raise PayloadTooLarge(exc.body()) from None
        except _TOO_MUCH:
            raise ParseError(TOO_MUCH_MESSAGE) from None
        except ParseError:
            raise ParseError(_("Dữ liệu multipart/form-data không hợp lệ.")) from None


