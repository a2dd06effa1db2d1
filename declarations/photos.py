"""Uploaded ID photos (portrait, ID front, ID back): checked, cleaned, re-encoded.

``sanitize_photo`` is the one place where image work happens on the request path. It
accepts JPEG, PNG, HEIC/HEIF and WebP up to 15 MB, decided by the content (magic bytes and
a decoder restricted to those formats, never the file name or the declared type); it
refuses pixel bombs from the header, decodes the whole picture (a truncated or corrupt
file is refused), turns it upright (EXIF), scales it to at most 2000 px on the long side
and re-encodes it as a fresh JPEG (quality 85) without EXIF/GPS, comment, ICC profile or
anything appended to the file (ZIP, HTML, PHP polyglots).

Memory: the decode of one photo holds at most about DECODE_BUDGET (128 MiB), estimated
from the header before decoding (accounts.scanning.images.load_reduced): JPEGs decode at
reduced scale, HEICs are reduced strip by strip, and a PNG or WebP whose full-size decode
would exceed the budget is refused. Measured in bench/photos_memory.py.
"""
from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from accounts.scanning.images import MAX_BYTES, ImageRejected, load_reduced, open_image

MAX_SIDE = 2000
JPEG_QUALITY = 85


class PhotoRejected(ImageRejected):
    """An uploaded photo that is not accepted (Vietnamese message, a ValidationError)."""


@dataclass(frozen=True)
class SanitizedPhoto:
    content: bytes  # a clean JPEG
    width: int
    height: int
    content_type: str = "image/jpeg"
    sha256: str = ""


def sanitize_photo(upload) -> SanitizedPhoto:
    """A clean JPEG of an uploaded photo (UploadedFile, file object or bytes).

    Raises PhotoRejected (a ValidationError) with a Vietnamese message for anything that
    is not an acceptable picture.
    """
    data = _read(upload)
    image = open_image(data, error_class=PhotoRejected)
    try:
        clean = load_reduced(image, data, mode="RGB", max_side=MAX_SIDE,
                             error_class=PhotoRejected)
        out = io.BytesIO()
        # No exif=, icc_profile= or comment: nothing of the original file is carried over.
        clean.save(out, "JPEG", quality=JPEG_QUALITY, comment=b"", progressive=False)
        width, height = clean.size
        clean.close()
    except ValidationError:
        raise
    except (OSError, ValueError) as exc:  # an encoder failing late
        raise PhotoRejected(
            _("Không đọc được ảnh: tệp bị hỏng hoặc không đầy đủ."), code="corrupt"
        ) from exc
    finally:
        image.close()
    content = out.getvalue()
    return SanitizedPhoto(
        content=content, width=width, height=height,
        sha256=hashlib.sha256(content).hexdigest(),
    )


def _read(upload) -> bytes:
    if isinstance(upload, bytes | bytearray | memoryview):
        data = bytes(upload)
    else:
        size = getattr(upload, "size", None)
        if size is not None and size > MAX_BYTES:
            raise _too_large()
        if hasattr(upload, "seek"):
            upload.seek(0)
        data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise _too_large()
    return data


def _too_large() -> PhotoRejected:
    return PhotoRejected(
        _("Ảnh quá lớn: tối đa %(max)s MB.") % {"max": MAX_BYTES // (1024 * 1024)},
        code="too_large",
    )
