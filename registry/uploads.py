"""Limits on uploads, applied while Django parses a multipart body, before anything is
written to disk: the first of settings.FILE_UPLOAD_HANDLERS.

Without it Django streams every file of any size to a temporary file while parsing (the
body limit DATA_UPLOAD_MAX_MEMORY_SIZE counts only the form fields), and only a view
could refuse a 2 GB photo once it was on disk. Here a body announcing more than
UPLOAD_REQUEST_MAX_BYTES is refused before any of it is read, and a file is stopped as
soon as it passes UPLOAD_FILE_MAX_BYTES. Both raise UploadTooLarge, answered with a 413 in
the user's language: JSON under /api/ (registry.parsers, vssid_portal.views.bad_request),
the portal's page otherwise.
"""
from __future__ import annotations

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest
from django.utils.translation import gettext


class UploadTooLarge(RequestDataTooBig):
    """A multipart body, or one of its files (`field`), over the portal's limits."""

    def __init__(self, *, limit: int, field: str = "") -> None:
        super().__init__(f"Upload over {limit} bytes" + (f" in field {field!r}" if field else ""))
        self.limit = limit
        self.field = field

    @property
    def message(self) -> str:
        megabytes = self.limit // (1024 * 1024)
        if self.field:
            return gettext("Ảnh quá lớn: tối đa %(max)s MB.") % {"max": megabytes}
        return gettext(
            "Dữ liệu gửi lên quá lớn: tối đa %(max)s MB mỗi lần gửi."
        ) % {"max": megabytes}

    def body(self) -> dict:
        """The API's answer: the message on the file's field, as other photo errors."""
        return {self.field: [self.message]} if self.field else {"detail": self.message}


class LimitedUploadHandler(FileUploadHandler):
    """Passes every chunk on to the next handlers (memory, then temporary file) until a
    limit is passed.

    A file over the limit stops the upload (StopUpload): Django closes, and so deletes,
    what the next handlers had written of it, and reads the rest of the body (at most
    UPLOAD_REQUEST_MAX_BYTES) without keeping it; at the end of the body the request is
    refused (upload_complete), and Django closes the files already complete. Raising
    straight from receive_data_chunk would leave the temporary file of the file being read
    open until the request is garbage-collected.
    """

    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.refused_field = ""

    def handle_raw_input(self, input_data, META, content_length: int, boundary,
                         encoding=None) -> None:
        if content_length > settings.UPLOAD_REQUEST_MAX_BYTES:
            raise UploadTooLarge(limit=settings.UPLOAD_REQUEST_MAX_BYTES)
        return None

    def new_file(self, field_name: str, file_name: str, content_type: str,
                 content_length: int | None, charset=None, content_type_extra=None) -> None:
        super().new_file(field_name, file_name, content_type, content_length, charset,
                         content_type_extra)
        if content_length is not None and content_length > settings.UPLOAD_FILE_MAX_BYTES:
            self._refuse()  # the part says its size: nothing of it is read

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        if start + len(raw_data) > settings.UPLOAD_FILE_MAX_BYTES:
            self._refuse()
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None  # the next handlers make the file

    def upload_complete(self) -> None:
        if self.refused_field:
            raise UploadTooLarge(limit=settings.UPLOAD_FILE_MAX_BYTES, field=self.refused_field)

    def _refuse(self) -> None:
        self.refused_field = self.field_name or "file"
        raise StopUpload(connection_reset=False)
